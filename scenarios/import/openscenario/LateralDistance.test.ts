import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  entityFrameDistanceM,
  LAT_DIST_UNLIMITED,
  lateralDistanceRoadStep,
  ROAD_LAT_DIST_START,
  roadDistanceErrorM,
  roadFrameDistanceM,
} from './LateralDistance.ts';
import { prepareOpenScenario } from './OpenScenario.ts';
import { runStoryboard } from './StoryboardRun.ts';

// esmini's own LateralDistanceAction files, vendored unmodified under data/esmini (data/README.md).
const XOSC = join(import.meta.dirname, '../../../data/esmini/EnvironmentSimulator/Unittest/xosc');

/** Poses after stepping lat_dist_entity_basic.xosc as esmini's C++ unit test does (frame 0 at dt 0, then 0.1 s). */
function entityBasicAt(tS: number): Map<string, { x: number; y: number; h: number }> {
  const prep = prepareOpenScenario(join(XOSC, 'lat_dist_entity_basic.xosc'));
  if (!prep.ok) throw new Error(prep.error.message);
  // The file's StopTrigger fires at once in its test mode; the C++ test steps on regardless.
  const res = prep.value.exec.run(undefined, {
    dtS: 0.1,
    maxDurationS: tS,
    minDurationS: 0,
    engineApi: true,
  });
  const out = new Map<string, { x: number; y: number; h: number }>();
  for (const [name, st] of res.states) {
    const p = st.track.find((q) => Math.abs(q.tS - tS) < 1e-6)!;
    out.set(name, { x: p.x, y: p.y, h: ((p.headingRad % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI) });
  }
  return out;
}

describe('LateralDistanceAction, coordinateSystem entity (esmini LatDistAction.EntityCoordinates)', () => {
  // ScenarioEngine_test.cpp's EXPECT_NEAR values (tolerance 1e-3): four targets start off the road
  // at different headings and steer to 1 m freespace left of the standing Ego.
  it('steers each target towards the line beside the reference as esmini does after 1 s', () => {
    const at = entityBasicAt(1);
    const want: [string, number, number, number][] = [
      ['Target1', 115.0718, -4.0023, 1.485],
      ['Target2', 136.3312, -4.3221, 1.5141],
      ['Target3', 153.6639, -6.1186, 0.2146],
      ['Target4', 179.5069, 2.5889, 0.5707],
    ];
    for (const [n, x, y, h] of want) {
      expect(at.get(n)!.x, `${n} x`).toBeCloseTo(x, 2);
      expect(at.get(n)!.y, `${n} y`).toBeCloseTo(y, 2);
      expect(at.get(n)!.h, `${n} h`).toBeCloseTo(h, 2);
    }
  });

  it('keeps them on the line 3 m left of the Ego, along its heading, after 5 s', () => {
    const at = entityBasicAt(5);
    const want: [string, number, number, number][] = [
      ['Target1', 132.3449, 1.4591, 0.0011],
      ['Target2', 153.3136, 1.4587, 0.0012],
      ['Target3', 170.3916, 1.4508, 0.0046],
      ['Target4', 199.1407, 1.4706, 6.2821],
    ];
    for (const [n, x, y, h] of want) {
      expect(at.get(n)!.x, `${n} x`).toBeCloseTo(x, 2);
      expect(at.get(n)!.y, `${n} y`).toBeCloseTo(y, 2);
      expect(at.get(n)!.h, `${n} h`).toBeCloseTo(h, 2);
    }
    expect(at.get('Ego')).toEqual({ x: 100, y: expect.closeTo(-1.535, 3), h: 0 });
  });
});

describe('LateralDistanceAction, coordinateSystem road (esmini smoke test test_lat_dist_road_coordinates)', () => {
  const run = runStoryboard(join(XOSC, 'lat_dist_road_test.xosc'), { stepS: 0.1 });
  if (!run.ok) throw new Error(run.error.message);
  const ends = (name: string) =>
    run.value.events.filter((e) => e.kind === 'element_end_time' && e.name === name).map((e) => e.tS);

  it('ends the rigid actions within the threshold and the replaced ones when the next starts, at esmini times', () => {
    expect(ends('RigidLeftLateralDistanceAction')).toEqual([0.8]);
    expect(ends('RigidRightLateralDistanceAction')).toEqual([1.2]);
    expect(ends('RigidLeftOppositeLateralDistanceAction')).toEqual([1.8]);
    expect(ends('RigidRightOppositeLateralDistanceAction')).toEqual([2.2]);
    expect(ends('MaxSpeedContinuousLateralDistanceAction')).toEqual([4.7]);
    expect(ends('MaxSpeedAndAccContinuousLateralDistanceAction')).toEqual([18.4]);
  });

  it("puts the target where esmini's dat2csv has it (rigid, max speed and spring modes, both sides, both directions)", () => {
    const want: [number, number, number, number][] = [
      [0.9, 54.5, -0.5, 0],
      [1.3, 56.5, -2.5, 0],
      [1.9, 59.5, -0.5, 0],
      [3.1, 63.9, -3.7, 5.356],
      [4.7, 69.3, 1.5, 0],
      [8.5, 87.553, -3.318, 6.231],
      [13.3, 111.04, 1.067, 0.06],
      [18.4, 136.271, 4.302, 0.027],
      [24.0, 163.038, -1.458, 6.274],
    ];
    for (const [t, x, y, h] of want) {
      const s = run.value.states.find((r) => r.name === 'Target' && Math.abs(r.tS - t) < 1e-6)!;
      // The practical state tolerances of check-esmini (0.05 m / 0.05 rad).
      expect(Math.abs(s.x - x), `x @ ${t}`).toBeLessThan(0.05);
      expect(Math.abs(s.y - y), `y @ ${t}`).toBeLessThan(0.05);
      expect(Math.abs(Math.atan2(Math.sin(s.h - h), Math.cos(s.h - h))), `h @ ${t}`).toBeLessThan(0.05);
    }
  });
});

describe('LateralDistance step functions', () => {
  it('signs the distance: entity frame to the left positive, road frame left negative (esmini Start)', () => {
    expect(entityFrameDistanceM(1, true, 'leftToReferencedEntity', 4)).toBe(3);
    expect(entityFrameDistanceM(1, false, 'rightToReferencedEntity', 4)).toBe(-1);
    expect(roadFrameDistanceM(1, true, 'leftToReferencedEntity', 4)).toBe(-3);
    expect(roadFrameDistanceM(1, true, 'rightToReferencedEntity', 4)).toBe(3);
    // Facing along s beside a reference facing the same way: the error takes dt to −distance.
    expect(roadDistanceErrorM(-1, true, true, -3)).toBe(4);
    expect(roadDistanceErrorM(-1, false, true, -3)).toBe(-2);
  });

  it('moves sideways at maxSpeed and lands exactly on the distance, then ends when not continuous', () => {
    const p = {
      distanceM: -3,
      maxAccelMps2: LAT_DIST_UNLIMITED,
      maxAccelRateMps3: LAT_DIST_UNLIMITED,
      maxSpeedMps: 2,
      maxDecelMps2: LAT_DIST_UNLIMITED,
      continuous: false,
    };
    const init = lateralDistanceRoadStep(ROAD_LAT_DIST_START, 0.5, 5, 0, p, 0.1);
    expect(init).toMatchObject({ dTM: 0, done: false, state: { mode: 'dynamic' } });
    const mid = lateralDistanceRoadStep(init.state, 0.5, 5, 0, p, 0.1);
    expect(mid.dTM).toBeCloseTo(0.2, 5);
    expect(mid.alongM).toBeCloseTo(Math.sqrt(25 - 4) * 0.1, 5);
    expect(mid.done).toBe(false);
    const last = lateralDistanceRoadStep(mid.state, 0.1, 5, 0, p, 0.1);
    expect(last.dTM).toBeCloseTo(0.1, 9);
    expect(last.done).toBe(true);
  });
});
