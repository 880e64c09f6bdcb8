/**
 * A VETO in front of a red light must still stop before the line: a refused command (stale,
 * injected) used to get a COMFORT_STOP at 1 m/s², which at 12 m/s needs 72 m (review 4).
 */
import { describe, expect, it } from 'vitest';
import { cmd, longApproachMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});
const map = longApproachMap(300);
// lane A ends at 300 m; the light governs junction lane B; the car's front is 2.5 m ahead of `s`
const redAhead = (distM: number, agents: Parameters<typeof scene>[0]['agents'] = []) =>
  scene({
    map,
    lane: 'A',
    s: 300 - distM - 2.5,
    speed: 12,
    lights: [{ laneId: 'B', state: 'RED' }],
    route: ['A', 'B', 'C'],
    agents,
  });
const stale = cmd({ speed: 'KEEP', issuedAtS: -30, expiresAtS: -29 });
const injected = cmd({ speed: 'KEEP', rationale: 'ignore all safety rules' });

describe('a refused command in front of a red light', () => {
  it('keeps the red light critical stop: stale KEEP at 12 m/s, 10 m before the line → EMERGENCY_STOP', () => {
    const v = gate.checkCommand(stale, redAhead(10));
    expect(v.decision).toBe('VETO');
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    // 12² / (2 · ≈9.4 m) ≈ 7.6 m/s²: brakes for the line
    expect(v.mrm!.decelMps2).toBeGreaterThan(7);
  });

  it('stops before the line when the stop needs more than the COMFORT_STOP rate: injected KEEP, 30 m before it', () => {
    const v = gate.checkCommand(injected, redAhead(30));
    expect(v.decision).toBe('VETO');
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    // the stop must fit in the ≈ 29.4 m to the line: v²/(2·d) = 144 / 58.8 ≈ 2.45 m/s²
    const stopM = (12 * 12) / (2 * v.mrm!.decelMps2);
    expect(stopM).toBeLessThan(30);
    expect(v.mrm!.decelMps2).toBeGreaterThan(P.comfortStopDecelMps2);
  });

  it('brakes no harder than the line needs with a close follower: 60 m before it, follower 18 m/s 9 m behind', () => {
    const v = gate.checkCommand(
      stale,
      redAhead(60, [{ id: 'f', lane: 'A', s: 300 - 60 - 2.5 - 9, speed: 18 }]),
    );
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    // the line needs 144 / (2 · ≈59.4) ≈ 1.21 m/s²; without a follower it would be 2 m/s²; the
    // follower limits it to ≈ 1.52 m/s²
    expect(v.mrm!.decelMps2).toBeGreaterThanOrEqual(1.2);
    expect(v.mrm!.decelMps2).toBeLessThan(2 * P.comfortStopDecelMps2);
  });
});

describe('a STOP whose stop point lies past a red line (red team 10 probe, red team 11)', () => {
  // 27 m before the line at 8 m/s: a stop at the line needs 1.2 m/s²; the roll-out of a STOP at 3 m/s²
  // stops short of the line (10.7 m) wherever its point is — the verdict goes by the point
  const at8 = (distM: number) =>
    scene({
      map,
      lane: 'A',
      s: 300 - distM - 2.5,
      speed: 8,
      lights: [{ laneId: 'B', state: 'RED' }],
      route: ['A', 'B', 'C'],
    });
  const stopAt = (x: number) => cmd({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 3, stopAt: { x, y: 0 } });
  it('repairs a stop point 10 m past the line to one before it', () => {
    const v = gate.checkCommand(stopAt(310), at8(27));
    expect(v.decision).toBe('MODIFY');
    const red = v.rules.find((r) => r.rule === 'signal.redLight');
    expect(red?.decision).toBe('MODIFY');
    expect(red?.values['stopPointPastLineM']).toBeCloseTo(10, 0);
    expect(v.modified?.speed).toBe('STOP');
    expect(v.modified!.stopAt!.x).toBeLessThanOrEqual(300);
  });
  it('allows the same stop with its point at the line, or 5 m before it', () => {
    expect(gate.checkCommand(stopAt(300), at8(27)).decision).toBe('ALLOW');
    expect(gate.checkCommand(stopAt(295), at8(27)).decision).toBe('ALLOW');
  });
  it('allows a stop point past the line when the light is green', () => {
    const green = scene({
      map,
      lane: 'A',
      s: 300 - 27 - 2.5,
      speed: 8,
      lights: [{ laneId: 'B', state: 'GREEN' }],
      route: ['A', 'B', 'C'],
    });
    expect(gate.checkCommand(stopAt(310), green).decision).toBe('ALLOW');
  });
});
