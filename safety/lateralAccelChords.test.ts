/**
 * kinematics.lateralAccel on a lane drawn with coarse chords: the polyline's heading turns at its
 * vertices, so a step-by-step yaw rate over-reads a steady curve (red team 4: 5.44 m/s² for a true
 * 3.0 at 6 m/s on a 12 m radius drawn with 2 m chords; 7.85 for a true 3.33 at 10 m/s on a 30 m
 * radius drawn with 5 m chords).
 */
import { describe, expect, it } from 'vitest';
import { RoadMapSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { cmd, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

/** A 30 m radius left quarter turn B (5 m chords, 4.5 m wide) between straight lanes A (east) and C (north). */
function chordTurn(): RoadMap {
  const R = 30;
  const n = Math.ceil((R * Math.PI) / 2 / 5);
  const arc = [];
  for (let i = 0; i <= n; i++) {
    const a = (i / n) * (Math.PI / 2);
    arc.push({ x: R * Math.sin(a), y: R * (1 - Math.cos(a)) });
  }
  return new RoadMap(
    RoadMapSchema.parse({
      id: 'chord-turn',
      lanes: [
        {
          id: 'A',
          centerline: [
            { x: -60, y: 0 },
            { x: 0, y: 0 },
          ],
          widthM: 3.5,
          speedLimitMps: 13.9,
          successors: ['B'],
        },
        {
          id: 'B',
          centerline: arc,
          widthM: 3.5,
          speedLimitMps: 13.9,
          predecessors: ['A'],
          successors: ['C'],
        },
        {
          id: 'C',
          centerline: [
            { x: R, y: R },
            { x: R, y: 80 },
          ],
          widthM: 3.5,
          speedLimitMps: 13.9,
          predecessors: ['B'],
        },
      ],
    }),
  );
}

const gate = createSafetyGate();
const latOn = (speedMps: number) => {
  const v = gate.checkCommand(
    cmd({ speed: 'KEEP', targetSpeedMps: speedMps }),
    scene({ map: chordTurn(), lane: 'B', s: 3, speed: speedMps, route: ['A', 'B', 'C'] }),
  );
  return v.rules.find((r) => r.rule === 'kinematics.lateralAccel');
};

describe('kinematics.lateralAccel reads the curve, not the chords', () => {
  it('10 m/s on the 30 m radius (v²/R = 3.33 m/s², under 4.89) passes', () => {
    expect(latOn(10)).toBeUndefined();
  });

  it('14 m/s on it (6.5 m/s²) still fails', () => {
    expect(latOn(14)?.decision).toBeDefined();
    expect(latOn(14)?.decision).not.toBe('ALLOW');
  });
});
