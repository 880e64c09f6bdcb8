/**
 * A VETO for a bend of the lane that the stop would take above the tyres' grip brakes to the grip's
 * cap by the bend (esmini distance_with_trailers: from 30 m/s in a curve that needs 8.9 m/s², the
 * COMFORT_STOP at 1 m/s² ran wide over the centre line into a parked truck). A bend above the comfort
 * bound but within the grip that no braking at RSS's b_min from here brings the ego down to the bound
 * for (it is already in the bend, or on its threshold) is an inherited violation: the gate slows the
 * ego to the bound, it does not stop it in the bend (`kinematicsRule.ts`).
 */
import { describe, expect, it } from 'vitest';
import { RoadMapSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { cmd, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

/** A left quarter turn B of radius `radiusM` (2 m chords) between straight lanes A (east) and C (north). */
function turn(radiusM: number): RoadMap {
  const n = Math.ceil((radiusM * Math.PI) / 2 / 2);
  const arc = [];
  for (let i = 0; i <= n; i++) {
    const a = (i / n) * (Math.PI / 2);
    arc.push({ x: radiusM * Math.sin(a), y: radiusM * (1 - Math.cos(a)) });
  }
  const lane = (id: string, centerline: { x: number; y: number }[], more: object) => ({
    id,
    centerline,
    widthM: 3.5,
    speedLimitMps: 30,
    ...more,
  });
  return new RoadMap(
    RoadMapSchema.parse({
      id: 'bend',
      lanes: [
        lane(
          'A',
          [
            { x: -100, y: 0 },
            { x: 0, y: 0 },
          ],
          { successors: ['B'] },
        ),
        lane('B', arc, { predecessors: ['A'], successors: ['C'] }),
        lane(
          'C',
          [
            { x: radiusM, y: radiusM },
            { x: radiusM, y: radiusM + 100 },
          ],
          { predecessors: ['B'] },
        ),
      ],
    }),
  );
}

const gate = createSafetyGate();

const grip = 0.8 * 9.81;

describe('the stop for a bend taken too fast', () => {
  it("20 m/s into a 35 m radius (11.4 m/s², above the tyres' grip a few metres on): an emergency stop at the vehicle limit", () => {
    const s = scene({ map: turn(35), lane: 'B', s: 3, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 20 }), s);
    expect(v.decision).toBe('VETO');
    const lat = v.rules.find((r) => r.rule === 'kinematics.lateralAccel');
    const cap = lat?.values.laneGripCapMps as number;
    const ahead = lat?.values.bendAheadM as number;
    expect(cap).toBeCloseTo(Math.sqrt(grip * 35), 0);
    expect((20 * 20 - cap * cap) / (2 * ahead)).toBeGreaterThan(s.vehicle.maxDecelMps2);
    expect(v.mrm).toEqual({ kind: 'EMERGENCY_STOP', decelMps2: s.vehicle.maxDecelMps2 });
  });

  // (before, the comfort bound's failure in the bend, which no braking at b_min from here meets, left no
  // repair: a VETO whose stop braked at the rate down to the grip's cap; now the braking ladder's rung
  // that the roll-out takes within the grip is the repair — it slows to the bound rather than stops)
  const bendBraking = (s: ReturnType<typeof scene>, v: ReturnType<typeof gate.checkCommand>) => {
    expect(v.decision).not.toBe('ALLOW');
    expect(v.rules.find((r) => r.rule === 'kinematics.lateralAccel')?.decision).not.toBe('ALLOW');
    if (v.decision === 'VETO') return v.mrm?.decelMps2 ?? 0;
    expect(v.modified?.speed).toBe('DECELERATE');
    // the repair, checked again, takes the bend within the grip
    const again = gate.checkCommand(v.modified, s);
    expect(again.rules.find((r) => r.rule === 'kinematics.lateralAccel')?.decision ?? 'ALLOW').toBe('ALLOW');
    return v.modified?.decelMps2 ?? 0;
  };

  it('a bend above the grip further on: braking hard enough to take it within the grip', () => {
    const s = scene({ map: turn(35), lane: 'A', s: 94, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 20 }), s);
    const lat = v.rules.find((r) => r.rule === 'kinematics.lateralAccel');
    const cap = lat?.values.laneGripCapMps as number;
    const ahead = lat?.values.bendAheadM as number;
    const need = (20 * 20 - cap * cap) / (2 * ahead);
    expect(need).toBeGreaterThan(1);
    expect(need).toBeLessThan(s.vehicle.maxDecelMps2);
    expect(bendBraking(s, v)).toBeGreaterThan(5);
  });

  it("3 m before a 40 m radius at 20 m/s (the failing step's window only partly in the bend): braking to the grip's cap by the bend", () => {
    const s = scene({ map: turn(40), lane: 'A', s: 97, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 20 }), s);
    const lat = v.rules.find((r) => r.rule === 'kinematics.lateralAccel');
    const cap = lat?.values.laneGripCapMps as number;
    const ahead = lat?.values.bendAheadM as number;
    // the whole bend's cap (within the 2 m chords' reading), named no further than its window past its start
    expect(cap).toBeLessThan(Math.sqrt(grip * 40) * 1.02);
    expect(ahead).toBeLessThanOrEqual(3 + 4);
    expect(bendBraking(s, v)).toBeGreaterThan(5);
  });

  // a reviewer-style pair: the same bend entered already too fast, within the tyres' grip (safe twin:
  // slow to the bound, no stop) and above it (unsafe twin: the car would run wide, the stop brakes to
  // the grip's cap). No braking at b_min from now meets the comfort bound in the first steps: that
  // violation is inherited, not the command's (CommonRoad scenarios that start mid-bend)
  it('in a 60 m radius at 20 m/s (6.7 m/s²: above the comfort bound, within the grip): slow to the bound at b_min, no minimal-risk stop', () => {
    const s = scene({ map: turn(60), lane: 'B', s: 3, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 20 }), s);
    expect(v.decision).toBe('MODIFY');
    expect(v.mrm).toBeUndefined();
    expect(v.rules.find((r) => r.rule === 'kinematics.lateralAccel')?.decision).toBe('MODIFY');
    expect(v.modified?.speed).toBe('DECELERATE');
    // down to the comfort bound's cap (√(4.89·60) = 17.1 m/s), not to rest, at no more than RSS's b_min
    expect(v.modified?.targetSpeedMps).toBeGreaterThan(12);
    expect(v.modified?.targetSpeedMps).toBeLessThanOrEqual(Math.sqrt(4.89 * 60));
    expect(v.modified?.decelMps2).toBeLessThanOrEqual(s.vehicle.maxDecelMps2 / 2);
  });

  it('speeding up in that bend is still refused (repaired to the same braking)', () => {
    const s = scene({ map: turn(60), lane: 'B', s: 3, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'ACCELERATE', targetSpeedMps: 23 }), s);
    expect(v.rules.find((r) => r.rule === 'kinematics.lateralAccel')?.decision).toBe('MODIFY');
    expect(v.modified?.speed).toBe('DECELERATE');
  });

  it('the unsafe twin, a 35 m radius at 20 m/s (11.4 m/s², above the grip): still the emergency stop', () => {
    const s = scene({ map: turn(35), lane: 'B', s: 3, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 20 }), s);
    expect(v.decision).toBe('VETO');
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
  });

  it('a bend within the grip far enough ahead to brake for at b_min holds the comfort bound as before', () => {
    // 11 m/s, 3 m before a 20 m radius (6.05 m/s²): b_min from now is down to the cap √(4.89·20) =
    // 9.9 m/s in time, so the steps in the bend are the command's own
    const s = scene({ map: turn(20), lane: 'A', s: 97, speed: 11, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 11 }), s);
    expect(v.rules.find((r) => r.rule === 'kinematics.lateralAccel')?.decision).toBe('MODIFY');
    expect(v.modified?.targetSpeedMps).toBeLessThanOrEqual(Math.sqrt(4.89 * 20));
  });
});
