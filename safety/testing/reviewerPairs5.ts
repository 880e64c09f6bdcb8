/**
 * Red team 5's reviewer pairs: the situations of issue #14 on REAL map geometry — lanes cut from
 * imported maps (`realMaps5/*.json`, written by `scripts/cut-real-maps.ts` from CommonRoad
 * USA_Peach-4_8_T-1 and USA_US101-3_3_T-1, CARLA Town04 and Town07): coarse imported points,
 * junction connectors that overlap, lanes of varying width, lanes with no posted limit
 * (`speedLimitPosted: false`). Each pair is one safe and one unsafe scene differing in one fact,
 * in the Scenario JSON a reviewer writes (`reviewerPairs.ts`'s builders). Every verdict was
 * decided from RSS or traffic law before the gate was run on it; `why` says how.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  agent,
  FRONT_M,
  type Json,
  type Obj,
  pairTable,
  ped,
  type ReviewerCase,
  type SceneParts,
  scen,
} from './reviewerPairs.ts';

type Pose = [number, number, number];
/** A map cut by `scripts/cut-real-maps.ts`, as read from its JSON. */
export interface CutMap {
  lanes: Obj[];
  stopLines: Obj[];
  junctions: Obj[];
  crosswalks: Obj[];
}

const MAP_DIR = join(dirname(fileURLToPath(import.meta.url)), 'realMaps5');
const loadCut = (name: string): CutMap =>
  JSON.parse(readFileSync(join(MAP_DIR, `${name}.json`), 'utf8')) as CutMap;

/** The pose [x, y, heading] at arc length s along a lane of `m`, `leftM` to its left (m). */
export function on(m: CutMap, laneId: string, s: number, leftM = 0): Pose {
  const l = m.lanes.find((x) => x['id'] === laneId);
  if (!l) throw new Error(`no lane ${laneId}`);
  const c = l['centerline'] as { x: number; y: number }[];
  let rest = s;
  for (let i = 1; i < c.length; i++) {
    const d = Math.hypot(c[i]!.x - c[i - 1]!.x, c[i]!.y - c[i - 1]!.y);
    if (rest <= d || i === c.length - 1) {
      const f = rest / d;
      const h = Math.atan2(c[i]!.y - c[i - 1]!.y, c[i]!.x - c[i - 1]!.x);
      return [
        c[i - 1]!.x + f * (c[i]!.x - c[i - 1]!.x) - leftM * Math.sin(h),
        c[i - 1]!.y + f * (c[i]!.y - c[i - 1]!.y) + leftM * Math.cos(h),
        h,
      ];
    }
    rest -= d;
  }
  throw new Error(`lane ${laneId} has no length`);
}

/** The ego's rear axle such that its front bumper is at arc length `frontS` on `laneId`, at `v` m/s. */
export function egoAt(
  m: CutMap,
  laneId: string,
  frontS: number,
  v: number,
): [number, number, number, number] {
  const [x, y, h] = on(m, laneId, frontS - FRONT_M);
  return [x, y, h, v];
}

/** A car (4.5 × 1.8 m) centred at arc length s on a lane, `leftM` to its left, along it at v m/s. */
export function carOn(
  m: CutMap,
  id: string,
  laneId: string,
  s: number,
  v: number,
  leftM = 0,
  attributes: Obj = {},
): Obj {
  const [x, y, h] = on(m, laneId, s, leftM);
  return agent(id, 'vehicle', x, y, h, v, {}, attributes);
}

/** A scene on a cut map (all of its lanes, stop lines, junctions and crosswalks). */
export function onMap(
  m: CutMap,
  ego: [number, number, number, number],
  route: string[],
  p: SceneParts = {},
): Obj {
  return scen(m.lanes, ego, route, {
    stopLines: m.stopLines,
    junctions: m.junctions,
    crosswalks: m.crosswalks as Json[],
    ...p,
  });
}

const KEEP: Obj = { speed: 'KEEP', path: 'FOLLOW_LANE' };
const light = (laneIds: string[], state: string): Obj => ({ laneIds, phases: [{ fromS: 0, state }] });

/** All red team 5 cases and their scenes, keyed by `ReviewerCase.scene`. */
export function reviewerPairs5(): { cases: ReviewerCase[]; scenes: Map<string, Obj> } {
  const { cases, scenes, pair } = pairTable('r5_');

  // ---------------------------------------------------------------------------------------------
  // signals and stop lines on USA_Peach-4_8_T-1's northbound approach (43392 → 43396 → 43402, its
  // stop line at 43402's end, sM 24.73; six to five imported points a lane, bending 3°–5° between)
  const peach = loadCut('peach_junction');
  const NB = ['43392', '43396', '43402', '43834', '43634'];
  const nbAt = (lineToFrontM: number, v: number): [number, number, number, number] => {
    // the line is 61.9 m from 43392's start: 17.3 + 19.9 + 24.73
    const frontS = 61.93 - lineToFrontM;
    if (frontS - FRONT_M >= 37.2) return egoAt(peach, '43402', frontS - 37.2, v);
    if (frontS - FRONT_M >= 17.3) return egoAt(peach, '43396', frontS - 17.3, v);
    return egoAt(peach, '43392', frontS, v);
  };
  const nbGroup = ['43402', '43404', '43406'];
  pair(
    'peach_red_far_vs_near',
    'signals/real approach',
    KEEP,
    onMap(peach, nbAt(55, 6), NB, { signals: [light(nbGroup, 'RED')] }),
    onMap(peach, nbAt(20, 6), NB, { signals: [light(nbGroup, 'RED')] }),
    {
      safe: 'red 55 m on at 6 m/s: 5 s of KEEP covers 30 m, and from there a 1 m/s² stop needs 18 m of the 25 m left',
      unsafe: 'red 20 m on at 6 m/s: KEEP crosses it in 3.3 s -> stop at the line (0.9 m/s²)',
    },
  );
  pair(
    'peach_green_vs_red_30m',
    'signals/real approach',
    KEEP,
    onMap(peach, nbAt(30, 12), NB, { signals: [light(nbGroup, 'GREEN')] }),
    onMap(peach, nbAt(30, 12), NB, { signals: [light(nbGroup, 'RED')] }),
    {
      safe: 'green 30 m on at 12 m/s: go',
      unsafe: 'red 30 m on at 12 m/s: a 2.4 m/s² stop still fits -> stop at the line',
    },
  );
  // the file's own timeline: this group turns red 2 s after yellow
  const yellowThenRed: Obj = {
    laneIds: nbGroup,
    phases: [
      { fromS: 0, state: 'YELLOW' },
      { fromS: 2, state: 'RED' },
    ],
  };
  pair(
    'peach_yellow_dilemma',
    'signals/real approach',
    KEEP,
    onMap(peach, nbAt(5, 13), NB, { signals: [yellowThenRed] }),
    onMap(peach, nbAt(40, 13), NB, { signals: [yellowThenRed] }),
    {
      safe: 'yellow, line 5 m on at 13 m/s: a stop would need 17 m/s² (> 8); crossing in 0.4 s, on yellow, is lawful',
      unsafe: 'yellow, line 40 m on at 13 m/s: a 2.1 m/s² stop fits; KEEP arrives after 3 s, on red -> stop',
    },
  );
  /** The front 30 m before the line of `laneId` (24.6–24.7 m long), on its predecessor `prev` (19.8 m). */
  const lane3At = (prev: string, laneId: string, after: string[]) => {
    const len = laneId === '43406' ? 24.58 : 24.66;
    const [x, y, h] = on(peach, prev, 19.8 + len - 30 - FRONT_M);
    return onMap(peach, [x, y, h, 12], [prev, laneId, ...after], {
      signals: [light(['43404'], 'GREEN'), light(['43406'], 'RED')],
    });
  };
  pair(
    'peach_own_lane_light',
    'signals/real approach',
    KEEP,
    lane3At('43398', '43404', ['43836', '43636']),
    lane3At('43400', '43406', ['43838', '43638']),
    {
      safe: "ego in the middle lane 43404, its own light green; the red is the right lane's (43406)",
      unsafe: 'the same place in the right lane 43406, whose light is red, 30 m on at 12 m/s -> stop',
    },
  );

  // ---------------------------------------------------------------------------------------------
  // a left turn across USA_Peach's junction: 43402 → 43834 → 43648 (15.6 m, nine points) → 43616;
  // the oncoming southbound lanes 43208 → 43592 → 43630 cross the turn near (-3, 4)
  const LT = ['43402', '43834', '43648', '43616', '43474'];
  const turnEgo = egoAt(peach, '43402', 24.7 + 1.5, 5);
  // Where the turn meets the oncoming lanes (from the cut's points): 43648 crosses 43630 (x ≈ -3)
  // at y ≈ 9.5, its s 6.1, and 43632 (x ≈ -6) at y ≈ 10.7. A KEEP at 5 m/s from here puts the ego's
  // front into 43630 at ≈ 3.3 s and its rear out at ≈ 4.9 s (its roll-out along 43648: rear axle
  // (-0.9, 5.9) at 3.5 s, (-5.9, 10.7) at 5 s). An oncoming front reaches that spot after
  // 72.2 − s − 2.25 m from s on 43208 (55.1 + 11.0 + 6.1 to the spot, less half a car).
  const arriveS = (s: number, v: number) => (72.2 - s - 2.25) / v;
  pair(
    'peach_left_turn_gap',
    'left turn/real junction',
    KEEP,
    onMap(peach, turnEgo, LT, { agents: [carOn(peach, 'o1', '43208', 5, 10)] }),
    onMap(peach, turnEgo, LT, { agents: [carOn(peach, 'o1', '43208', 25, 12)] }),
    {
      safe: `oncoming car at 10 m/s reaches the turn path at ${arriveS(5, 10).toFixed(1)} s, after the ego has left it (≈ 4.9 s)`,
      unsafe: `oncoming car at 12 m/s reaches the turn path at ${arriveS(25, 12).toFixed(1)} s, while the ego is in it (3.3–4.9 s) -> yield`,
    },
  );
  pair(
    'peach_left_turn_speed',
    'left turn/real junction',
    KEEP,
    onMap(peach, turnEgo, LT, { agents: [carOn(peach, 'o1', '43208', 30, 4)] }),
    onMap(peach, turnEgo, LT, { agents: [carOn(peach, 'o1', '43208', 30, 10)] }),
    {
      safe: `the oncoming car at 4 m/s reaches the turn path at ${arriveS(30, 4).toFixed(1)} s: turn`,
      unsafe: `the same car at 10 m/s reaches it at ${arriveS(30, 10).toFixed(1)} s, with the ego in it -> yield`,
    },
  );
  pair(
    'peach_left_turn_opposing_left',
    'left turn/real junction',
    KEEP,
    onMap(peach, turnEgo, LT, {
      agents: [carOn(peach, 'o1', '43349', 35, 10, 0, { indicator: 'LEFT' })],
    }),
    onMap(peach, turnEgo, LT, { agents: [carOn(peach, 'o1', '43208', 35, 10)] }),
    {
      safe: 'the oncoming car is in its own left-turn lane 43349 (→ 43590 → 43652, east): the two left turns pass each other, never on one spot',
      unsafe: `the same car one lane over, on the straight lane 43208 at 10 m/s: at the turn path at ${arriveS(35, 10).toFixed(1)} s, with the ego in it -> yield`,
    },
  );
  // the ego waits inside the junction, 2 m into the turn, and is told to go
  const GO: Obj = { speed: 'ACCELERATE', path: 'FOLLOW_LANE', targetSpeedMps: 6 };
  const waitEgo = ((): [number, number, number, number] => {
    const [x, y, h] = on(peach, '43648', 2);
    return [x, y, h, 0];
  })();
  pair(
    'peach_left_turn_go_from_wait',
    'left turn/real junction',
    GO,
    onMap(peach, waitEgo, ['43834', '43648', '43616', '43474'], {
      agents: [carOn(peach, 'o1', '43208', 0, 8)],
    }),
    onMap(peach, waitEgo, ['43834', '43648', '43616', '43474'], {
      agents: [carOn(peach, 'o1', '43208', 28, 12)],
    }),
    {
      safe: `waiting mid-turn; the oncoming car at 8 m/s reaches the turn path at ${arriveS(0, 8).toFixed(1)} s: a start from rest clears it in ≈ 5 s`,
      unsafe: `the oncoming car at 12 m/s reaches the turn path at ${arriveS(28, 12).toFixed(1)} s, while a start from rest is in it -> keep waiting`,
    },
  );

  // ---------------------------------------------------------------------------------------------
  // lane changes on USA_US101-3_3_T-1: lanes 31 | 33 | 35 (3.49 / 3.39 / 3.30 m, 48–57 points over
  // 175 m, no posted limit: driven at 29.1 m/s)
  const us = loadCut('us101_three_lanes');
  const US = (laneId: string) => [
    laneId,
    ({ 31: '29', 33: '27', 35: '26' } as Record<string, string>)[laneId]!,
  ];
  const usEgo = (v: number) => egoAt(us, '33', 70, v);
  const LC_L: Obj = { speed: 'KEEP', path: 'LEFT_CHANGE', targetLaneId: '31' };
  const LC_R: Obj = { speed: 'KEEP', path: 'RIGHT_CHANGE', targetLaneId: '35' };
  pair(
    'us101_left_follower_gap',
    'lane change/real multi-lane',
    LC_L,
    onMap(us, usEgo(25), US('33'), { agents: [carOn(us, 'f1', '31', 70 - 2.6 - 80, 25)] }),
    onMap(us, usEgo(25), US('33'), { agents: [carOn(us, 'f1', '31', 70 - 2.6 - 25, 25)] }),
    {
      safe: 'follower in 31 80 m behind at 25 m/s (same speed): RSS needs ~54 m',
      unsafe: 'the follower 25 m behind at 25 m/s: RSS needs ~54 m -> postpone',
    },
  );
  pair(
    'us101_right_follower_speed',
    'lane change/real multi-lane',
    LC_R,
    onMap(us, usEgo(20), US('33'), { agents: [carOn(us, 'f1', '35', 70 - 2.6 - 40, 15)] }),
    onMap(us, usEgo(20), US('33'), { agents: [carOn(us, 'f1', '35', 70 - 2.6 - 40, 30)] }),
    {
      safe: 'follower in 35 40 m behind at 15 m/s, slower than the ego at 20: RSS needs ~16 m',
      unsafe: 'the same follower at 30 m/s: RSS needs ~100 m -> postpone',
    },
  );
  pair(
    'us101_alongside_which_lane',
    'lane change/real multi-lane',
    LC_L,
    onMap(us, usEgo(25), US('33'), { agents: [carOn(us, 'a1', '35', 70 - 2.6, 25)] }),
    onMap(us, usEgo(25), US('33'), { agents: [carOn(us, 'a1', '31', 70 - 2.6, 25)] }),
    {
      safe: 'a car alongside in the right lane 35; the left change goes into 31, which is free',
      unsafe: 'the car alongside is in 31, the target lane -> no change',
    },
  );
  pair(
    'us101_target_lead_stopped',
    'lane change/real multi-lane',
    LC_L,
    onMap(us, usEgo(25), US('33'), { agents: [carOn(us, 'l1', '31', 70 + 70, 25)] }),
    onMap(us, usEgo(25), US('33'), {
      agents: [carOn(us, 'l1', '31', 70 + 70, 0, 0, { indicator: 'HAZARD' })],
    }),
    {
      safe: "lead in 31 68 m ahead of the front at 25 m/s (the ego's speed): RSS front distance ~25 m",
      unsafe: 'the same car stopped with hazards: at 25 m/s RSS needs > 100 m -> postpone',
    },
  );

  // ---------------------------------------------------------------------------------------------
  // pedestrians at CARLA Town04's crosswalk 1122_2074 across the junction exit: the ego comes down
  // the curve on 52_0_-1 (104 points, R ≈ 60 m) and turns left on 1133_0_-1 (no posted limit); the
  // crosswalk spans y 177.9–180.6 and the ego's path crosses it at x ≈ 127.7
  const t4 = loadCut('town04_curve_crosswalk');
  const PED_ROUTE = ['52_0_-1', '1133_0_-1'];
  const lineEnd = 102.9; // 52_0_-1's length; the crosswalk begins 2.2 m after its end
  const pedEgo = (frontToCrosswalkM: number) => egoAt(t4, '52_0_-1', lineEnd + 2.2 - frontToCrosswalkM, 8);
  pair(
    'town04_ped_on_vs_beside_crosswalk',
    'pedestrian/real crosswalk',
    KEEP,
    onMap(t4, pedEgo(25), PED_ROUTE, { agents: [ped('p1', 121.6, 179.3, Math.PI / 2, 0)] }),
    onMap(t4, pedEgo(25), PED_ROUTE, { agents: [ped('p1', 127.7, 179.3, Math.PI / 2, 0)] }),
    {
      safe: 'a person standing on the pavement 2 m west of the crosswalk, 4.4 m from the lane, facing along it: KEEP at 8 m/s can still stop (8 m) if they start',
      unsafe: "the same person standing on the crosswalk in the ego's path 25 m on -> yield",
    },
  );
  pair(
    'town04_ped_walking_away_vs_towards',
    'pedestrian/real crosswalk',
    KEEP,
    onMap(t4, pedEgo(25), PED_ROUTE, { agents: [ped('p1', 132.5, 179.2, 0, 1.4)] }),
    onMap(t4, pedEgo(25), PED_ROUTE, { agents: [ped('p1', 132.5, 179.2, Math.PI, 1.4)] }),
    {
      safe: "a person on the crosswalk's far half walking east, away from the ego's path (3 m off it and leaving)",
      unsafe: "the same person walking west, towards the ego's path: in it within ~2 s -> yield",
    },
  );
  pair(
    'town04_ped_crosswalk_distance',
    'pedestrian/real crosswalk',
    KEEP,
    onMap(t4, pedEgo(70), PED_ROUTE, { agents: [ped('p1', 127.7, 179.3, 0, 0)] }),
    onMap(t4, pedEgo(22), PED_ROUTE, { agents: [ped('p1', 127.7, 179.3, 0, 0)] }),
    {
      safe: 'a person on the crosswalk in the path 70 m on (along the curve) at 8 m/s: 5 s covers 40 m; stop later',
      unsafe: 'the same person 22 m on: KEEP reaches them in under 3 s -> yield',
    },
  );

  // ---------------------------------------------------------------------------------------------
  // a parked car on a curve: CARLA Town07's rural curve 24_0_1 (R ≈ 31 m, 3.5 m lane, 0.5 m shoulder,
  // solid centre line) and Town04's 52_0_1 (R ≈ 60 m, dashed centre line: a borrow may cross it)
  const t7 = loadCut('town07_tight_curve');
  const parked = { parked: true, subclass: 'car' };
  pair(
    'town07_parked_on_shoulder_vs_in_lane',
    'parked vehicle/real curve',
    KEEP,
    onMap(t7, egoAt(t7, '24_0_1', 10, 8), ['24_0_1'], {
      agents: [carOn(t7, 'pk', '24_0_1', 35, 0, -2.85, parked)],
    }),
    onMap(t7, egoAt(t7, '24_0_1', 10, 8), ['24_0_1'], {
      agents: [carOn(t7, 'pk', '24_0_1', 35, 0, -1.6, parked)],
    }),
    {
      safe: 'car parked on the shoulder, its inner edge 0.2 m outside the lane on the curve: the ego (2.3 m) keeps 0.9 m',
      unsafe:
        'the same car 1.25 m further in: 0.95 m of it in the lane, 25 m on at 8 m/s -> stop (solid centre line: no borrow)',
    },
  );
  pair(
    'town07_parked_own_vs_oncoming_lane',
    'parked vehicle/real curve',
    KEEP,
    onMap(t7, egoAt(t7, '24_0_1', 10, 10), ['24_0_1'], {
      agents: [carOn(t7, 'pk', '24_0_-1', 63.2 - 40, 0, 0, parked)],
    }),
    onMap(t7, egoAt(t7, '24_0_1', 10, 10), ['24_0_1'], {
      agents: [carOn(t7, 'pk', '24_0_1', 40, 0, 0, parked)],
    }),
    {
      safe: "a car parked in the oncoming lane on the curve's far side: not in the ego's lane",
      unsafe: "the same car in the ego's lane 30 m on at 10 m/s -> brake",
    },
  );
  const BORROW: Obj = { speed: 'KEEP', path: 'LEFT_BORROW', targetSpeedMps: 6 };
  const borrowEgo = egoAt(t4, '52_0_1', 20, 6);
  const pk4 = carOn(t4, 'pk', '52_0_1', 45, 0, -0.6, parked);
  pair(
    'town04_borrow_on_curve',
    'parked vehicle/real curve',
    BORROW,
    onMap(t4, borrowEgo, ['52_0_1'], { agents: [pk4] }),
    onMap(t4, borrowEgo, ['52_0_1'], { agents: [pk4, carOn(t4, 'o1', '52_0_-1', 102.9 - 70, 10)] }),
    {
      safe: 'car parked in the lane 25 m on the curve, the dashed centre line, the oncoming lane empty: borrow at 6 m/s',
      unsafe:
        'an oncoming car ~45 m on along the curve at 10 m/s (closing 16 m/s): the borrow meets it -> postpone',
    },
  );

  // an oncoming car on the curve, in its own lane vs 0.75 m over the centre line into the ego's,
  // heading along its lane (no drift): a constant-velocity forecast on a curve leaves its lane
  pair(
    'town07_oncoming_on_curve',
    'oncoming vehicle/real curve',
    KEEP,
    onMap(t7, egoAt(t7, '24_0_1', 10, 10), ['24_0_1'], {
      agents: [carOn(t7, 'o1', '24_0_-1', 63.2 - 45, 10)],
    }),
    onMap(t7, egoAt(t7, '24_0_1', 10, 10), ['24_0_1'], {
      agents: [carOn(t7, 'o1', '24_0_-1', 63.2 - 45, 10, 1.6)],
    }),
    {
      safe: 'an oncoming car in its own lane on the R 31 m curve at 10 m/s: 1.45 m between them, RSS lateral holds',
      unsafe:
        "the same car 1.6 m left of its lane's centre, 0.75 m into the ego's lane: head-on along the curve -> brake",
    },
  );
  pair(
    'town04_oncoming_on_curve',
    'oncoming vehicle/real curve',
    KEEP,
    onMap(t4, egoAt(t4, '52_0_1', 20, 12), ['52_0_1'], {
      agents: [carOn(t4, 'o1', '52_0_-1', 102.9 - 65, 12)],
    }),
    onMap(t4, egoAt(t4, '52_0_1', 20, 12), ['52_0_1'], {
      agents: [carOn(t4, 'o1', '52_0_-1', 102.9 - 65, 12, 1.6)],
    }),
    {
      safe: 'an oncoming car in its own lane on the R 60 m curve at 12 m/s',
      unsafe: "the same car 0.75 m into the ego's lane, head-on along the curve -> brake",
    },
  );

  return { cases, scenes };
}
