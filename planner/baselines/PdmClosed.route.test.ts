/**
 * pdm-closed on hand-built scenes that take branches of the original PDM-Closed the built-in
 * suite never takes: the centreline from PDM's own search (no lane change, from the lane the ego
 * starts on, over corrected route roadblocks), the speed limit of the lane picked by heading,
 * red lights on the other lanes of a route roadblock; and an object that touches the ego.
 */
import { describe, expect, it } from 'vitest';
import {
  type AgentState,
  type EgoState,
  type RoadMapData,
  RoadMapSchema,
  type TrafficLightState,
  VehicleParamsSchema,
  type WorldSnapshot,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { chained, straightLane, twoLanes } from '../../core/map/testFixtures.ts';
import { plannerContext } from '../../core/planning/testFixtures.ts';
import { car, ego } from '../../core/testFixtures.ts';
import { PdmClosed, type PdmClosedParamsInput, PdmClosedParamsSchema } from './PdmClosed.ts';

const vehicle = VehicleParamsSchema.parse({});

function planOnce(
  data: RoadMapData,
  laneIds: string[],
  e: EgoState,
  params: PdmClosedParamsInput = {},
  agents: AgentState[] = [],
  lights: TrafficLightState[] = [],
): PdmClosed {
  const ctx = plannerContext(new RoadMap(data), laneIds, vehicle);
  // PDM's own route search (the default, 'route-line', is the reference harness's bypass)
  const pdm = new PdmClosed(PdmClosedParamsSchema.parse({ centreline: 'lane-graph', ...params }), ctx);
  const snap: WorldSnapshot = { tS: 0, ego: e, agents, lights, route: { laneIds } };
  pdm.plan(snap, vehicle);
  return pdm;
}

/** The largest |y| − y0 over the centreline's vertices, m. */
function maxOffsetFrom(pdm: PdmClosed, y0: number): number {
  const ys = pdm.paths[0]!.ys;
  let m = 0;
  for (let i = 0; i < ys.length; i++) m = Math.max(m, Math.abs(ys[i]! - y0));
  return m;
}

describe('pdm-closed centreline (abstract_pdm_planner.py _get_discrete_centerline)', () => {
  it('does not change lane where the route does: both lanes are one roadblock', () => {
    const pdm = planOnce(twoLanes('two', 'L0', 'L1', 300, 15), ['L0', 'L1'], ego(0, 20, 0, 10));
    expect(maxOffsetFrom(pdm, 0)).toBeLessThan(1e-9);
    expect(pdm.centrelineLanes).toEqual([0]); // L0 only
    // The route's own line (the harness's bypass, kept by pdm-closed-plus) moves over to L1.
    const bypass = planOnce(twoLanes('two', 'L0', 'L1', 300, 15), ['L0', 'L1'], ego(0, 20, 0, 10), {
      centreline: 'route-line',
    });
    expect(maxOffsetFrom(bypass, 0)).toBeCloseTo(3.5, 6);
  });

  it('starts on the route-roadblock lane the ego is in, not on the route’s first lane', () => {
    // Route L0 only; the ego drives in L1 (the other lane of L0's roadblock).
    const pdm = planOnce(twoLanes('two', 'L0', 'L1', 300, 15), ['L0'], ego(0, 20, 3.5, 10));
    expect(maxOffsetFrom(pdm, 3.5)).toBeLessThan(1e-9);
  });

  it('prepends the roadblock the ego starts in when the route begins after it (backward search)', () => {
    const data = RoadMapSchema.parse({
      id: 'chain',
      lanes: chained([
        straightLane('A', { x: 0, y: 0 }, { x: 100, y: 0 }, 15),
        straightLane('B', { x: 100, y: 0 }, { x: 300, y: 0 }, 15),
      ]),
    });
    const pdm = planOnce(data, ['B'], ego(0, 30, 0, 10));
    const f = { sM: 0, dM: 0, segment: 0 };
    // The ego is on the centreline (which begins 10 m behind it, as the simulator's route line
    // does); without A it would project onto B's start, 70 m ahead.
    expect(pdm.paths[0]!.project(30, 0, f)).toBeCloseTo(10, 9);
    expect(Math.abs(f.dM)).toBeLessThan(1e-9);
    expect(pdm.routeBlocks.length).toBe(2);
    expect(pdm.centrelineLanes).toEqual([0, 1]);
  });
});

describe('pdm-closed speed limit (the lane _get_starting_lane picks, every call)', () => {
  it('reads the limit of the route-roadblock lane the ego is in', () => {
    // L1 (the ego's lane) 8 m/s, L0 (the route's lane) 15 m/s; the centreline as the harness
    // hands it in (L0), so only the speed-limit rule differs.
    const data = twoLanes('two', 'L0', 'L1', 300, 15);
    data.lanes[1]!.speedLimitMps = 8;
    const pdm = planOnce(data, ['L0'], ego(0, 20, 3.5, 5), { centreline: 'route-line' });
    expect(Array.from(pdm.targetSpeeds)).toEqual([0.2, 0.4, 0.6, 0.8, 1.0].map((f) => f * 8));
  });

  it('picks, of the route lanes holding the rear axle, the one whose direction matches the heading', () => {
    // Two connectors of one junction group (same junctionId and roadId: one roadblock connector)
    // leave A together: P straight on at 10 m/s, Q bearing 40° left at 20 m/s. The route takes P;
    // the ego, 2 m into the junction, heads 40° left.
    const q = { x: 100 + 40 * Math.cos((40 * Math.PI) / 180), y: 40 * Math.sin((40 * Math.PI) / 180) };
    const data = RoadMapSchema.parse({
      id: 'fan',
      lanes: [
        straightLane('A', { x: 0, y: 0 }, { x: 100, y: 0 }, 15, { successors: ['P', 'Q'] }),
        straightLane('P', { x: 100, y: 0 }, { x: 140, y: 0 }, 10, {
          junctionId: 'j',
          roadId: 'g',
          successors: ['B'],
          predecessors: ['A'],
        }),
        straightLane('Q', { x: 100, y: 0 }, q, 20, { junctionId: 'j', roadId: 'g', predecessors: ['A'] }),
        straightLane('B', { x: 140, y: 0 }, { x: 300, y: 0 }, 15, { predecessors: ['P'] }),
      ],
    });
    const heading = (40 * Math.PI) / 180;
    const e = ego(0, 100 + 2 * Math.cos(heading), 2 * Math.sin(heading), 5, { headingRad: heading });
    const pdm = planOnce(data, ['A', 'P', 'B'], e, { centreline: 'route-line' });
    expect(pdm.targetSpeeds[4]).toBe(20);
    expect(pdm.currentLane).toBe(2);
  });
});

describe('pdm-closed red lights (pdm_observation.py: every lane of a route roadblock)', () => {
  it('stops the path whose corridor reaches a red connector beside the route’s own', () => {
    // Two parallel connectors P0 (y = 0, the route's) and P1 (y = 3.5) form one roadblock
    // connector; P1's light is red. The +1 m path's corridor (to y = 1 + 1.15) reaches P1's
    // polygon (from y = 1.75): its proposals stop; the centre path's do not.
    const data = RoadMapSchema.parse({
      id: 'pair',
      lanes: [
        straightLane('A0', { x: 0, y: 0 }, { x: 100, y: 0 }, 15, {
          successors: ['P0'],
          left: { laneId: 'A1', changeAllowed: true },
        }),
        straightLane('A1', { x: 0, y: 3.5 }, { x: 100, y: 3.5 }, 15, {
          successors: ['P1'],
          right: { laneId: 'A0', changeAllowed: true },
        }),
        straightLane('P0', { x: 100, y: 0 }, { x: 120, y: 0 }, 15, {
          junctionId: 'j',
          roadId: 'g',
          successors: ['B0'],
        }),
        straightLane('P1', { x: 100, y: 3.5 }, { x: 120, y: 3.5 }, 15, {
          junctionId: 'j',
          roadId: 'g',
          successors: ['B1'],
        }),
        straightLane('B0', { x: 120, y: 0 }, { x: 300, y: 0 }, 15, {
          left: { laneId: 'B1', changeAllowed: true },
        }),
        straightLane('B1', { x: 120, y: 3.5 }, { x: 300, y: 3.5 }, 15, {
          right: { laneId: 'B0', changeAllowed: true },
        }),
      ],
    });
    const lights: TrafficLightState[] = [{ laneId: 'P1', state: 'RED' }];
    const pdm = planOnce(data, ['A0', 'P0', 'B0'], ego(0, 80, 0, 8), {}, [], lights);
    expect(pdm.obs.redLaneIds).toEqual(['P1']);
    const v = (k: number): number => pdm.propV[k * 81 + 40]!;
    // Proposal 14: +1 m path, full speed; 4: centre, full speed.
    expect(v(14)).toBeLessThan(v(4) - 1);
  });
});

describe('pdm-closed drivable area (pdm_observation_utils.py get_drivable_area_map)', () => {
  it('counts only the roadblocks within 50 m of the ego: a proposal reaching one beyond is off-road', () => {
    // A (−20–60 m) then B (60–300 m), two roadblocks; the ego's centre is 58.5 m from B. The
    // full-speed proposals reach B within 4 s, the slowest stays on A.
    const data = RoadMapSchema.parse({
      id: 'chain',
      lanes: chained([
        straightLane('A', { x: -20, y: 0 }, { x: 60, y: 0 }, 15),
        straightLane('B', { x: 60, y: 0 }, { x: 300, y: 0 }, 15),
      ]),
    });
    const pdm = planOnce(data, ['A', 'B'], ego(0, 0, 0, 15));
    expect(pdm.scorer.drivableArea[4]).toBe(0);
    expect(pdm.scorer.drivableArea[0]).toBe(1);
    const plus = planOnce(data, ['A', 'B'], ego(0, 0, 0, 15), { drivableMapWithinRadius: false });
    expect(plus.scorer.drivableArea[4]).toBe(1);
  });
});

describe('pdm-closed collided objects (pdm_observation.py update, pdm_generator.py)', () => {
  it('ignores an object that touches the ego from that call on, as a lead and in the scores', () => {
    // The original keeps it in this call's occupancy maps, but adds it to collided_track_ids
    // first, and both the leading-agent search and the scorer skip those ids.
    const data = twoLanes('two', 'L0', 'L1', 300, 15);
    const front = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    const touching = car('c', 50 + front + 2.2, 0, 0);
    const pdm = planOnce(data, ['L0'], ego(0, 50, 0, 5), {}, [touching]);
    expect(pdm.collided.has('c')).toBe(true);
    expect(pdm.obs.count).toBe(0);
    expect(Array.from(pdm.scorer.noCollision)).toEqual(new Array(15).fill(1));
    expect(pdm.propV[4 * 81 + 40]!).toBeGreaterThan(5);
  });
});
