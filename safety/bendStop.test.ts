/**
 * A VETO for a bend of the lane that the stop would take above the tyres' grip brakes to the grip's
 * cap by the bend (esmini distance_with_trailers: from 30 m/s in a curve that needs 8.9 m/s², the
 * COMFORT_STOP at 1 m/s² ran wide over the centre line into a parked truck); a bend above the comfort
 * bound but within the grip leaves the stop as it is (the car follows the lane).
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

  it('a bend above the grip further on: the gentlest braking that is down to its grip cap by the bend', () => {
    const s = scene({ map: turn(35), lane: 'A', s: 94, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 20 }), s);
    expect(v.decision).toBe('VETO');
    const lat = v.rules.find((r) => r.rule === 'kinematics.lateralAccel');
    const cap = lat?.values.laneGripCapMps as number;
    const ahead = lat?.values.bendAheadM as number;
    const need = (20 * 20 - cap * cap) / (2 * ahead);
    expect(need).toBeGreaterThan(1);
    expect(need).toBeLessThan(s.vehicle.maxDecelMps2);
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    expect(v.mrm?.decelMps2).toBeCloseTo(need, 2);
  });

  it("3 m before a 40 m radius at 20 m/s (the failing step's window only partly in the bend): braking to the grip's cap by the bend", () => {
    const s = scene({ map: turn(40), lane: 'A', s: 97, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 20 }), s);
    expect(v.decision).toBe('VETO');
    const lat = v.rules.find((r) => r.rule === 'kinematics.lateralAccel');
    const cap = lat?.values.laneGripCapMps as number;
    const ahead = lat?.values.bendAheadM as number;
    // the whole bend's cap (within the 2 m chords' reading), named no further than its window past its start
    expect(cap).toBeLessThan(Math.sqrt(grip * 40) * 1.02);
    expect(ahead).toBeLessThanOrEqual(3 + 4);
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    expect(v.mrm?.decelMps2).toBeGreaterThanOrEqual(
      Math.min(s.vehicle.maxDecelMps2, (20 * 20 - cap * cap) / (2 * ahead)),
    );
    expect(v.mrm?.decelMps2).toBeGreaterThan(5);
  });

  it('20 m/s into a 60 m radius (6.7 m/s²: above the comfort bound, within the grip): the comfort stop, unchanged', () => {
    const s = scene({ map: turn(60), lane: 'B', s: 3, speed: 20, route: ['A', 'B', 'C'] });
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 20 }), s);
    expect(v.decision).toBe('VETO');
    expect(v.rules.find((r) => r.rule === 'kinematics.lateralAccel')?.decision).toBe('VETO');
    expect(v.mrm).toEqual({ kind: 'COMFORT_STOP', decelMps2: 1 });
  });
});
