/**
 * Evasive steering (AES) at the gate: when the hardest stop in lane is predicted to strike a standing
 * object, a lane change at the evasive lateral rate replaces the MRM — only into a lane free by RSS
 * for the whole move (a safe/unsafe pair), and never where a stop alone avoids the object.
 */
import { describe, expect, it } from 'vitest';
import { ahead, cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

const gate = createSafetyGate();
const map = roadMap({ lanes: 2, speedLimitMps: 25 });
/** Ego at 20 m/s in R0 centred at s = 50, a parked van `gapM` ahead of its front bumper, in R0. */
const blocked = (gapM: number, extra: Parameters<typeof scene>[0]['agents'] = []) =>
  scene({
    map,
    lane: 'R0',
    s: 50,
    speed: 20,
    route: ['R0'],
    agents: [
      { id: 'van', kind: 'static', lane: 'R0', s: ahead(50, gapM), attrs: { parked: true } },
      ...extra,
    ],
  });
const keep = cmd({ speed: 'KEEP', targetSpeedMps: 20 });

describe('evasive steering at the gate', () => {
  it('a van 28 m ahead at 20 m/s that no stop clears, the left lane free: an evasive change left, not the MRM (MODIFY)', () => {
    const v = gate.checkCommand(keep, blocked(28));
    expect(v.decision).toBe('MODIFY');
    expect(v.modified?.path).toBe('LEFT_CHANGE');
    expect(v.modified?.targetLaneId).toBe('R1');
    expect(v.modified?.lateralAccelMps2).toBeCloseTo(gate.params.evasiveLatAccelMps2, 1);
    expect(v.rules.find((r) => r.rule === 'evasive.steer')?.decision).toBe('MODIFY');
    expect(v.mrm).toBeUndefined();
  });

  it('the same van with a car closing at 30 m/s 15 m behind in the left lane: no evasive change, the MRM stop (VETO)', () => {
    const v = gate.checkCommand(keep, blocked(28, [{ id: 'car', lane: 'R1', s: 50 - 15, speed: 30 }]));
    expect(v.decision).toBe('VETO');
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    expect(v.rules.some((r) => r.rule === 'evasive.steer')).toBe(false);
  });

  it('a van far enough ahead for a stop: the stop, no evasive move (the gentlest repair wins)', () => {
    const v = gate.checkCommand(keep, blocked(45));
    expect(v.modified?.path ?? 'FOLLOW_LANE').toBe('FOLLOW_LANE');
    expect(v.rules.some((r) => r.rule === 'evasive.steer')).toBe(false);
  });

  it('the evasive command the gate proposes passes its own check unchanged on the next look', () => {
    const v = gate.checkCommand(keep, blocked(28));
    const again = gate.checkCommand(v.modified!, blocked(28));
    expect(again.decision, again.explanation).toBe('ALLOW');
  });
});

describe('an untrusted evasive rate', () => {
  // review 10: 12 m/s² (the schema's bound) was rolled out at the tyres' 7.85, read over 4 m windows
  // that flatten the cubic's ends, and a repair handed the 12 back to the controller
  const free = scene({ map, lane: 'R0', s: 50, speed: 20, route: ['R0'] });
  const swerve = (lateralAccelMps2: number) =>
    cmd({ speed: 'KEEP', targetSpeedMps: 20, path: 'LEFT_CHANGE', targetLaneId: 'R1', lateralAccelMps2 });

  it('a lateralAccelMps2 above the evasive limit is refused (input.range), as a speed above the vehicle’s is', () => {
    const v = gate.checkCommand(swerve(12), free);
    expect(v.decision, v.explanation).toBe('VETO');
    expect(v.rules.find((r) => r.rule === 'input.range')?.decision).toBe('VETO');
    expect(v.modified).toBeUndefined();
  });

  it('kinematics reads the evasive move’s exact peak: 12 m/s² asked, the tyres’ 7.85 rolled out, over the limit', () => {
    const k = gate.checkCommand(swerve(12), free).rules.find((r) => r.rule === 'kinematics.lateralAccel');
    expect(k?.decision).not.toBe('ALLOW');
    expect(k?.values.lateralAccelMps2 as number).toBeCloseTo(gate.params.maxTyreLatAccelMps2, 1);
  });

  it('the evasive rate with braking beyond the tyres’ grip together is refused (input.range, Kamm’s circle)', () => {
    // red team 7: 4.9 m/s² sideways and 7 m/s² braking ask the tyres for 8.55 m/s², beyond 0.8 g
    const hard = cmd({
      speed: 'DECELERATE',
      targetSpeedMps: 5,
      decelMps2: 7,
      path: 'LEFT_CHANGE',
      targetLaneId: 'R1',
      lateralAccelMps2: 4.9,
    });
    const r = gate.checkCommand(hard, free).rules.find((x) => x.rule === 'input.range');
    expect(r?.decision).toBe('VETO');
    expect(r?.message).toContain('grip');
  });

  it('a swerve with a STOP at a point counts the braking that point takes, not a missing decelMps2 (input.range)', () => {
    // review 11: STOP 27 m ahead at 20 m/s brakes ≈ 8.7 m/s² in the roll-out; with 4.9 sideways ≈ 10 of 7.85 grip
    const e = free.snapshot.ego;
    const stopAhead = (m: number) =>
      cmd({
        speed: 'STOP',
        targetSpeedMps: 0,
        path: 'LEFT_CHANGE',
        targetLaneId: 'R1',
        lateralAccelMps2: 4.9,
        stopAt: { x: e.x + m * Math.cos(e.headingRad), y: e.y + m * Math.sin(e.headingRad) },
      });
    const near = gate.checkCommand(stopAhead(27), free).rules.find((x) => x.rule === 'input.range');
    expect(near?.decision).toBe('VETO');
    expect(near?.message).toContain('grip');
    // 80 m ahead: ≈ 2.6 m/s² of braking, within the grip with the swerve
    const far = gate.checkCommand(stopAhead(80), free).rules.find((x) => x.rule === 'input.range');
    expect(far?.decision).toBe('ALLOW');
  });

  it('the evasive rate itself (0.5 g, as the planner rounds it) passes both', () => {
    const v = gate.checkCommand(swerve(4.91), free);
    expect(v.decision, v.explanation).toBe('ALLOW');
  });
});

describe('evasive steering is for standing objects only', () => {
  it('a person standing in the lane 28 m ahead at 20 m/s: the MRM stop, no swerve (a person may step into the way out)', () => {
    const v = gate.checkCommand(
      keep,
      scene({
        map,
        lane: 'R0',
        s: 50,
        speed: 20,
        route: ['R0'],
        agents: [{ id: 'ped', kind: 'pedestrian', lane: 'R0', s: ahead(50, 28, 0.3) }],
      }),
    );
    expect(v.rules.some((r) => r.rule === 'evasive.steer')).toBe(false);
  });
});
