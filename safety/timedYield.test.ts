/**
 * The timed yield (issue #14): where `crossing.pet` asks the ego to yield to a vehicle going straight
 * on across its turn, the gate's repair is the gentlest command that is safe — a DECELERATE that
 * opens the gap (braking no harder than the stop short of the car's path), not that stop, when
 * one passes every rule and either reaches the car's path only behind it, out of `crossingPetS`,
 * or can still stop short of it from the roll-out's end. The ego waits at IN3 (x = 1.75,
 * northbound) to turn left (C32) across C13 (x = −1.75, southbound); the oncoming car comes down
 * IN1 at 11 m/s (`crossingPet.test.ts`'s junction).
 */
import { describe, expect, it } from 'vitest';
import { cmd, junctionMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

const gate = createSafetyGate();
const map = junctionMap();
const turn = ['IN3', 'C32', 'OUT2'];
const at = (egoS: number, speed: number, carS: number, carSpeed = 11) =>
  scene({
    map,
    lane: 'IN3',
    s: egoS,
    speed,
    route: turn,
    agents: [{ id: 'onc', lane: 'IN1', s: carS, speed: carSpeed }],
  });
const failing = (v: ReturnType<typeof gate.checkCommand>) =>
  v.rules.filter((r) => r.decision !== 'ALLOW').map((r) => r.rule);

describe('timed yield: a turn across an oncoming car is slowed to pass behind it, not stopped', () => {
  it('keeping 7 m/s 17 m before the turn, the car 10 m before the junction: brake at 1 m/s² to 6.3 m/s, not a stop', () => {
    const s = at(100, 7, 110);
    const v = gate.checkCommand(cmd({ speed: 'KEEP' }), s);
    expect(failing(v), v.explanation).toEqual(['crossing.pet']);
    expect(v.rules.find((r) => r.rule === 'crossing.pet')!.values.yields).toBe(true);
    expect(v.decision).toBe('MODIFY');
    // before: STOP at a point short of the car's path
    expect(v.modified!.speed, v.explanation).toBe('DECELERATE');
    expect(v.modified!.stopAt).toBeUndefined();
    expect(v.modified!.targetSpeedMps!).toBeGreaterThan(6);
    expect(v.modified!.decelMps2!).toBeLessThanOrEqual(1);
    // the repair passes the gate itself: the yield is given (behind the car, out of 1 s of it)
    const again = gate.checkCommand(v.modified!, s);
    expect(again.decision, again.explanation).toBe('ALLOW');
  });

  it('with the TTC bound failing too (5 m/s, 12 m before the turn): brake at 1 m/s² to 4.5 m/s, which passes both', () => {
    const s = at(105, 5, 90);
    const v = gate.checkCommand(cmd({ speed: 'KEEP' }), s);
    expect(failing(v)).toEqual(expect.arrayContaining(['ttc', 'crossing.pet']));
    expect(v.modified!.speed, v.explanation).toBe('DECELERATE');
    expect(v.modified!.targetSpeedMps!).toBeGreaterThanOrEqual(4);
    expect(gate.checkCommand(v.modified!, s).decision).toBe('ALLOW');
  });

  it('a deceleration that passes the horizon but would leave the ego unable to stop short of the car’s path at its end is no yield: the stop stays', () => {
    // 9 m/s 25 m before the turn, the car 36 m before the junction: slowing to 6.3 m/s at 1 m/s²
    // passes every rule over the 4 s horizon, but at its end the ego is short of the car's path
    // without room to stop there at 1 m/s² — a later check could no longer hold it
    const s = at(92, 9, 84);
    const v = gate.checkCommand(cmd({ speed: 'KEEP' }), s);
    expect(failing(v)).toContain('crossing.pet');
    expect(v.modified!.speed, v.explanation).toBe('STOP');
    expect(v.modified!.stopAt).toBeDefined();
  });

  it('a predicted contact is no gap to time: collision.predicted keeps its stop', () => {
    // 11 m/s 33 m before the turn, a 14 m/s car 36 m before the junction: the footprints meet
    const s = at(84, 11, 84, 14);
    const v = gate.checkCommand(cmd({ speed: 'KEEP' }), s);
    expect(failing(v)).toContain('collision.predicted');
    expect(failing(v)).not.toContain('crossing.pet');
    expect(v.modified!.speed, v.explanation).toBe('STOP');
  });
});
