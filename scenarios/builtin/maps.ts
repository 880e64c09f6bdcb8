/**
 * Procedural road maps for the built-in scenario library: straight and curvy multi-lane roads
 * with an oncoming lane and a shoulder, a signalised four-way intersection with crosswalks, a
 * highway on-ramp merge, and a warehouse aisle grid for robots. Right-hand traffic, lane width
 * 3.5 m unless given. All ids are stable so scenarios can refer to them.
 */
import { type Lane, Polyline, type RoadMapData, RoadMapSchema, type Vec2 } from '../../core/index.ts';

const W = 3.5;

function line(a: Vec2, b: Vec2, stepM = 2): Vec2[] {
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  const n = Math.max(1, Math.ceil(len / stepM));
  const pts: Vec2[] = [];
  for (let i = 0; i <= n; i++) pts.push({ x: a.x + ((b.x - a.x) * i) / n, y: a.y + ((b.y - a.y) * i) / n });
  return pts;
}

function bezier(p0: Vec2, p1: Vec2, p2: Vec2, p3: Vec2, n = 20): Vec2[] {
  const pts: Vec2[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const u = 1 - t;
    pts.push({
      x: u * u * u * p0.x + 3 * u * u * t * p1.x + 3 * u * t * t * p2.x + t * t * t * p3.x,
      y: u * u * u * p0.y + 3 * u * u * t * p1.y + 3 * u * t * t * p2.y + t * t * t * p3.y,
    });
  }
  return pts;
}

type LaneIn = Partial<Lane> & Pick<Lane, 'id' | 'centerline'>;
function mk(l: LaneIn): Lane {
  return {
    type: 'driving',
    widthM: W,
    speedLimitMps: 13.9,
    successors: [],
    predecessors: [],
    leftBoundary: 'solid',
    rightBoundary: 'solid',
    ...l,
  };
}

export interface RoadOptions {
  lengthM?: number;
  /** Lanes in the ego's direction (R0 is the rightmost). */
  lanes?: number;
  /** Add one oncoming lane (O0) left of the leftmost forward lane. */
  oncoming?: boolean;
  /** Centre marking can be crossed (dashed): borrowing the oncoming lane is legal. */
  dashedCentre?: boolean;
  shoulder?: boolean;
  speedLimitMps?: number;
  /** Reference line; default straight along +x from the origin. */
  reference?: Polyline;
  id?: string;
}

/**
 * A road along a reference line: forward lanes R0..R{n-1} (R0 rightmost, centred on the reference
 * line), optional oncoming lane O0 and shoulder S0 on the right.
 */
export function road(o: RoadOptions = {}): RoadMapData {
  const n = o.lanes ?? 2;
  const ref = o.reference ?? new Polyline(line({ x: 0, y: 0 }, { x: o.lengthM ?? 400, y: 0 }, 5));
  const limit = o.speedLimitMps ?? 13.9;
  const lanes: Lane[] = [];
  for (let i = 0; i < n; i++) {
    const leftIsOncoming = i === n - 1 && o.oncoming;
    lanes.push(
      mk({
        id: `R${i}`,
        roadId: 'road',
        centerline: (i === 0 ? ref : ref.offset(i * W)).points(),
        speedLimitMps: limit,
        ...(i < n - 1
          ? {
              left: { laneId: `R${i + 1}`, changeAllowed: true, opposite: false },
              leftBoundary: 'dashed' as const,
            }
          : {}),
        ...(leftIsOncoming
          ? {
              left: { laneId: 'O0', changeAllowed: !!o.dashedCentre, opposite: true },
              leftBoundary: o.dashedCentre ? ('dashed' as const) : ('solid' as const),
            }
          : {}),
        ...(i > 0
          ? {
              right: { laneId: `R${i - 1}`, changeAllowed: true, opposite: false },
              rightBoundary: 'dashed' as const,
            }
          : {}),
        ...(i === 0 && o.shoulder ? { right: { laneId: 'S0', changeAllowed: false, opposite: false } } : {}),
      }),
    );
  }
  if (o.oncoming) {
    const pts = ref
      .offset(n * W)
      .points()
      .reverse();
    lanes.push(
      mk({
        id: 'O0',
        roadId: 'road',
        centerline: pts,
        speedLimitMps: limit,
        left: { laneId: `R${n - 1}`, changeAllowed: !!o.dashedCentre, opposite: true },
        leftBoundary: o.dashedCentre ? 'dashed' : 'solid',
      }),
    );
  }
  if (o.shoulder) {
    lanes.push(
      mk({
        id: 'S0',
        type: 'shoulder',
        roadId: 'road',
        centerline: ref.offset(-(W / 2 + 1.25)).points(),
        widthM: 2.5,
        speedLimitMps: limit,
        left: { laneId: 'R0', changeAllowed: false, opposite: false },
        rightBoundary: 'curb',
      }),
    );
  }
  return RoadMapSchema.parse({ id: o.id ?? 'road', lanes });
}

/** A gently curving reference line: curvature A·sin(2πs/P), integrated every 2 m. */
export function curvyReference(lengthM = 500, amplitude = 1 / 60, periodM = 250): Polyline {
  const pts: Vec2[] = [{ x: 0, y: 0 }];
  let h = 0;
  let x = 0;
  let y = 0;
  for (let s = 0; s < lengthM; s += 2) {
    h += amplitude * Math.sin((2 * Math.PI * s) / periodM) * 2;
    x += 2 * Math.cos(h);
    y += 2 * Math.sin(h);
    pts.push({ x, y });
  }
  return new Polyline(pts);
}

export interface IntersectionOptions {
  armLengthM?: number;
  /** Distance from the centre to the end of the approach lanes (stop line), m. */
  halfSizeM?: number;
  speedLimitMps?: number;
}

/**
 * A four-way intersection centred at the origin. Arms 0..3 point east, north, west, south. Per arm
 * an inbound lane `IN{k}` (towards the centre, ends at the stop line) and an outbound lane `OUT{k}`;
 * connectors `C{i}{j}` from IN{i} to OUT{j} (junction `J0`) for straight, left and right turns;
 * a crosswalk `CW{k}` across each arm just inside the junction zone, and a stop line at the end of
 * every inbound lane.
 */
export function intersection(o: IntersectionOptions = {}): RoadMapData {
  const A = o.armLengthM ?? 120;
  const J = o.halfSizeM ?? 14;
  const limit = o.speedLimitMps ?? 13.9;
  const lanes: Lane[] = [];
  const crosswalks = [];
  const stopLines = [];
  const arm = (k: number) => {
    const th = (k * Math.PI) / 2;
    return { u: { x: Math.cos(th), y: Math.sin(th) }, n: { x: -Math.sin(th), y: Math.cos(th) } };
  };
  const at = (k: number, along: number, lateral: number): Vec2 => {
    const { u, n } = arm(k);
    return { x: u.x * along + n.x * lateral, y: u.y * along + n.y * lateral };
  };
  for (let k = 0; k < 4; k++) {
    const inPts = line(at(k, J + A, W / 2), at(k, J, W / 2), 4);
    const outPts = line(at(k, J, -W / 2), at(k, J + A, -W / 2), 4);
    lanes.push(
      mk({
        id: `IN${k}`,
        centerline: inPts,
        speedLimitMps: limit,
        successors: [0, 1, 2, 3].filter((j) => j !== k).map((j) => `C${k}${j}`),
        roadId: `arm${k}`,
      }),
      mk({
        id: `OUT${k}`,
        centerline: outPts,
        speedLimitMps: limit,
        predecessors: [0, 1, 2, 3].filter((j) => j !== k).map((j) => `C${j}${k}`),
        roadId: `arm${k}`,
      }),
    );
    stopLines.push({ id: `SL${k}`, laneId: `IN${k}`, sM: A, kind: 'signal' as const });
    const c0 = J - 3.5;
    const c1 = J - 0.5;
    crosswalks.push({
      id: `CW${k}`,
      polygon: [at(k, c0, -W - 0.5), at(k, c1, -W - 0.5), at(k, c1, W + 0.5), at(k, c0, W + 0.5)],
    });
  }
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      if (i === j) continue;
      const p0 = at(i, J, W / 2);
      const p3 = at(j, J, -W / 2);
      const di = arm(i).u; // inbound travels along −u_i
      const dj = arm(j).u; // outbound travels along +u_j
      const straight = (j - i + 4) % 4 === 2;
      const c = straight ? 0.33 * Math.hypot(p3.x - p0.x, p3.y - p0.y) : 0.55 * J;
      const pts = bezier(
        p0,
        { x: p0.x - di.x * c, y: p0.y - di.y * c },
        { x: p3.x - dj.x * c, y: p3.y - dj.y * c },
        p3,
        24,
      );
      lanes.push(
        mk({
          id: `C${i}${j}`,
          centerline: pts,
          speedLimitMps: limit,
          predecessors: [`IN${i}`],
          successors: [`OUT${j}`],
          junctionId: 'J0',
          leftBoundary: 'none',
          rightBoundary: 'none',
        }),
      );
    }
  }
  const jp = J + 0.01;
  return RoadMapSchema.parse({
    id: 'intersection',
    lanes,
    crosswalks,
    stopLines,
    junctions: [
      {
        id: 'J0',
        polygon: [
          { x: -jp, y: -jp },
          { x: jp, y: -jp },
          { x: jp, y: jp },
          { x: -jp, y: jp },
        ],
      },
    ],
    drivableAreas: [
      [
        { x: -jp, y: -jp },
        { x: jp, y: -jp },
        { x: jp, y: jp },
        { x: -jp, y: jp },
      ],
    ],
  });
}

/**
 * A two-lane highway (R0, R1 along +x, 30 m/s... limit given) with an on-ramp: `RAMP` curves in
 * from the south-west into the acceleration lane `ACC` (right of R0, x 150..270), which ends; the
 * merge is a permitted lane change ACC → R0. `upstreamM` moves the ramp and the acceleration lane
 * that far down the highway (x + upstreamM) and lengthens the highway by as much, so that traffic
 * from further back can arrive at the merge together with the ego (0: the original layout).
 */
export function highwayMerge(speedLimitMps = 27, upstreamM = 0): RoadMapData {
  const u = upstreamM;
  const base = road({ lengthM: 600 + u, lanes: 2, speedLimitMps: speedLimitMps, id: 'highway' });
  const lanes = base.lanes.map((l) =>
    l.id === 'R0'
      ? {
          ...l,
          right: { laneId: 'ACC', changeAllowed: true, opposite: false },
          rightBoundary: 'dashed' as const,
        }
      : l,
  );
  const rampPts = bezier(
    { x: u, y: -45 },
    { x: u + 70, y: -45 },
    { x: u + 90, y: -W },
    { x: u + 150, y: -W },
    30,
  );
  lanes.push(
    mk({ id: 'RAMP', centerline: rampPts, speedLimitMps: 22, successors: ['ACC'] }),
    mk({
      id: 'ACC',
      centerline: line({ x: u + 150, y: -W }, { x: u + 270, y: -W }, 5),
      speedLimitMps: speedLimitMps,
      predecessors: ['RAMP'],
      left: { laneId: 'R0', changeAllowed: true, opposite: false },
      leftBoundary: 'dashed',
    }),
  );
  return RoadMapSchema.parse({ id: 'highway-merge', lanes });
}

/**
 * A warehouse: two parallel one-way-each aisles joined by a cross aisle, lane type `aisle`, 3 m
 * wide, 1.5 m/s limit (ISO 3691-4 style reduced speed zone), plus a crossing walkway.
 */
export function warehouse(): RoadMapData {
  const aisle = (id: string, a: Vec2, b: Vec2, extra: Partial<Lane> = {}) =>
    mk({ id, type: 'aisle', centerline: line(a, b, 1), widthM: 3, speedLimitMps: 1.5, ...extra });
  const lanes = [aisle('A1', { x: 0, y: 0 }, { x: 60, y: 0 }), aisle('A2', { x: 0, y: 8 }, { x: 60, y: 8 })];
  return RoadMapSchema.parse({
    id: 'warehouse',
    lanes,
    crosswalks: [
      {
        id: 'WALK',
        polygon: [
          { x: 30, y: -1.6 },
          { x: 32, y: -1.6 },
          { x: 32, y: 9.6 },
          { x: 30, y: 9.6 },
        ],
      },
    ],
    drivableAreas: [
      [
        { x: 28, y: -1.5 },
        { x: 34, y: -1.5 },
        { x: 34, y: 9.5 },
        { x: 28, y: 9.5 },
      ],
    ],
  });
}
