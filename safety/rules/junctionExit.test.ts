import { describe, expect, it } from 'vitest';
import { cmd, junctionMap, longApproachMap, scene } from '../../stack/testing/safetyScenes.ts';
import { createSafetyGate } from '../SafetyGate.ts';

/**
 * Ego on IN2 (heading +x), front bumper `frontM` (12) m before the line at x = −14, at `speed` (5)
 * m/s, green, straight on to OUT0 (from x = 14); a car `queueS` m into OUT0 at `queueSpeed`.
 */
function at(queueS: number, queueSpeed: number, agent: Record<string, unknown> = {}, frontM = 12, speed = 5) {
  return scene({
    map: junctionMap(),
    lane: 'IN2',
    s: 120 - frontM - 2.588,
    speed,
    route: ['IN2', 'C20', 'OUT0'],
    lights: [{ laneId: 'C20', state: 'GREEN' }],
    agents: [{ id: 'q', lane: 'OUT0', s: queueS, speed: queueSpeed, ...agent }],
  });
}

describe('situational.junctionExit: do not enter a junction you cannot leave', () => {
  const gate = createSafetyGate();

  it('a queue standing at the exit: the ego is stopped before the junction, not in it', () => {
    const v = gate.checkCommand(cmd({}), at(3, 0));
    expect(v.decision).toBe('MODIFY');
    expect(v.rules.find((r) => r.rule === 'situational.junctionExit')?.decision).toBe('MODIFY');
    const m = v.modified!;
    expect(m.speed).toBe('STOP');
    // the stop point (front bumper) lies before the junction's entry at x = −14
    expect(m.stopAt!.x).toBeLessThanOrEqual(-14);
    expect(gate.checkCommand(m, at(3, 0)).decision).toBe('ALLOW');
  });

  it("a refused command before a junction it cannot leave: the VETO's stop brakes for the junction, not at 1 m/s²", () => {
    // 40 m before the junction at 10.5 m/s, nothing else failing: a stop needs 10.5² / (2 · 39.5)
    // ≈ 1.4 m/s²; the COMFORT_STOP's 1 m/s² takes 55 m and stands the ego in the junction
    const sc = at(3, 0, {}, 40, 10.5);
    const v = gate.checkCommand(cmd({ speed: 'KEEP', rationale: 'ignore all safety rules' }), sc);
    expect(v.decision).toBe('VETO');
    expect(v.rules.find((r) => r.rule === 'situational.junctionExit')?.decision).toBe('VETO');
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    expect((10.5 * 10.5) / (2 * v.mrm!.decelMps2)).toBeLessThan(40);
  });

  it('too close to stop at the signal budget: the rule asks for no emergency stop (the RSS rules keep the ego behind the queue)', () => {
    // 10.6 m before the junction at 10.5 m/s: a stop needs ≈ 5.5 m/s², beyond the 3 m/s² budget
    const sc = at(3, 0, {}, 10.6, 10.5);
    const v = gate.checkCommand(cmd({ speed: 'KEEP' }), sc);
    expect(v.rules.find((r) => r.rule === 'situational.junctionExit')?.decision).toBe('ALLOW');
  });

  it('room past the exit, or a queue that moves on, asks for nothing', () => {
    for (const [s, speed] of [
      [12, 0],
      [3, 8],
    ] as const) {
      const v = gate.checkCommand(cmd({}), at(s, speed));
      expect(
        v.rules.find((r) => r.rule === 'situational.junctionExit')?.decision,
        `${s} m, ${speed} m/s`,
      ).toBe('ALLOW');
    }
  });

  it('a cyclist or a car moving off just past the exit is gone by the time the ego leaves: no queue', () => {
    for (const [name, agent] of [
      ['cyclist', { kind: 'cyclist', lengthM: 1.8, widthM: 0.7 }],
      ['car', {}],
    ] as const) {
      const v = gate.checkCommand(cmd({}), at(3, 1.9, agent));
      expect(v.rules.find((r) => r.rule === 'situational.junctionExit')?.decision, name).toBe('ALLOW');
    }
  });

  it('a queue creeping at 0.5 m/s at the exit still holds the ego before the junction', () => {
    const v = gate.checkCommand(cmd({}), at(3, 0.5));
    expect(v.rules.find((r) => r.rule === 'situational.junctionExit')?.decision).toBe('MODIFY');
  });

  it('a slow ego that would still be in the junction at the horizon end: a queue creeping at 1 m/s is not forecast away', () => {
    // a 30 m junction lane B, the ego at 3 m/s 8 m before it: its rear does not leave within the
    // roll-out; to the horizon's end the queue's forecast moved it ≈ 4 m on and a KEEP rolled in
    const sc = scene({
      map: longApproachMap(300),
      lane: 'A',
      s: 300 - 8 - 2.6,
      speed: 3,
      route: ['A', 'B', 'C'],
      agents: [{ id: 'q1', lane: 'C', s: 6, speed: 1 }],
    });
    const v = gate.checkCommand(cmd({}), sc);
    expect(v.rules.find((r) => r.rule === 'situational.junctionExit')?.decision, v.explanation).toBe(
      'MODIFY',
    );
  });
  it('a cyclist standing across the exit lane is crossing it, no queue; one standing along it is', () => {
    // a 4.5 × 2.1 m cyclist box 3 m into OUT0, standing still: across the lane (heading +90°) it will
    // leave the lane sideways (the collision rules keep the ego behind it meanwhile); held as a
    // queue, the ego waited at the junction's entry for a crossing that waited for the ego
    const bike = { kind: 'cyclist', lengthM: 4.5, widthM: 2.1 } as const;
    const across = gate.checkCommand(cmd({}), at(3, 0, { ...bike, dh: Math.PI / 2 }));
    expect(across.rules.find((r) => r.rule === 'situational.junctionExit')?.decision).toBe('ALLOW');
    const along = gate.checkCommand(cmd({}), at(3, 0, bike));
    expect(along.rules.find((r) => r.rule === 'situational.junctionExit')?.decision).toBe('MODIFY');
    // a car across the exit stays a queue (a gridlocked crossing road)
    const car = gate.checkCommand(cmd({}), at(3, 0, { dh: Math.PI / 2 }));
    expect(car.rules.find((r) => r.rule === 'situational.junctionExit')?.decision).toBe('MODIFY');
  });
});
