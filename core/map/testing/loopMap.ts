/**
 * Test support: a road with a loop that a route drives through twice. IN runs east to (100, 0);
 * A on east to the fork at (200, 0); there LOOP turns left (a semicircle up to y = 60, west along
 * it, a semicircle down) back onto A's start, and OUT runs on east. `LOOP_ROUTE` drives IN, A, the
 * loop, A again, then OUT: A is at route positions 1 and 3. `successors` orders A's successors
 * (a route follower that takes the first route lane among them goes round the loop again, or
 * never, whatever the route says).
 */
import { type RoadMapData, RoadMapSchema } from '../../schemas.ts';

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
