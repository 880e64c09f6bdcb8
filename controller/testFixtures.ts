/**
 * The scenes the command-controller tests drive (test-only helpers, imported by *.test.ts): a
 * straight two-lane road and a winding one, and what the tests measure on them.
 */
import type { EgoState, Scenario } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { egoOn } from '../scenarios/builtin/build.ts';
import { curvyReference, road } from '../scenarios/builtin/maps.ts';
import { testScenario } from '../stack/testing/simScene.ts';

/** A straight two-lane road, 600 m: lane R0 and, to its left, R1. */
export const straight = road({ lanes: 2, lengthM: 600 });
export const map = new RoadMap(straight);

/** A scene on `straight`: the ego `sM` metres along R0 at `speedMps`, `durationS` long (route R0). */
export function straightScene(
  sM: number,
  speedMps: number,
  durationS: number,
  routeLaneIds: string[] = ['R0'],
): { scenario: Scenario; map: RoadMap } {
  return testScenario({ map: straight, ego: egoOn(map, 'R0', sM, speedMps), routeLaneIds, durationS });
}

/** A winding two-lane road (R0 along `curvyReference(700)`), the ego 20 m along R0 at 10 m/s. */
export function windingScene(durationS: number): { scenario: Scenario; map: RoadMap } {
  const data = road({ lanes: 2, reference: curvyReference(700) });
  return testScenario({
    map: data,
    ego: egoOn(new RoadMap(data), 'R0', 20, 10),
    routeLaneIds: ['R0'],
    durationS,
  });
}

/** The largest |lateral offset| (m) from lane `laneId`'s centre over `egos` (rear-axle poses). */
export function worstOffsetM(m: RoadMap, laneId: string, egos: readonly EgoState[]): number {
  const line = m.mustLane(laneId).line;
  let worst = 0;
  for (const e of egos) worst = Math.max(worst, Math.abs(line.project(e.x, e.y).dM));
  return worst;
}

/**
 * The front bumper's arc length (m) along R0 of `straight` for a rear-axle pose of the default car
 * (rear axle + 1.461 + 5.176 / 2: nuPlan's Pacifica).
 */
export function frontOnR0M(e: EgoState): number {
  return map.mustLane('R0').line.project(e.x, e.y).sM + 1.461 + 5.176 / 2;
}
