/**
 * Hand-built road maps for tests (test-only helpers, imported by *.test.ts in any folder): straight
 * lanes, lanes end to end, two lanes side by side, a route that passes over itself, and a route that
 * drives a loop and uses one lane twice (`loopMapData`, `LOOP_ROUTE`).
 */
import type { z } from 'zod';
import { type LaneSchema, type RoadMapData, RoadMapSchema, type RoadMark, type Vec2 } from '../schemas.ts';

export type LaneInput = z.input<typeof LaneSchema>;

/** A straight lane from `from` to `to` (map frame, m), 3.5 m wide unless `extra` says otherwise. */
export function straightLane(
  id: string,
  from: Vec2,
  to: Vec2,
  speedLimitMps: number,
  extra: Partial<LaneInput> = {},
): LaneInput {
  return { id, centerline: [from, to], widthM: 3.5, speedLimitMps, ...extra };
}

/** The lanes end to end in the order given: each the successor of the one before it. */
export function chained(lanes: LaneInput[]): LaneInput[] {
  return lanes.map((l, i) => ({
    ...l,
    ...(i + 1 < lanes.length ? { successors: [lanes[i + 1]!.id] } : {}),
    ...(i > 0 ? { predecessors: [lanes[i - 1]!.id] } : {}),
  }));
}

/** One straight eastbound lane `id` along y = 0 from x = 0 to `lengthM`. */
export function oneLane(
  mapId: string,
  id: string,
  lengthM: number,
  widthM: number,
  speedLimitMps: number,
): RoadMapData {
  return RoadMapSchema.parse({
    id: mapId,
    lanes: [straightLane(id, { x: 0, y: 0 }, { x: lengthM, y: 0 }, speedLimitMps, { widthM })],
  });
}

/**
 * Two eastbound lanes from x = 0 to `lengthM`, 3.5 m wide: `rightId` along y = 0 and `leftId`
 * along y = 3.5, each the other's neighbour with lane changes allowed.
 */
export function twoLanes(
  mapId: string,
  rightId: string,
  leftId: string,
  lengthM: number,
  speedLimitMps: number,
): RoadMapData {
  return RoadMapSchema.parse({
    id: mapId,
    lanes: [
      straightLane(rightId, { x: 0, y: 0 }, { x: lengthM, y: 0 }, speedLimitMps, {
        left: { laneId: leftId, changeAllowed: true },
      }),
      straightLane(leftId, { x: 0, y: 3.5 }, { x: lengthM, y: 3.5 }, speedLimitMps, {
        right: { laneId: rightId, changeAllowed: true },
      }),
    ],
  });
}

/**
 * A route that passes over itself: lane E east along y = 0 to x = `eastM`, then lane L turns back
 * (a left half turn of radius `radiusM` up to y = 2 `radiusM`, west `topM` metres, a left quarter
 * turn) and runs south along x = `eastM` − `topM` − `radiusM`, over E, down to y = `southToYM`.
 * The turns are sampled every `stepRad`, the straights every 5 m; 3.7 m wide, 10 m/s.
 */
export function overpassRoad(o: {
  eastM: number;
  radiusM: number;
  topM: number;
  stepRad: number;
  southToYM: number;
}): RoadMapData {
  const { eastM, radiusM: r, stepRad } = o;
  const westX = eastM - o.topM;
  const loop: Vec2[] = [{ x: eastM, y: 0 }];
  for (let a = -Math.PI / 2 + stepRad; a < Math.PI / 2; a += stepRad)
    loop.push({ x: eastM + r * Math.cos(a), y: r + r * Math.sin(a) });
  for (let x = eastM; x > westX; x -= 5) loop.push({ x, y: 2 * r });
  for (let a = Math.PI / 2; a < Math.PI; a += stepRad)
    loop.push({ x: westX + r * Math.cos(a), y: r + r * Math.sin(a) });
  for (let y = r; y >= o.southToYM; y -= 5) loop.push({ x: westX - r, y });
  return RoadMapSchema.parse({
    id: 'overpass',
    lanes: [
      straightLane('E', { x: 0, y: 0 }, { x: eastM, y: 0 }, 10, { widthM: 3.7, successors: ['L'] }),
      { id: 'L', centerline: loop, widthM: 3.7, speedLimitMps: 10, predecessors: ['E'] },
    ],
  });
}

/**
 * A road with a loop that a route drives through twice. IN runs east to (100, 0);
 * A on east to the fork at (200, 0); there LOOP turns left (a semicircle up to y = 60, west along
 * it, a semicircle down) back onto A's start, and OUT runs on east. `LOOP_ROUTE` drives IN, A, the
 * loop, A again, then OUT: A is at route positions 1 and 3. `successors` orders A's successors
 * (a route follower that takes the first route lane among them goes round the loop again, or
 * never, whatever the route says).
 */
export const LOOP_ROUTE = ['IN', 'A', 'LOOP', 'A', 'OUT'];

/** Points on a circle arc, from angle a0 to a1 (rad) about (cx, cy), every ~2 m. */
function arc(cx: number, cy: number, r: number, a0: number, a1: number): { x: number; y: number }[] {
  const n = Math.max(2, Math.ceil((Math.abs(a1 - a0) * r) / 2));
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = a0 + ((a1 - a0) * i) / n;
    return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
  });
}

export function loopMapData(successors: ReadonlyArray<string> = ['LOOP', 'OUT']): RoadMapData {
  const loop = [
    // up from the fork: anticlockwise about (200, 30) from (200, 0) to (200, 60)
    ...arc(200, 30, 30, -Math.PI / 2, Math.PI / 2),
    // west along y = 60 (the arcs hold the ends)
    ...[180, 160, 140, 120].map((x) => ({ x, y: 60 })),
    // down onto A's start: anticlockwise about (100, 30) from (100, 60) to (100, 0)
    ...arc(100, 30, 30, Math.PI / 2, (3 * Math.PI) / 2),
  ];
  const lane = (
    id: string,
    centerline: { x: number; y: number }[],
    succ: ReadonlyArray<string>,
    pred: string[],
  ) => ({
    id,
    centerline,
    widthM: 3.7,
    speedLimitMps: 10,
    successors: [...succ],
    predecessors: pred,
  });
  return RoadMapSchema.parse({
    id: 'loop',
    lanes: [
      lane(
        'IN',
        [
          { x: 0, y: 0 },
          { x: 100, y: 0 },
        ],
        ['A'],
        [],
      ),
      lane(
        'A',
        [
          { x: 100, y: 0 },
          { x: 150, y: 0 },
          { x: 200, y: 0 },
        ],
        successors,
        ['IN', 'LOOP'],
      ),
      lane('LOOP', loop, ['A'], ['A']),
      lane(
        'OUT',
        [
          { x: 200, y: 0 },
          { x: 300, y: 0 },
          { x: 500, y: 0 },
        ],
        [],
        ['A'],
      ),
    ],
  });
}

/**
 * A junction a route meets three times: straight on, then turning right, then straight on again
 * (CARLA Town04 route 8 turns at a junction it goes straight through later). IN runs east to
 * (60, 0), A on to the junction at (100, 0). There S, a straight-on connector, leads to OUT (east
 * to (170, 0)) and BACK (a left loop over y = 50 back onto A's start); T, the turn's first section,
 * runs 3 m straight on over S (an imported connector's first lane section, metres long), and
 * TURN (a right loop under y = −50) takes it back onto A's start. At the junction's entry S and T
 * coincide, heading the same way; S comes first among A's successors and in the map.
 * `FORK_ROUTE`: A at route positions 1, 5 and 8; T at 6, S at 2 and 9.
 */
export const FORK_ROUTE = ['IN', 'A', 'S', 'OUT', 'BACK', 'A', 'T', 'TURN', 'A', 'S', 'OUT'];

export function forkMapData(): RoadMapData {
  const r = 25;
  const back = [
    // up from OUT's end: anticlockwise about (170, 25) from (170, 0) to (170, 50)
    ...arc(170, r, r, -Math.PI / 2, Math.PI / 2),
    ...[150, 130, 110, 90, 70].map((x) => ({ x, y: 2 * r })),
    // down onto A's start: anticlockwise about (60, 25) from (60, 50) to (60, 0)
    ...arc(60, r, r, Math.PI / 2, (3 * Math.PI) / 2),
  ];
  const turn = [
    // down from T's end: clockwise about (103, −25) from (103, 0) to (103, −50)
    ...arc(103, -r, r, Math.PI / 2, -Math.PI / 2),
    ...[90, 80, 70].map((x) => ({ x, y: -2 * r })),
    // up onto A's start: clockwise about (60, −25) from (60, −50) to (60, 0)
    ...arc(60, -r, r, -Math.PI / 2, (-3 * Math.PI) / 2),
  ];
  const lane = (id: string, centerline: Vec2[], successors: string[], predecessors: string[]) => ({
    id,
    centerline,
    widthM: 3.5,
    speedLimitMps: 10,
    successors,
    predecessors,
  });
  return RoadMapSchema.parse({
    id: 'fork',
    lanes: [
      lane(
        'IN',
        [
          { x: 0, y: 0 },
          { x: 60, y: 0 },
        ],
        ['A'],
        [],
      ),
      lane(
        'A',
        [
          { x: 60, y: 0 },
          { x: 100, y: 0 },
        ],
        ['S', 'T'],
        ['IN', 'BACK', 'TURN'],
      ),
      lane(
        'S',
        [
          { x: 100, y: 0 },
          { x: 130, y: 0 },
        ],
        ['OUT'],
        ['A'],
      ),
      lane(
        'T',
        [
          { x: 100, y: 0 },
          { x: 103, y: 0 },
        ],
        ['TURN'],
        ['A'],
      ),
      lane(
        'OUT',
        [
          { x: 130, y: 0 },
          { x: 170, y: 0 },
        ],
        ['BACK'],
        ['S'],
      ),
      lane('BACK', back, ['A'], ['OUT']),
      lane('TURN', turn, ['A'], ['T']),
    ],
  });
}

export const broken: RoadMark[] = [{ sM: 0, type: 'broken', color: 'white' }];
export const solid: RoadMark[] = [{ sM: 0, type: 'solid', color: 'white' }];
/** Broken for the first `m` metres, then solid (CARLA Town06 50_0_-5: 35 m). */
export const brokenFor = (m: number): RoadMark[] => [
  { sM: 0, type: 'broken', color: 'white' },
  { sM: m, type: 'solid', color: 'white' },
];

/**
 * Two three-lane eastbound roads end to end: A from x = 0 to `aM`, B from there on for 100 m.
 * Lanes 1 (left, y = 7), 2 (y = 3.5), 3 (right, y = 0); every line broken but B's line between
 * lanes 2 and 3, which is `b23` (seen from B2; B3's left is the same line). Limit `v` m/s.
 */
export function twoThreeLaneRoads(o: {
  aM?: number;
  v: number;
  b23: RoadMark[];
  a23?: RoadMark[];
}): RoadMapData {
  const aM = o.aM ?? 150;
  const lanes: LaneInput[] = [];
  for (const [road, x0, x1] of [
    ['A', 0, aM],
    ['B', aM, aM + 100],
  ] as const) {
    for (const k of [1, 2, 3]) {
      const y = 7 - 3.5 * (k - 1);
      const id = `${road}${k}`;
      const rightMarks = k === 3 ? solid : k === 2 ? (road === 'B' ? o.b23 : (o.a23 ?? broken)) : broken;
      const leftMarks = k === 1 ? solid : k === 3 ? (road === 'B' ? o.b23 : (o.a23 ?? broken)) : broken;
      lanes.push(
        straightLane(id, { x: x0, y }, { x: x1, y }, o.v, {
          leftMarks,
          rightMarks,
          ...(k > 1
            ? { left: { laneId: `${road}${k - 1}`, changeAllowed: leftMarks[0]!.type === 'broken' } }
            : {}),
          ...(k < 3
            ? { right: { laneId: `${road}${k + 1}`, changeAllowed: rightMarks[0]!.type === 'broken' } }
            : {}),
          ...(road === 'A' ? { successors: [`B${k}`] } : { predecessors: [`A${k}`] }),
        }),
      );
    }
  }
  return RoadMapSchema.parse({ id: 'two-roads', lanes });
}
