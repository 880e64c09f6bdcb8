/**
 * The built-in scenario library: procedurally built, no data files, 15 s at 0.1 s each. Each has
 * tags (nuPlan scenario types where one fits) and a one-line description. The expert trajectory
 * (the yardstick of nuPlan's progress metric) is an IDM drive of the route (braking up to 6 m/s²,
 * as a human would in an emergency) where following the lane is all it takes; where the expert
 * must yield to someone the IDM follower does not see (a cut-in, oncoming traffic, a crossing
 * pedestrian, a merge), it is a drive of the route at a scripted speed (`speedProfileExpert`),
 * timed against the agents' tracks, or a scripted track (the borrow manoeuvre). Every expert
 * drives within nuPlan's comfort bounds and with margins to every agent, without contact except
 * the rear-end that hard_braking_lead's non-reactive follower inflicts on any ego that stops for
 * the lead (test/builtinExperts.test.ts states the margins and the reason).
 */
import type { Scenario, ScenarioAgent, ScenarioInput, TrackPoint, VehicleParams } from '../../core/index.ts';
import { VehicleParamsSchema } from '../../core/index.ts';
import { RoadMap } from '../../core/map/RoadMap.ts';
import type { Planner } from '../../core/planning/Planner.ts';
import { idmPlanner } from '../../core/vehicle/IdmPlanner.ts';
import { runScenario } from '../../sim/runScenario.ts';
import type { SimLog } from '../../sim/SimLog.ts';
import {
  egoOn,
  expertFromCentreTrack,
  idmAgent,
  inlineMap,
  piecewiseLinear,
  poseOn,
  replayAgent,
  scenario,
  smooth,
  speedProfileExpert,
  trackAlong,
  vehicleAgent,
  walkTrack,
} from './build.ts';
import { curvyReference, highwayMerge, intersection, road, warehouse } from './maps.ts';

const DURATION = 15;

/** parked_truck_borrow: truck centre along R0, size, the expert's nudge and the oncoming car's start. */
const TRUCK_S_M = 80;
const TRUCK_L_M = 10;
const TRUCK_W_M = 2.6;
const NUDGE_M = 1.4;
/** Arc length on O0 (which runs from x = 400 back to 0): x = 135 at t = 0. */
const ONCOMING_START_S_M = 265;

/** merge_into_traffic: the ramp's distance down the highway, and the stream on R0. */
const MERGE_UPSTREAM_M = 150;
const STREAM_CARS = 8;
const STREAM_FIRST_S_M = 11;
const STREAM_SPACING_M = 30;
const STREAM_MPS = 14;

const ROBOT: VehicleParams = VehicleParamsSchema.parse({
  kind: 'robot',
  lengthM: 0.9,
  widthM: 0.6,
  rearAxleToCenterM: 0,
  wheelBaseM: 0.5,
  maxAccelMps2: 1.0,
  maxDecelMps2: 2.0,
  maxSpeedMps: 2.0,
  maxYawRateRadps: 1.5,
});

/**
 * What an entry builds; `finish` adds the id, the inline map, the duration and the expert (the
 * given track, else a drive of `expertPlanner`, else of the attentive IDM driver).
 */
type Draft = Omit<ScenarioInput, 'expert' | 'formatVersion' | 'id' | 'map'> & {
  expert?: TrackPoint[];
  expertPlanner?: Planner<{ sM: number }>;
};

/** The expert of the IDM-driven built-ins: IDM that brakes as hard as a human does when needed. */
export function attentiveIdmExpert(): Planner {
  return idmPlanner({ decelMaxMps2: 6, accelMaxMps2: 1.5 });
}

/**
 * The expert track of `planner` driving `scenario` non-reactively (rear-axle poses, one per tick).
 * The agents of a non-reactive run do not depend on the ego, so this is the expert's drive among
 * exactly the agents a planner will meet.
 */
export function driveExpert(scenario: Scenario, map: RoadMap, planner: Planner): TrackPoint[] {
  return egoTrack(runScenario(scenario, map, planner, { mode: 'nonreactive', seed: 0 }));
}

/** The ego's track of a run (rear axle, one pose per tick): an expert driven by a planner. */
export function egoTrack(log: SimLog): TrackPoint[] {
  return log.ticks.map((t) => ({
    tS: t.tS,
    x: t.ego.x,
    y: t.ego.y,
    headingRad: t.ego.headingRad,
    speedMps: t.ego.speedMps,
  }));
}

function finish(id: string, draftIn: Draft, map: RoadMap): Scenario {
  const { expertPlanner, ...d } = draftIn;
  const placeholder: TrackPoint[] = [
    { tS: 0, x: d.egoStart.x, y: d.egoStart.y, headingRad: d.egoStart.headingRad, speedMps: 0 },
    { tS: 0.1, x: d.egoStart.x, y: d.egoStart.y, headingRad: d.egoStart.headingRad, speedMps: 0 },
  ];
  const draft = scenario({
    formatVersion: 1,
    id,
    durationS: DURATION,
    ...d,
    map: inlineMap(map.data),
    expert: d.expert ?? placeholder,
  });
  if (d.expert) return draft;
  return { ...draft, expert: driveExpert(draft, map, expertPlanner ?? attentiveIdmExpert()) };
}

interface Entry {
  id: string;
  build: () => { draft: Draft; map: RoadMap };
}

const entries: Entry[] = [
  {
    id: 'curvy_lane_follow',
    build: () => {
      const data = road({
        reference: curvyReference(),
        lanes: 2,
        oncoming: true,
        speedLimitMps: 15,
        id: 'curvy',
      });
      const map = new RoadMap(data);
      return {
        map,
        draft: {
          description: 'Follow the lane on a winding two-lane road with a slower car far ahead.',
          tags: ['following_lane_with_lead', 'curvy', 'high_lateral_acceleration'],
          egoStart: egoOn(map, 'R0', 15, 12),
          route: { laneIds: ['R0'] },
          agents: [idmAgent(map, 'lead', ['R0'], 110, 10, 10), idmAgent(map, 'oncoming', ['O0'], 200, 12)],
        },
      };
    },
  },
  {
    id: 'hard_braking_lead',
    build: () => {
      const data = road({ lanes: 2, speedLimitMps: 16.7 });
      const map = new RoadMap(data);
      const lead = trackAlong(map, {
        laneIds: ['R0'],
        startSM: 52,
        durationS: DURATION,
        speed: (t) => (t < 4 ? 15 : 15 - 5 * (t - 4)),
      });
      return {
        map,
        draft: {
          description: 'The lead car brakes hard (−5 m/s²) to a standstill 4 s in.',
          tags: ['stopping_with_lead', 'emergency_braking'],
          egoStart: egoOn(map, 'R0', 20, 15),
          route: { laneIds: ['R0'] },
          agents: [
            replayAgent('lead', lead, { reactive: 'replay' }),
            idmAgent(map, 'follower', ['R0'], 0, 14),
          ],
          // The expert brakes 0.2 s after the lead, at under 3 m/s², and stops about 6 m behind
          // it. The follower (non-reactive: it drives as if there were no ego, braking at 2 m/s²)
          // ends on the lead's own spot, so it rear-ends any ego that stops in R0 (see
          // test/builtinExperts.test.ts).
          expertPlanner: speedProfileExpert(
            piecewiseLinear([
              [4.2, 15],
              [9.5, 0],
            ]),
          ),
        },
      };
    },
  },
  {
    id: 'stop_and_go',
    build: () => {
      const data = road({ lanes: 1, oncoming: true, speedLimitMps: 13.9 });
      const map = new RoadMap(data);
      const v = (t: number) =>
        t < 2
          ? 8
          : t < 4
            ? 8 - 4 * (t - 2)
            : t < 7
              ? 0
              : t < 10
                ? 2.5 * (t - 7)
                : t < 12
                  ? 7.5 - 3.75 * (t - 10)
                  : 0;
      const lead = trackAlong(map, { laneIds: ['R0'], startSM: 40, durationS: DURATION, speed: v });
      return {
        map,
        draft: {
          description: 'Stop-and-go queue: the lead car stops, creeps on, and stops again.',
          tags: ['stationary_in_traffic', 'low_magnitude_speed'],
          egoStart: egoOn(map, 'R0', 20, 8),
          route: { laneIds: ['R0'] },
          agents: [replayAgent('lead', lead, { reactive: 'replay' })],
          // The expert eases off as the lead brakes and stops 2.8 m behind it (the old IDM expert
          // closed to 0.3 m, under nuPlan's TTC bound), then follows it on and ends 1.6 m behind
          // it, where the old expert ended.
          expertPlanner: speedProfileExpert(
            piecewiseLinear([
              [1.5, 8],
              [7.6, 0],
              [8.3, 0],
              [10.5, 4.8],
              [12.4, 4.8],
              [14.6, 0],
            ]),
          ),
        },
      };
    },
  },
  {
    id: 'cut_in',
    build: () => {
      const data = road({ lanes: 2, speedLimitMps: 16.7 });
      const map = new RoadMap(data);
      const cutter = trackAlong(map, {
        laneIds: ['R0'],
        startSM: 34,
        durationS: DURATION,
        speed: (t) => (t < 2 ? 13 : 11),
        lateral: (t) => 3.5 * (1 - smooth(t, 2, 4.5)),
      });
      return {
        map,
        draft: {
          description: 'A car in the left lane cuts in close ahead of the ego and slows down.',
          tags: ['near_multiple_vehicles', 'cut_in'],
          egoStart: egoOn(map, 'R0', 20, 14),
          route: { laneIds: ['R0'] },
          agents: [
            replayAgent('cutter', cutter, { reactive: 'replay' }),
            idmAgent(map, 'left_follower', ['R1'], 5, 13),
          ],
          // The expert sees the cutter drift over and eases off to 8.5 m/s (under 2 m/s²), so it is
          // 1.4 s behind the cutter when it arrives in front, then settles at the cutter's 11 m/s.
          expertPlanner: speedProfileExpert(
            piecewiseLinear([
              [0.3, 14],
              [3, 8.5],
              [6, 8.5],
              [9.5, 11],
            ]),
          ),
        },
      };
    },
  },
  {
    id: 'route_lane_change',
    build: () => {
      const data = road({ lanes: 2, speedLimitMps: 13.9 });
      const map = new RoadMap(data);
      return {
        map,
        draft: {
          description: 'The route continues in the left lane: change lanes into a gap in moving traffic.',
          tags: ['changing_lane', 'near_multiple_vehicles'],
          egoStart: egoOn(map, 'R0', 30, 11),
          route: { laneIds: ['R0', 'R1'] },
          agents: [
            idmAgent(map, 'left_rear', ['R1'], 5, 11, 12),
            idmAgent(map, 'left_front', ['R1'], 70, 11, 12),
            idmAgent(map, 'right_lead', ['R0'], 75, 9, 9),
          ],
        },
      };
    },
  },
  {
    id: 'parked_truck_borrow',
    build: () => {
      const data = road({ lanes: 1, oncoming: true, dashedCentre: true, shoulder: true, speedLimitMps: 11 });
      const map = new RoadMap(data);
      // Half on the shoulder: the truck's left side is on the lane centre, so passing it takes the
      // ego's left side over the centre line, and an oncoming car leaves no room beside it.
      const truckPose = poseOn(map, 'R0', TRUCK_S_M, -TRUCK_W_M / 2);
      const truck: ScenarioAgent = {
        id: 'parked_truck',
        kind: 'static',
        lengthM: TRUCK_L_M,
        widthM: TRUCK_W_M,
        start: { ...truckPose, speedMps: 0 },
        behavior: { type: 'static' },
        reactive: 'replay',
      };
      // The expert stops 16 m behind the truck while the oncoming car passes, then nudges
      // 1.4 m left, its centre still in its own lane (so nuPlan's progress is measured along one
      // roadblock: a centre in the oncoming lane made the devkit count 693 m in one frame), passes
      // and comes back. The nudge is laid out along the road (18 m out, 14 m back) and the expert
      // accelerates at under 2 m/s², so it stays within nuPlan's comfort bounds (its lon accel
      // includes the centre's yaw terms).
      const v = (t: number) => (t < 6.15 ? 9 * (1 - smooth(t, 1.6, 6.1)) : 9 * smooth(t, 6.2, 13.2));
      const steps = Math.round(DURATION / 0.1) + 2;
      const sAlong = new Float64Array(steps + 1); // path progress at k·0.1 s, as trackAlong integrates
      for (let k = 1; k <= steps; k++) sAlong[k] = sAlong[k - 1]! + Math.max(0, v((k - 1) * 0.1)) * 0.1;
      const sAt = (t: number) => sAlong[Math.min(steps, Math.max(0, Math.round(t / 0.1)))]!;
      const expertCentre = trackAlong(map, {
        laneIds: ['R0'],
        startSM: 20,
        durationS: DURATION,
        speed: v,
        lateral: (t) => NUDGE_M * (smooth(sAt(t), 35, 53) - smooth(sAt(t), 68.2, 82.2)),
      });
      return {
        map,
        draft: {
          description:
            'A truck parked half on the shoulder: wait for the oncoming car, then pass it over the centre line.',
          tags: ['traversing_pickup_dropoff', 'lane_borrow', 'behind_long_vehicle'],
          egoStart: egoOn(map, 'R0', 20, 9),
          route: { laneIds: ['R0'] },
          // Beside the truck at 5 s: an ego that keeps 9 m/s and pulls out meets it head-on there.
          agents: [truck, idmAgent(map, 'oncoming', ['O0'], ONCOMING_START_S_M, 11)],
          expert: expertFromCentreTrack(expertCentre),
        },
      };
    },
  },
  {
    id: 'unprotected_left',
    build: () => {
      const data = intersection();
      const map = new RoadMap(data);
      return {
        map,
        draft: {
          description: 'Unprotected left turn across two oncoming cars going straight.',
          tags: ['starting_left_turn', 'unprotected_turn'],
          egoStart: egoOn(map, 'IN3', 92, 7),
          route: { laneIds: ['IN3', 'C32', 'OUT2'] },
          agents: [
            idmAgent(map, 'oncoming_1', ['IN1', 'C13', 'OUT3'], 75, 11),
            idmAgent(map, 'oncoming_2', ['IN1', 'C13', 'OUT3'], 40, 11),
          ],
          // The 3 s between the oncoming cars is no gap to turn through: the expert creeps up to the
          // junction at 1 m/s, lets both pass and turns 2.4 s after the second has left the
          // conflict.
          expertPlanner: speedProfileExpert(
            piecewiseLinear([
              [0.5, 7],
              [4.5, 1],
              [8, 1],
              [10, 4],
              [13, 8],
            ]),
          ),
        },
      };
    },
  },
  {
    id: 'red_light',
    build: () => {
      const data = intersection();
      const map = new RoadMap(data);
      return {
        map,
        draft: {
          description: 'Approach a red light at 12 m/s; it turns green after 9 s while cross traffic clears.',
          tags: ['starting_straight_traffic_light_intersection_traversal', 'traffic_light'],
          egoStart: egoOn(map, 'IN2', 60, 12),
          route: { laneIds: ['IN2', 'C20', 'OUT0'] },
          agents: [idmAgent(map, 'cross', ['IN3', 'C31', 'OUT1'], 85, 10)],
          signals: [
            {
              laneIds: ['C20', 'C21', 'C23', 'C02', 'C01', 'C03'],
              phases: [
                { fromS: 0, state: 'RED' },
                { fromS: 9, state: 'GREEN' },
              ],
            },
            {
              laneIds: ['C31', 'C13', 'C30', 'C32'],
              phases: [
                { fromS: 0, state: 'GREEN' },
                { fromS: 6, state: 'YELLOW' },
                { fromS: 8, state: 'RED' },
              ],
            },
          ],
        },
      };
    },
  },
  {
    id: 'crosswalk_pedestrian',
    build: () => {
      const data = intersection();
      const map = new RoadMap(data);
      const ped = walkTrack({ x: 12, y: -6 }, { x: 12, y: 6 }, 3.5, 1.3, DURATION);
      return {
        map,
        draft: {
          description: 'A pedestrian crosses the crosswalk just past the intersection as the ego arrives.',
          tags: ['waiting_for_pedestrian_to_cross', 'vru'],
          egoStart: egoOn(map, 'IN2', 70, 10),
          route: { laneIds: ['IN2', 'C20', 'OUT0'] },
          agents: [
            {
              id: 'pedestrian',
              kind: 'pedestrian',
              lengthM: 0.6,
              widthM: 0.6,
              start: { ...ped[0]!, speedMps: 0 },
              behavior: { type: 'replay', track: ped },
              reactive: 'replay',
            },
          ],
          // The expert slows to 5 m/s as the pedestrian steps onto the crosswalk and reaches it
          // 2.6 s after the pedestrian has left its lane.
          expertPlanner: speedProfileExpert(
            piecewiseLinear([
              [1, 10],
              [5, 5],
              [7.5, 5],
              [11, 10],
            ]),
          ),
        },
      };
    },
  },
  {
    id: 'occluded_pedestrian',
    build: () => {
      const data = road({ lanes: 1, oncoming: true, shoulder: true, speedLimitMps: 11 });
      const map = new RoadMap(data);
      const van = poseOn(map, 'R0', 72, -2.9);
      const a = poseOn(map, 'R0', 76.5, -3.6);
      const b = poseOn(map, 'R0', 76.5, 4);
      const ped = walkTrack(a, b, 3.2, 1.5, DURATION);
      return {
        map,
        draft: {
          description: 'A pedestrian steps out from behind a van parked on the shoulder.',
          tags: ['vru', 'occlusion', 'waiting_for_pedestrian_to_cross'],
          egoStart: egoOn(map, 'R0', 20, 11),
          route: { laneIds: ['R0'] },
          agents: [
            {
              id: 'parked_van',
              kind: 'static',
              lengthM: 5.5,
              widthM: 2.1,
              start: { ...van, speedMps: 0 },
              behavior: { type: 'static' },
              reactive: 'replay',
            },
            {
              id: 'pedestrian',
              kind: 'pedestrian',
              lengthM: 0.6,
              widthM: 0.6,
              start: { ...ped[0]!, speedMps: 0 },
              behavior: { type: 'replay', track: ped },
              reactive: 'replay',
            },
          ],
          // The expert slows for the van it cannot see past, brakes to 2.5 m/s when the pedestrian
          // appears and passes 2.5 s after the pedestrian has left its lane.
          expertPlanner: speedProfileExpert(
            piecewiseLinear([
              [0.5, 11],
              [4, 5.5],
              [6, 2.5],
              [7.5, 2.5],
              [11, 10],
            ]),
          ),
        },
      };
    },
  },
  {
    id: 'highway_merge',
    build: () => {
      const data = highwayMerge();
      const map = new RoadMap(data);
      return {
        map,
        draft: {
          description: 'Merge from an on-ramp into moving highway traffic before the acceleration lane ends.',
          tags: ['changing_lane', 'merge', 'high_magnitude_speed'],
          egoStart: egoOn(map, 'RAMP', 20, 17),
          route: { laneIds: ['RAMP', 'ACC', 'R0'] },
          agents: [
            idmAgent(map, 'main_1', ['R0'], 110, 22, 23),
            idmAgent(map, 'main_2', ['R0'], 60, 22, 23),
            idmAgent(map, 'fast_lane', ['R1'], 90, 25, 26),
          ],
        },
      };
    },
  },
  {
    id: 'merge_into_traffic',
    build: () => {
      // The merge 150 m further down the highway than in highway_merge, so that the stream can
      // arrive from behind the ego.
      const data = highwayMerge(27, MERGE_UPSTREAM_M);
      const map = new RoadMap(data);
      // A congested stream on R0: 14 m/s, 30 m apart (1.8 s headway, 25 m gaps: IDM's desired gap
      // at 14 m/s is 22 m, so the reactive cars do not brake for one another). main_5 drives
      // beside the ego where the route's lane change starts (ACC s 8–48).
      const stream = Array.from({ length: STREAM_CARS }, (_, i) =>
        replayAgent(
          `main_${i}`,
          trackAlong(map, {
            laneIds: ['R0'],
            startSM: STREAM_FIRST_S_M + i * STREAM_SPACING_M,
            durationS: DURATION,
            speed: () => STREAM_MPS,
          }),
          { reactive: 'replay' },
        ),
      );
      return {
        map,
        draft: {
          description:
            'Merge from an on-ramp into a dense stream with a car alongside at the merge: ease off and take the gap behind it.',
          tags: ['changing_lane', 'merge', 'near_multiple_vehicles'],
          egoStart: egoOn(map, 'RAMP', 20, STREAM_MPS),
          route: { laneIds: ['RAMP', 'ACC', 'R0'] },
          agents: stream,
          // The expert eases off to 10.5 m/s on the ramp and merges behind main_5, ahead of main_4.
          expertPlanner: speedProfileExpert(
            piecewiseLinear([
              [3, STREAM_MPS],
              [6, 10.5],
              [8, 10.5],
              [11, STREAM_MPS],
            ]),
          ),
        },
      };
    },
  },
  {
    id: 'warehouse_robot',
    build: () => {
      const data = warehouse();
      const map = new RoadMap(data);
      const person = walkTrack({ x: 21, y: -2.5 }, { x: 21, y: 3 }, 7.5, 1.0, DURATION);
      const pallet = poseOn(map, 'A1', 45, 0.9);
      return {
        map,
        draft: {
          description: 'A warehouse robot in an aisle; a worker walks across its path at the walkway.',
          tags: ['robot', 'vru', 'warehouse'],
          vehicle: ROBOT,
          egoStart: egoOn(map, 'A1', 5, 1.2, 0),
          route: { laneIds: ['A1'] },
          agents: [
            {
              id: 'worker',
              kind: 'pedestrian',
              lengthM: 0.5,
              widthM: 0.5,
              start: { ...person[0]!, speedMps: 0 },
              behavior: { type: 'replay', track: person },
              reactive: 'replay',
            },
            {
              id: 'pallet',
              kind: 'static',
              lengthM: 1.2,
              widthM: 0.8,
              start: { ...pallet, speedMps: 0 },
              behavior: { type: 'static' },
              reactive: 'replay',
            },
          ],
          // The robot keeps 1.2 m/s, which brings it to the walkway 2.3 s after the worker has
          // crossed its path, then speeds up to the aisle's 1.5 m/s.
          expertPlanner: speedProfileExpert(
            piecewiseLinear([
              [0, 1.2],
              [12, 1.2],
              [13, 1.5],
            ]),
          ),
        },
      };
    },
  },
  {
    id: 'dense_highway',
    build: () => {
      const data = road({ lanes: 3, speedLimitMps: 25, lengthM: 700 });
      const map = new RoadMap(data);
      const agents = [
        idmAgent(map, 'lead', ['R1'], 75, 20, 21),
        idmAgent(map, 'behind', ['R1'], 10, 22, 24),
        idmAgent(map, 'r0_a', ['R0'], 40, 19, 20),
        idmAgent(map, 'r0_b', ['R0'], 90, 19, 20),
        idmAgent(map, 'r2_a', ['R2'], 30, 24, 26),
        idmAgent(map, 'r2_b', ['R2'], 110, 24, 26),
        vehicleAgent(
          'truck',
          { ...poseOn(map, 'R0', 140), speedMps: 17 },
          {
            type: 'idm',
            laneIds: ['R0'],
            startSM: 140,
            params: { minGapM: 1, headwayS: 1.5, accelMaxMps2: 1, decelMaxMps2: 2, targetSpeedMps: 17 },
            departAtS: 0,
          },
          { lengthM: 12, widthM: 2.5 },
        ),
      ];
      return {
        map,
        draft: {
          description: 'Follow the lead in the middle lane of a busy three-lane highway.',
          tags: ['following_lane_with_lead', 'near_multiple_vehicles', 'high_magnitude_speed'],
          egoStart: egoOn(map, 'R1', 45, 21),
          route: { laneIds: ['R1'] },
          agents,
        },
      };
    },
  },
];

/** Ids of the built-in scenarios, in suite order. */
export const BUILTIN_IDS: readonly string[] = entries.map((e) => e.id);

/** Builds one built-in scenario (with its expert) and its map; undefined for an unknown id. */
export function builtinScenario(id: string): { scenario: Scenario; map: RoadMap } | undefined {
  const e = entries.find((x) => x.id === id);
  if (!e) return undefined;
  const { draft, map } = e.build();
  return { scenario: finish(e.id, draft, map), map };
}

/** Id, tags and description of a built-in scenario, without driving its expert (for listings). */
export function builtinInfo(id: string): { id: string; tags: string[]; description: string } | undefined {
  const e = entries.find((x) => x.id === id);
  if (!e) return undefined;
  const { draft } = e.build();
  return { id, tags: draft.tags ?? [], description: draft.description ?? '' };
}
