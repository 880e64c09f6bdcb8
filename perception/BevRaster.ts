/**
 * The bird's-eye-view raster: ego-centred, ego-aligned, multi-channel, one preallocated
 * Uint8Array [channels × rows × cols] redrawn in place every tick.
 *
 * Layout: row 0 is the far FRONT edge (ego +x points up the image), column 0 is the far LEFT edge
 * (ego +y points left), as in nuPlan/Waymo BEV renders. Cell (r, c) covers ego-frame
 * forward ∈ [top − (r+1)·res, top − r·res], left ∈ [W/2·res − (c+1)·res, W/2·res − c·res], where the
 * raster centre sits `forwardOffsetM` ahead of the rear axle. A cell is drawn when its centre is
 * inside the shape.
 *
 * Values: 255 = present, 0 = absent, except `stopLine`, which carries the signal state
 * (STOP_LINE_VALUE).
 */
import {
  boxCorners,
  type OrientedBox,
  type Route,
  type SignalState,
  type VehicleParams,
  VehicleParamsSchema,
  type WorldSnapshot,
} from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import { LaneChunks } from './LaneChunks.ts';
import type { BevChannelSwitch, PerceptionParams } from './PerceptionParams.ts';
import { Rasterizer } from './Rasterizer.ts';

/** Stop-line cell values by the state of the signal that governs the lane (none = no signal known). */
export const STOP_LINE_VALUE: Readonly<Record<SignalState | 'NONE', number>> = {
  RED: 255,
  YELLOW: 170,
  GREEN: 85,
  UNKNOWN: 42,
  NONE: 42,
};

/** Painted stop-line width, m (MUTCD §3B.16: 12–24 in, i.e. 0.3–0.6 m). */
const STOP_LINE_WIDTH_M = 0.5;

export interface BevChannel {
  readonly name: string;
  readonly index: number;
  readonly meaning: string;
}

const BASE_CHANNELS: ReadonlyArray<{ name: keyof BevChannelSwitch; meaning: string }> = [
  {
    name: 'drivable',
    meaning:
      'drivable area: drivable lanes (driving, shoulder, parking, bus, aisle) + extra drivable polygons',
  },
  { name: 'centerline', meaning: 'lane centrelines, 1 cell wide' },
  { name: 'boundarySolid', meaning: 'lane boundaries that must not be crossed (solid, curb), 1 cell wide' },
  { name: 'boundaryDashed', meaning: 'lane boundaries that may be crossed (dashed), 1 cell wide' },
  { name: 'route', meaning: 'lanes of the route' },
  { name: 'crosswalk', meaning: 'crosswalk polygons' },
  {
    name: 'stopLine',
    meaning: 'stop lines, 0.5 m wide; value = signal state (RED 255, YELLOW 170, GREEN 85, none/unknown 42)',
  },
  { name: 'vehicle', meaning: 'footprints of vehicles and other robots' },
  { name: 'pedestrian', meaning: 'footprints of pedestrians' },
  { name: 'cyclist', meaning: 'footprints of cyclists' },
  { name: 'static', meaning: 'footprints of static objects (parked, pallets)' },
  { name: 'ego', meaning: 'ego footprint (rear-axle pose → centred box)' },
];

/** The channel table for these params, in buffer order (disabled channels are left out). */
export function bevChannels(params: Pick<PerceptionParams, 'channels' | 'historyLength'>): BevChannel[] {
  const out: BevChannel[] = [];
  for (const c of BASE_CHANNELS) if (params.channels[c.name]) out.push({ ...c, index: out.length });
  for (let k = 1; k <= params.historyLength; k++) {
    out.push({
      name: `history${k}`,
      meaning: `footprints of all agents ${k} tick(s) ago, in the current ego frame`,
      index: out.length,
    });
  }
  return out;
}

function flatOf(xs: ArrayLike<number>, ys: ArrayLike<number>): Float64Array {
  const f = new Float64Array(xs.length * 2);
  for (let i = 0; i < xs.length; i++) {
    f[2 * i] = xs[i]!;
    f[2 * i + 1] = ys[i]!;
  }
  return f;
}

/** Bounds [minX, minY, maxX, maxY] of a flat polygon. */
function flatBounds(f: Float64Array): Float64Array {
  const b = new Float64Array([Infinity, Infinity, -Infinity, -Infinity]);
  for (let i = 0; i < f.length; i += 2) {
    b[0] = Math.min(b[0]!, f[i]!);
    b[1] = Math.min(b[1]!, f[i + 1]!);
    b[2] = Math.max(b[2]!, f[i]!);
    b[3] = Math.max(b[3]!, f[i + 1]!);
  }
  return b;
}

const SIGNAL_CODE: Readonly<Record<SignalState, number>> = { UNKNOWN: 1, GREEN: 2, YELLOW: 3, RED: 4 };
const CODE_VALUE = [
  STOP_LINE_VALUE.NONE,
  STOP_LINE_VALUE.UNKNOWN,
  STOP_LINE_VALUE.GREEN,
  STOP_LINE_VALUE.YELLOW,
  STOP_LINE_VALUE.RED,
];

/**
 * A BEV raster bound to one map: per-map geometry (boundary polylines, stop-line segments,
 * crosswalk and area polygons) is built once in the constructor; `render` redraws the buffer.
 */
export class BevRaster {
  readonly params: PerceptionParams;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly channels: ReadonlyArray<BevChannel>;
  /** [channels × heightPx × widthPx], row-major per channel. */
  readonly data: Uint8Array;
  /** Time of the last render, s (NaN before the first). */
  tS = Number.NaN;

  private readonly map: RoadMap;
  private readonly vehicle: VehicleParams;
  private readonly raster: Rasterizer;
  private readonly planeSize: number;
  private readonly idx: Record<string, number> = {};
  private readonly views: Record<string, Uint8Array> = {};
  private readonly chunks: LaneChunks;
  private readonly crosswalks: { flat: Float64Array; bounds: Float64Array }[];
  private readonly areas: { flat: Float64Array; bounds: Float64Array }[];
  /** Stop lines as [x0, y0, x1, y1] segments across the lane, map frame, plus their lane index. */
  private readonly stopSegs: Float64Array;
  private readonly stopLane: Int32Array;
  // Per-tick scratch (allocated once).
  private readonly px: Float64Array[] = [new Float64Array(256)];
  private readonly py: Float64Array[] = [new Float64Array(256)];
  private readonly corners = new Float64Array(8);
  /** Projected vertices of one chunk's polyline (a chunk has ≤ 17 vertices). */
  private readonly lineX = new Float64Array(64);
  private readonly lineY = new Float64Array(64);
  private readonly qx = new Float64Array(4);
  private readonly qy = new Float64Array(4);
  private readonly box: OrientedBox = { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 };
  private readonly routeStamp: Uint32Array;
  private readonly lightStamp: Uint32Array;
  private readonly lightCode: Uint8Array;
  private tick = 0;
  // Affine map frame → pixel: px = ax·x + bx·y + cx, py = ay·x + by·y + cy.
  private ax = 0;
  private bx = 0;
  private cx = 0;
  private ay = 0;
  private by = 0;
  private cy = 0;
  // History ring: per slot, agents as (cx, cy, heading, length, width) in the map frame.
  private readonly histBoxes: Float64Array[];
  private readonly histCount: Int32Array;
  /** Buffer offset of the history1..N planes. */
  private readonly historyOffset: Int32Array;
  private histHead = 0;
  private histFilled = 0;

  constructor(
    map: RoadMap,
    params: PerceptionParams,
    vehicle: VehicleParams = VehicleParamsSchema.parse({}),
    chunks: LaneChunks = new LaneChunks(map),
  ) {
    this.map = map;
    this.params = params;
    this.vehicle = vehicle;
    this.widthPx = Math.round(params.widthM / params.resolutionM);
    this.heightPx = Math.round(params.lengthM / params.resolutionM);
    this.channels = bevChannels(params);
    this.planeSize = this.widthPx * this.heightPx;
    this.data = new Uint8Array(this.planeSize * this.channels.length);
    for (const c of this.channels) {
      this.idx[c.name] = c.index * this.planeSize;
      this.views[c.name] = this.data.subarray(c.index * this.planeSize, (c.index + 1) * this.planeSize);
    }
    this.raster = new Rasterizer(this.widthPx, this.heightPx);
    this.chunks = chunks;
    const poly = (p: ReadonlyArray<{ x: number; y: number }>) => {
      const flat = flatOf(
        p.map((q) => q.x),
        p.map((q) => q.y),
      );
      return { flat, bounds: flatBounds(flat) };
    };
    this.crosswalks = map.data.crosswalks.map((c) => poly(c.polygon));
    this.areas = map.data.drivableAreas.map((a) => poly(a));
    const stops = map.data.stopLines.filter((s) => map.lane(s.laneId));
    this.stopSegs = new Float64Array(stops.length * 4);
    this.stopLane = new Int32Array(stops.length);
    stops.forEach((s, i) => {
      const lane = map.mustLane(s.laneId);
      const half = lane.data.widthM / 2;
      const a = lane.line.toCartesian(s.sM, half);
      const b = lane.line.toCartesian(s.sM, -half);
      this.stopSegs.set([a.x, a.y, b.x, b.y], 4 * i);
      this.stopLane[i] = lane.index;
    });
    this.routeStamp = new Uint32Array(map.lanes.length);
    this.lightStamp = new Uint32Array(map.lanes.length);
    this.lightCode = new Uint8Array(map.lanes.length);
    this.histBoxes = [];
    for (let k = 0; k < params.historyLength + 1; k++)
      this.histBoxes.push(new Float64Array(params.maxAgents * 5));
    this.histCount = new Int32Array(params.historyLength + 1);
    this.historyOffset = Int32Array.from(
      { length: params.historyLength },
      (_, k) => this.idx[`history${k + 1}`]!,
    );
  }

  /** The plane of one channel (a view into `data`); undefined when the channel is disabled. */
  channel(name: string): Uint8Array | undefined {
    return this.views[name];
  }

  /** Index of a channel in the buffer, or -1. */
  channelIndex(name: string): number {
    const o = this.idx[name];
    return o === undefined ? -1 : o / this.planeSize;
  }

  /** Cell [row, col] containing the ego-frame point (forward, left) in metres; may be outside. */
  cellOf(forwardM: number, leftM: number): [number, number] {
    const inv = 1 / this.params.resolutionM;
    return [
      Math.floor(this.heightPx / 2 - (forwardM - this.params.forwardOffsetM) * inv),
      Math.floor(this.widthPx / 2 - leftM * inv),
    ];
  }

  /** Value of a channel at the ego-frame point (forward, left), m; 0 outside the raster or when disabled. */
  valueAt(name: string, forwardM: number, leftM: number): number {
    const v = this.views[name];
    if (!v) return 0;
    const [r, c] = this.cellOf(forwardM, leftM);
    if (r < 0 || c < 0 || r >= this.heightPx || c >= this.widthPx) return 0;
    return v[r * this.widthPx + c]!;
  }

  /** Number of non-zero cells in a channel (tests, reports). */
  count(name: string): number {
    const v = this.views[name];
    if (!v) return 0;
    let n = 0;
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
    return n;
  }

  /**
   * Redraws every channel for this snapshot (ego pose, agents, lights) and route. Allocates
   * nothing once the per-lane vertex scratch has grown to the longest lane seen.
   */
  render(snap: WorldSnapshot, route: Route): this {
    const p = this.params;
    const map = this.map;
    const ego = snap.ego;
    this.tick = (this.tick + 1) >>> 0 || 1;
    const tick = this.tick;
    this.tS = snap.tS;
    this.data.fill(0);
    // Affine transform: map → ego (rotate by −heading) → pixel (x right = −left, y down = −forward).
    const inv = 1 / p.resolutionM;
    const c = Math.cos(ego.headingRad);
    const s = Math.sin(ego.headingRad);
    const colC = this.widthPx / 2;
    const rowC = this.heightPx / 2 + p.forwardOffsetM * inv;
    // left = −s·dx + c·dy ; fwd = c·dx + s·dy
    this.ax = s * inv;
    this.bx = -c * inv;
    this.cx = colC - (s * ego.x - c * ego.y) * inv;
    this.ay = -c * inv;
    this.by = -s * inv;
    this.cy = rowC + (c * ego.x + s * ego.y) * inv;

    for (const id of route.laneIds) {
      const l = map.lane(id);
      if (l) this.routeStamp[l.index] = tick;
    }
    for (const light of snap.lights) {
      const l = map.lane(light.laneId);
      if (!l) continue;
      const code = SIGNAL_CODE[light.state];
      // Several lights on one lane: keep the most restrictive.
      if (this.lightStamp[l.index] !== tick || this.lightCode[l.index]! < code)
        this.lightCode[l.index] = code;
      this.lightStamp[l.index] = tick;
    }

    // Raster centre in the map frame and the radius that covers the raster's corners.
    const centreX = ego.x + c * p.forwardOffsetM;
    const centreY = ego.y + s * p.forwardOffsetM;
    const reach = 0.5 * Math.hypot(p.lengthM, p.widthM);
    const oDrivable = this.idx['drivable'];
    const oRoute = this.idx['route'];
    const oCenter = this.idx['centerline'];
    const oSolid = this.idx['boundarySolid'];
    const oDashed = this.idx['boundaryDashed'];
    const sx = this.px[0]!;
    const sy = this.py[0]!;
    // Only the lane chunks near the raster: long lanes cost what is visible of them.
    const chunks = this.chunks;
    const nChunks = chunks.query(centreX, centreY, reach);
    for (let q = 0; q < nChunks; q++) {
      const id = chunks.result[q]!;
      const i = chunks.chunkLane[id]!;
      const k = chunks.chunkK[id]!;
      const set = chunks.lanes[i]!;
      const lane = set.lane;
      const fillDrivable = oDrivable !== undefined && lane.drivable;
      const fillRoute = oRoute !== undefined && this.routeStamp[i] === tick;
      const lb = lane.data.leftBoundary;
      const rb = lane.data.rightBoundary;
      const lo = lb === 'dashed' ? oDashed : lb === 'none' ? undefined : oSolid;
      const ro = rb === 'dashed' ? oDashed : rb === 'none' ? undefined : oSolid;
      const i0 = set.range[2 * k]!;
      const i1 = set.range[2 * k + 1]!;
      if (fillDrivable || fillRoute) {
        // Strip polygon of the chunk: left edge forward, right edge back.
        let n = 0;
        for (let v = i0; v <= i1; v++, n++) {
          const x = set.left[2 * v]!;
          const y = set.left[2 * v + 1]!;
          sx[n] = this.ax * x + this.bx * y + this.cx;
          sy[n] = this.ay * x + this.by * y + this.cy;
        }
        for (let v = i1; v >= i0; v--, n++) {
          const x = set.right[2 * v]!;
          const y = set.right[2 * v + 1]!;
          sx[n] = this.ax * x + this.bx * y + this.cx;
          sy[n] = this.ay * x + this.by * y + this.cy;
        }
        if (fillDrivable) this.raster.fillPolygon(this.data, oDrivable, sx, sy, n, 255);
        if (fillRoute) this.raster.fillPolygon(this.data, oRoute, sx, sy, n, 255);
      }
      if (oCenter !== undefined) this.polyline(set.center, i0, i1, oCenter);
      if (lo !== undefined) this.polyline(set.left, i0, i1, lo);
      if (ro !== undefined) this.polyline(set.right, i0, i1, ro);
    }
    if (oDrivable !== undefined) {
      for (const a of this.areas) {
        if (!this.boundsNear(a.bounds, centreX, centreY, reach)) continue;
        const n = this.project(a.flat, 0);
        this.raster.fillPolygon(this.data, oDrivable, this.px[0]!, this.py[0]!, n, 255);
      }
    }
    const oCross = this.idx['crosswalk'];
    if (oCross !== undefined) {
      for (const a of this.crosswalks) {
        if (!this.boundsNear(a.bounds, centreX, centreY, reach)) continue;
        const n = this.project(a.flat, 0);
        this.raster.fillPolygon(this.data, oCross, this.px[0]!, this.py[0]!, n, 255);
      }
    }
    const oStop = this.idx['stopLine'];
    if (oStop !== undefined) {
      const segs = this.stopSegs;
      const widthPx = Math.max(1, STOP_LINE_WIDTH_M * inv);
      for (let k = 0; k < this.stopLane.length; k++) {
        const x0 = segs[4 * k]!;
        const y0 = segs[4 * k + 1]!;
        if (Math.abs(x0 - centreX) > reach + 10 || Math.abs(y0 - centreY) > reach + 10) continue;
        const x1 = segs[4 * k + 2]!;
        const y1 = segs[4 * k + 3]!;
        const value = CODE_VALUE[this.stopCode(this.stopLane[k]!, route)]!;
        this.raster.drawLine(
          this.data,
          oStop,
          this.ax * x0 + this.bx * y0 + this.cx,
          this.ay * x0 + this.by * y0 + this.cy,
          this.ax * x1 + this.bx * y1 + this.cx,
          this.ay * x1 + this.by * y1 + this.cy,
          value,
          widthPx,
        );
      }
    }
    const reach2 = reach + 10;
    for (const a of snap.agents) {
      if (Math.abs(a.x - centreX) > reach2 || Math.abs(a.y - centreY) > reach2) continue;
      const name =
        a.kind === 'pedestrian'
          ? 'pedestrian'
          : a.kind === 'cyclist'
            ? 'cyclist'
            : a.kind === 'static'
              ? 'static'
              : 'vehicle';
      const o = this.idx[name];
      if (o === undefined) continue;
      this.fillBox(a.x, a.y, a.headingRad, a.lengthM, a.widthM, o);
    }
    const oEgo = this.idx['ego'];
    if (oEgo !== undefined) {
      const v = this.vehicle;
      this.fillBox(
        ego.x + v.rearAxleToCenterM * c,
        ego.y + v.rearAxleToCenterM * s,
        ego.headingRad,
        v.lengthM,
        v.widthM,
        oEgo,
      );
    }
    if (p.historyLength > 0) this.renderHistory(snap, centreX, centreY, reach2);
    return this;
  }

  /** Signal code for the stop line on lane `i`: its own light, else the route's next lane, else the most restrictive successor. */
  private stopCode(i: number, route: Route): number {
    const tick = this.tick;
    if (this.lightStamp[i] === tick) return this.lightCode[i]!;
    const lane = this.map.lanes[i]!;
    let best = 0;
    for (const sid of lane.data.successors) {
      const sl = this.map.lane(sid);
      if (!sl || this.lightStamp[sl.index] !== tick) continue;
      const code = this.lightCode[sl.index]!;
      if (this.routeStamp[i] === tick && this.routeStamp[sl.index] === tick && route.laneIds.includes(sid))
        return code;
      if (code > best) best = code;
    }
    return best;
  }

  private renderHistory(snap: WorldSnapshot, centreX: number, centreY: number, reach: number): void {
    const p = this.params;
    const slots = p.historyLength + 1;
    // Slot histHead holds the previous tick, histHead−1 the one before, …
    for (let k = 1; k <= Math.min(p.historyLength, this.histFilled); k++) {
      const slot = (this.histHead - (k - 1) + slots) % slots;
      const o = this.historyOffset[k - 1]!;
      const b = this.histBoxes[slot]!;
      const n = this.histCount[slot]!;
      for (let j = 0; j < n; j++) {
        const x = b[5 * j]!;
        const y = b[5 * j + 1]!;
        if (Math.abs(x - centreX) > reach || Math.abs(y - centreY) > reach) continue;
        this.fillBox(x, y, b[5 * j + 2]!, b[5 * j + 3]!, b[5 * j + 4]!, o);
      }
    }
    // Store this tick for the next renders.
    this.histHead = (this.histHead + 1) % slots;
    const b = this.histBoxes[this.histHead]!;
    let n = 0;
    for (const a of snap.agents) {
      if (n >= p.maxAgents) break;
      b[5 * n] = a.x;
      b[5 * n + 1] = a.y;
      b[5 * n + 2] = a.headingRad;
      b[5 * n + 3] = a.lengthM;
      b[5 * n + 4] = a.widthM;
      n++;
    }
    this.histCount[this.histHead] = n;
    this.histFilled = Math.min(this.histFilled + 1, p.historyLength);
  }

  private boundsNear(b: Float64Array, x: number, y: number, r: number): boolean {
    return !(b[0]! > x + r || b[2]! < x - r || b[1]! > y + r || b[3]! < y - r);
  }

  private fillBox(x: number, y: number, h: number, l: number, w: number, off: number): void {
    const box = this.box;
    box.cx = x;
    box.cy = y;
    box.headingRad = h;
    box.lengthM = l;
    box.widthM = w;
    const k = boxCorners(box, this.corners);
    for (let j = 0; j < 4; j++) {
      const mx = k[2 * j]!;
      const my = k[2 * j + 1]!;
      this.qx[j] = this.ax * mx + this.bx * my + this.cx;
      this.qy[j] = this.ay * mx + this.by * my + this.cy;
    }
    this.raster.fillPolygon(this.data, off, this.qx, this.qy, 4, 255);
  }

  /** Projects a flat map-frame point list into pixel scratch slot `slot`; returns the vertex count. */
  private project(flat: Float64Array, slot: number): number {
    const n = flat.length >> 1;
    if (this.px[slot]!.length < n) {
      // Grows once to the longest polygon of the map (not per tick).
      this.px[slot] = new Float64Array(n * 2);
      this.py[slot] = new Float64Array(n * 2);
    }
    const px = this.px[slot]!;
    const py = this.py[slot]!;
    for (let i = 0; i < n; i++) {
      const x = flat[2 * i]!;
      const y = flat[2 * i + 1]!;
      px[i] = this.ax * x + this.bx * y + this.cx;
      py[i] = this.ay * x + this.by * y + this.cy;
    }
    return n;
  }

  /** Draws vertices i0..i1 of a flat map-frame polyline, 1 cell wide. */
  private polyline(f: Float64Array, i0: number, i1: number, off: number): void {
    const lx = this.lineX;
    const ly = this.lineY;
    let n = 0;
    for (let i = i0; i <= i1; i++, n++) {
      const x = f[2 * i]!;
      const y = f[2 * i + 1]!;
      lx[n] = this.ax * x + this.bx * y + this.cx;
      ly[n] = this.ay * x + this.by * y + this.cy;
    }
    this.raster.drawPolyline(this.data, off, lx, ly, n, 255);
  }
}
