/**
 * `vru.crosswalk`: a person standing on a crosswalk facing the ego's path waits to cross — out on the
 * road (a lane or a refuge) and only against an ego without a green light; and a conflict the ego
 * can no longer stop before is braked for at the platform's maximum, not passed (review 13).
 */
import { describe, expect, it } from 'vitest';
import { VehicleParamsSchema } from '../core/index.ts';
import { road } from '../scenarios/builtin/index.ts';
import { cmd, junctionMap, mapOf, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

// the junction map's exit crosswalk CW1 spans x ∈ [−4, 4] at y 10.5–13.5; the lanes x ∈ [−3.5, 3.5]
const map = junctionMap();

/** The ego 10 m/s on IN3 going straight on (C31 → OUT1), a person standing on CW1 at x facing east (towards the ego's lane). */
function standing(x: number, green: boolean) {
  const sc = scene({
    map,
    lane: 'IN3',
    s: 100,
    speed: 10,
    route: ['IN3', 'C31', 'OUT1'],
    lights: green ? [{ laneId: 'IN3', state: 'GREEN' }] : [],
  });
  sc.snapshot.agents.push({
    id: 'ped',
    kind: 'pedestrian',
    x,
    y: 12,
    headingRad: 0,
    speedMps: 0,
    lengthM: 0.6,
    widthM: 0.6,
  });
  const v = createSafetyGate().checkCommand(cmd({ speed: 'KEEP' }), sc);
  return v.rules.find((r) => r.rule === 'vru.crosswalk')!.decision;
}

describe('vru.crosswalk: who waits to cross', () => {
  it('a person standing in the oncoming lane facing the ego’s lane waits to cross: the ego stays able to stop', () => {
    expect(standing(-1.75, false)).not.toBe('ALLOW');
  });

  it('at the far kerb end of the polygon (beyond the lanes) they are on the pavement, not waiting on the road', () => {
    expect(standing(-3.8, false)).toBe('ALLOW');
  });

  it('against the ego’s green light the person in the oncoming lane waits for theirs', () => {
    expect(standing(-1.75, true)).toBe('ALLOW');
  });
});

describe('vru.crosswalk: a conflict the ego cannot stop before', () => {
  it('is braked for at the platform’s maximum (0.5 m/s²), not passed', () => {
    const cwMap = mapOf({
      ...road({ lanes: 1 }),
      crosswalks: [
        {
          id: 'cw',
          polygon: [
            { x: 100, y: -1.75 },
            { x: 104, y: -1.75 },
            { x: 104, y: 1.75 },
            { x: 100, y: 1.75 },
          ],
        },
      ],
    });
    const vehicle = VehicleParamsSchema.parse({ maxDecelMps2: 0.5 });
    const sc = scene({
      map: cwMap,
      s: 70,
      speed: 10,
      vehicle,
      agents: [{ id: 'p', kind: 'pedestrian', lane: 'R0', s: 102, d: 0.5, dh: Math.PI / 2, speed: 1.2 }],
    });
    const v = createSafetyGate().checkCommand(cmd({ speed: 'KEEP' }), sc);
    expect(v.rules.find((r) => r.rule === 'vru.crosswalk')!.decision).not.toBe('ALLOW');
    expect(v.decision).toBe('MODIFY');
    expect(v.modified?.decelMps2).toBe(0.5);
    expect(v.modified?.targetSpeedMps).toBe(0);
  });
});
