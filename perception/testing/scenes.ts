/**
 * Hand-built scenes for the perception tests: every number here is chosen so that expected cells,
 * gaps and times can be worked out by hand (see each test).
 */
import {
  type AgentState,
  type Lane,
  type RoadMapData,
  RoadMapSchema,
  type WorldSnapshot,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';

type LaneIn = Partial<Lane> & Pick<Lane, 'id' | 'centerline'>;
const lane = (l: LaneIn): Lane => ({
  type: 'driving',
  widthM: 4,
  speedLimitMps: 15,
  successors: [],
  predecessors: [],
  leftBoundary: 'solid',
  rightBoundary: 'solid',
  ...l,
});

/**
 * Straight two-lane road along +x from x = −100 to 100 (R0 centred on y = 0, R1 on y = 4, both 4 m
 * wide, dashed between them), a sidewalk at y = −4 (2 m), next lanes N0/N1 from x = 100 to 200,
 * an oncoming lane O0 on y = 8 (solid, no change), a crosswalk x ∈ [10, 14] × y ∈ [−2, 6], a stop
 * line on R0 at s = 108 (x = 8), an extra drivable area x ∈ [−10, −5] × y ∈ [−10, −6], junction J
 * on the lanes JN0 (x 200..230).
 */
export function straightRoadData(): RoadMapData {
  return RoadMapSchema.parse({
    id: 'test-straight',
    lanes: [
      lane({
        id: 'R0',
        centerline: [
          { x: -100, y: 0 },
          { x: 100, y: 0 },
        ],
        left: { laneId: 'R1', changeAllowed: true, opposite: false },
        leftBoundary: 'dashed',
        successors: ['N0'],
      }),
      lane({
        id: 'R1',
        centerline: [
          { x: -100, y: 4 },
          { x: 100, y: 4 },
        ],
        right: { laneId: 'R0', changeAllowed: true, opposite: false },
        left: { laneId: 'O0', changeAllowed: false, opposite: true },
        rightBoundary: 'dashed',
        successors: ['N1'],
      }),
      lane({
        id: 'O0',
        centerline: [
          { x: 100, y: 8 },
          { x: -100, y: 8 },
        ],
        left: { laneId: 'R1', changeAllowed: false, opposite: true },
      }),
      lane({
        id: 'SW',
        type: 'sidewalk',
        widthM: 2,
        centerline: [
          { x: -100, y: -4 },
          { x: 100, y: -4 },
        ],
        leftBoundary: 'none',
        rightBoundary: 'none',
      }),
      lane({
        id: 'N0',
        centerline: [
          { x: 100, y: 0 },
          { x: 200, y: 0 },
        ],
        predecessors: ['R0'],
        successors: ['JN0'],
        left: { laneId: 'N1', changeAllowed: true, opposite: false },
        leftBoundary: 'dashed',
      }),
      lane({
        id: 'N1',
        centerline: [
          { x: 100, y: 4 },
          { x: 200, y: 4 },
        ],
        predecessors: ['R1'],
        right: { laneId: 'N0', changeAllowed: true, opposite: false },
        rightBoundary: 'dashed',
      }),
      lane({
        id: 'JN0',
        centerline: [
          { x: 200, y: 0 },
          { x: 230, y: 0 },
        ],
        predecessors: ['N0'],
        junctionId: 'J',
        leftBoundary: 'none',
        rightBoundary: 'none',
      }),
    ],
    crosswalks: [
      {
        id: 'CW',
        polygon: [
          { x: 10, y: -2 },
          { x: 14, y: -2 },
          { x: 14, y: 6 },
          { x: 10, y: 6 },
        ],
      },
    ],
    stopLines: [{ id: 'SL', laneId: 'R0', sM: 108 }],
    junctions: [{ id: 'J' }],
    drivableAreas: [
      [
        { x: -10, y: -10 },
        { x: -5, y: -10 },
        { x: -5, y: -6 },
        { x: -10, y: -6 },
      ],
    ],
  });
}

export function straightRoad(): RoadMap {
  return new RoadMap(straightRoadData());
}

/** Quarter circle from angle a0 to a1 (rad) about (cx, cy), radius r, in 16 pieces. */
function arc(cx: number, cy: number, r: number, a0: number, a1: number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i <= 16; i++) {
    const a = a0 + ((a1 - a0) * i) / 16;
    out.push({ x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) });
  }
  return out;
}

/**
 * A junction with a left-turn pocket (4 m lanes). Ours: S0 north along x = 0 from y = −60 to 0, the
 * left turn SL (a 14 m quarter circle about (−14, 0)) to (−14, 14), then W0 west. The oncoming
 * pocket N0 runs south along x = 3 from y = 60 to 14 and turns left only: NL (a 14 m quarter circle
 * about (17, 14)) to (17, 0), then E0 east; its lanes stay ≥ 8 m from ours. A westbound lane WB
 * along y = 7 from x = 60 goes straight on (WX) across our turn (which meets y = 7 at x ≈ −1.88).
 */
export function pocketJunction(): RoadMap {
  const l = (
    id: string,
    centerline: { x: number; y: number }[],
    successors: string[] = [],
    predecessors: string[] = [],
  ) => lane({ id, centerline, successors, predecessors });
  return new RoadMap(
    RoadMapSchema.parse({
      id: 'test-pocket',
      lanes: [
        l(
          'S0',
          [
            { x: 0, y: -60 },
            { x: 0, y: 0 },
          ],
          ['SL'],
        ),
        l('SL', arc(-14, 0, 14, 0, Math.PI / 2), ['W0'], ['S0']),
        l(
          'W0',
          [
            { x: -14, y: 14 },
            { x: -60, y: 14 },
          ],
          [],
          ['SL'],
        ),
        l(
          'N0',
          [
            { x: 3, y: 60 },
            { x: 3, y: 14 },
          ],
          ['NL'],
        ),
        l('NL', arc(17, 14, 14, Math.PI, 1.5 * Math.PI), ['E0'], ['N0']),
        l(
          'E0',
          [
            { x: 17, y: 0 },
            { x: 60, y: 0 },
          ],
          [],
          ['NL'],
        ),
        l(
          'WB',
          [
            { x: 60, y: 7 },
            { x: 14, y: 7 },
          ],
          ['WX'],
        ),
        l(
          'WX',
          [
            { x: 14, y: 7 },
            { x: -60, y: 7 },
          ],
          [],
          ['WB'],
        ),
      ],
      crosswalks: [],
      stopLines: [],
      junctions: [],
      drivableAreas: [],
    }),
  );
}

export function agent(
  id: string,
  kind: AgentState['kind'],
  x: number,
  y: number,
  headingRad = 0,
  speedMps = 0,
  lengthM = kind === 'pedestrian' ? 0.6 : kind === 'cyclist' ? 1.8 : 4.5,
  widthM = kind === 'pedestrian' ? 0.6 : kind === 'cyclist' ? 0.6 : 2,
): AgentState {
  return { id, kind, x, y, headingRad, speedMps, lengthM, widthM };
}

/** Ego (rear axle) at (x, y) heading `headingRad`, with the given agents, lights and route. */
export function snapshot(
  x: number,
  y: number,
  headingRad: number,
  speedMps: number,
  agents: AgentState[] = [],
  extra: Partial<WorldSnapshot> = {},
): WorldSnapshot {
  return {
    tS: 0,
    ego: { tS: 0, x, y, headingRad, speedMps, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
    agents,
    lights: [],
    route: { laneIds: ['R0', 'N0', 'JN0'] },
    ...extra,
  };
}
