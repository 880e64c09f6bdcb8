/**
 * Road coordinates of an OpenDRIVE file, as the spec defines them (ASAM OpenDRIVE 1.8 §8 elevation
 * and superelevation, §9 lanes): (road, s, t) → map-frame x, y, z and the road's heading, pitch and
 * roll; lane centres and widths per s (tapers included; the centre lane and border lanes kept); the inverse
 * (x, y → road, s, t, lane). OpenSCENARIO positions and the storyboard player use it so that an s is
 * measured along the road's reference line, not along our lane polylines.
 *
 * Conventions (esmini's RoadManager follows the spec the same way): pitch = −atan(dz/ds) (positive
 * nose down), roll = superelevation; the lateral vector is rotated by the road's roll and pitch, so
 * a point at t on a banked road lies at t·cos(roll) beside the reference line and t·sin(roll) above.
 */
import { fail, ok, type Result } from '../../../core/index.ts';
import type { JunctionDef } from './JunctionNetwork.ts';
import {
  type LaneDef,
  laneAdvanceAt,
  polyAt,
  polySlopeAt,
  type RoadDef,
  type SectionDef,
} from './OpenDriveMap.ts';
import type { RefPoint } from './ReferenceLine.ts';

/** A road-frame pose in the map frame. */
export interface RoadPose {
  x: number;
  y: number;
  z: number;
  /** Road reference-line heading, pitch (−atan of the elevation slope) and roll (superelevation), rad. */
  hRoad: number;
  pRoad: number;
  rRoad: number;
}

/** Where a map point lies in road coordinates. */
export interface RoadCoord {
  roadId: string;
  sM: number;
  tM: number;
  /** Lane at (s, t) (0 if outside every lane) and the offset from its centre, m (positive left of the reference direction). */
  laneId: number;
  offsetM: number;
  /**
   * How far the point lies past the road's ends, m: 0 on the road (measured at the reference
   * line's foot, not at lane 0's s that a sloping lane offset shifts); on a pitched and rolled road
   * the in-plane distance to the surface point (s, t).
   */
  distM: number;
}

const COARSE_STEP_M = 1;
/** An s this far outside [0, length] still counts as on the road (rounding in files and callers), m. */
export const S_TOLERANCE_M = 1e-6;

/**
 * `sM` on road `roadId` of length `lengthM`, clamped onto [0, length] when it is within
 * S_TOLERANCE_M of the road; an s beyond the road is an error naming the road and its s range.
 */
export function sOnRoad(roadId: string, lengthM: number, sM: number): Result<number> {
  if (!(sM >= -S_TOLERANCE_M && sM <= lengthM + S_TOLERANCE_M))
    return fail(
      'INVALID_INPUT',
      `road ${roadId}@s`,
      `s ${sM} is beyond road ${roadId} (s from 0 to ${lengthM} m)`,
    );
  return ok(Math.min(Math.max(sM, 0), lengthM));
}
/** Lane types besides the driving ones that esmini counts as road (RoadManager LANE_TYPE_ANY_ROAD). */
const ROAD_LANE_TYPES = new Set(['restricted', 'stop', 'shoulder', 'parking']);
/** Lane types esmini counts as driving lanes (RoadManager LANE_TYPE_ANY_DRIVING). */
const DRIVING_LANE_TYPES = new Set([
  'driving',
  'entry',
  'exit',
  'offramp',
  'onramp',
  'connectingramp',
  'bidirectional',
]);

/** The id of a section's outermost lane on one side (0 when the side has none). */
function outermostLaneId(sec: SectionDef, side: 1 | -1): number {
  let id = 0;
  for (const l of sec.lanes) if (Math.sign(l.id) === side && Math.abs(l.id) > Math.abs(id)) id = l.id;
  return id;
}

export class RoadGeometry {
  private readonly byId: Map<string, RoadDef>;
  /** Coarse reference-line samples per road for the inverse query. */
  private readonly samples = new Map<string, { s: Float64Array; x: Float64Array; y: Float64Array }>();
  private readonly rp: RefPoint = { x: 0, y: 0, hdg: 0, kappa: 0 };

  private readonly junctionById: Map<string, JunctionDef>;

  /** `junctions`: the map's junctions with esmini's counter connections (JunctionNetwork). */
  constructor(
    readonly roads: readonly RoadDef[],
    readonly junctions: readonly JunctionDef[] = [],
  ) {
    this.byId = new Map(roads.map((r) => [r.id, r]));
    this.junctionById = new Map(junctions.map((j) => [j.id, j]));
  }

  junction(id: string): JunctionDef | undefined {
    return this.junctionById.get(id);
  }

  road(id: string): RoadDef | undefined {
    return this.byId.get(id);
  }

  /** Road length, m (undefined for an unknown road). */
  roadLength(id: string): number | undefined {
    return this.byId.get(id)?.length;
  }

  /** Index of the lane section valid at s (the last one whose start ≤ s). */
  sectionIndex(road: RoadDef, sM: number): number {
    let idx = 0;
    for (let i = 0; i < road.sections.length; i++) if (road.sections[i]!.s <= sM + 1e-9) idx = i;
    return idx;
  }

  section(road: RoadDef, sM: number): SectionDef {
    return road.sections[this.sectionIndex(road, sM)]!;
  }

  /** Lane ids of the section at s, left to right (centre lane 0 excluded). */
  laneIdsAt(roadId: string, sM: number): number[] {
    const road = this.byId.get(roadId);
    if (!road) return [];
    return this.section(road, sM)
      .lanes.map((l) => l.id)
      .sort((a, b) => b - a);
  }

  /** A lane's width at s, m, never below 0 (the lane's own extent); `tInner` its inner border's t. */
  private laneWidth(l: LaneDef, sec: SectionDef, sM: number, tInner: number): number {
    return Math.max(0, this.laneAdvance(l, sec, sM, tInner));
  }

  /**
   * How far a lane moves the lanes outside it at s, m: its width polynomial as it stands, also where
   * a fitted polynomial dips below 0 near a section's end (Issue189.xodr: −1 cm), as esmini
   * (LaneSection::GetOuterOffset) and libOpenDRIVE stack it; the lane itself then has width 0. A
   * lane given by `<border>` records reaches from its inner border (t `tInner`) to the border.
   */
  private laneAdvance(l: LaneDef, sec: SectionDef, sM: number, tInner: number): number {
    return laneAdvanceAt(l, sM - sec.s, tInner, Math.sign(l.id));
  }

  /**
   * Ids of the lanes that carry traffic at s (esmini's "any driving" types: driving, entry, exit,
   * on/off ramp, connecting ramp, bidirectional), largest first; empty if the road does not exist.
   */
  drivingLaneIdsAt(roadId: string, sM: number): number[] {
    const road = this.byId.get(roadId);
    if (!road) return [];
    return this.section(road, sM)
      .lanes.filter((l) => l.id !== 0 && DRIVING_LANE_TYPES.has(l.type.toLowerCase()))
      .map((l) => l.id)
      .sort((a, b) => b - a);
  }

  /**
   * Lanes at the road's edge in one lane section, as esmini marks them: on each side the outermost
   * lane of a road type (driving types, restricted, stop, shoulder, parking); the centre lane 0 when
   * a side has none. Empty for an unknown road or section.
   */
  roadEdgeLaneIds(roadId: string, sectionIdx: number): number[] {
    const sec = this.byId.get(roadId)?.sections[sectionIdx];
    if (!sec) return [];
    const road = sec.lanes.filter(
      (l) =>
        l.id !== 0 &&
        (DRIVING_LANE_TYPES.has(l.type.toLowerCase()) || ROAD_LANE_TYPES.has(l.type.toLowerCase())),
    );
    const right = Math.min(0, ...road.map((l) => l.id));
    const left = Math.max(0, ...road.map((l) => l.id));
    const edges = [left, right].filter((id) => id !== 0);
    if (right === 0 || left === 0) edges.push(0);
    return edges;
  }

  /**
   * OpenDRIVE type of a lane at s (lowercase: driving, border, shoulder, …), the centre lane 0
   * included; undefined if the road or lane does not exist there.
   */
  laneTypeAt(roadId: string, laneId: number, sM: number): string | undefined {
    const road = this.byId.get(roadId);
    if (!road) return undefined;
    const sec = this.section(road, sM);
    return laneId === 0 ? sec.center.type : sec.lanes.find((l) => l.id === laneId)?.type;
  }

  /** Width of one lane at s, m (undefined if the lane is not in the section there). */
  laneWidthAt(roadId: string, laneId: number, sM: number): number | undefined {
    const road = this.byId.get(roadId);
    if (!road) return undefined;
    return laneId === 0 ? undefined : this.laneCenterT(roadId, laneId, sM)?.widthM;
  }

  /**
   * t of a lane's centre (laneId ≠ 0) or of the reference line with the lane offset (laneId 0) at s,
   * with its width; undefined if the road or lane does not exist there.
   */
  laneCenterT(roadId: string, laneId: number, sM: number): { tM: number; widthM: number } | undefined {
    const road = this.byId.get(roadId);
    if (!road) return undefined;
    const sec = this.section(road, sM);
    const off = polyAt(road.offsets, sM);
    if (laneId === 0) return { tM: off, widthM: 0 };
    const side = Math.sign(laneId);
    let t = off;
    for (let id = side; Math.abs(id) <= Math.abs(laneId); id += side) {
      const l = sec.lanes.find((x) => x.id === id);
      // A lane id the section skips has no width (esmini's LaneSection::GetWidth returns 0 for it,
      // libOpenDRIVE stacks the lanes it has): the lanes beyond it still lie outside the others.
      if (!l) {
        if (id === laneId) return undefined;
        continue;
      }
      const w = this.laneWidth(l, sec, sM, t);
      if (id === laneId) return { tM: t + (side * w) / 2, widthM: w };
      t += side * this.laneAdvance(l, sec, sM, t);
    }
    return undefined;
  }

  /** Lateral slope of a lane centre: d t_centre / d s (tapers), for the heading offset. */
  laneCenterSlope(roadId: string, laneId: number, sM: number): number {
    const a = this.laneCenterT(roadId, laneId, sM - 0.01);
    const b = this.laneCenterT(roadId, laneId, sM + 0.01);
    return a && b ? (b.tM - a.tM) / 0.02 : 0;
  }

  /**
   * The road frame at (s, t): map point and the road's heading / pitch / roll. An unknown road or
   * an s outside [0, length] is an error naming the road and its s range (not clamped: a caller
   * that wants the road's end clamps s itself).
   */
  pose(roadId: string, sM: number, tM: number, out?: RoadPose): Result<RoadPose> {
    const road = this.byId.get(roadId);
    if (!road) return fail('NOT_FOUND', `road ${roadId}`, `road ${roadId} is not in the map`);
    const at = sOnRoad(roadId, road.length, sM);
    if (!at.ok) return { ok: false, error: at.error };
    const s = at.value;
    road.line.eval(s, this.rp);
    const z0 = road.elevations.length > 0 ? polyAt(road.elevations, s) : 0;
    const pitch = road.elevations.length > 0 ? -Math.atan(polySlopeAt(road.elevations, s)) : 0;
    const roll = road.superelevations.length > 0 ? polyAt(road.superelevations, s) : 0;
    // Rotate (0, t, 0) by R = Rz(h) Ry(p) Rx(r): the second column times t.
    const ch = Math.cos(this.rp.hdg);
    const sh = Math.sin(this.rp.hdg);
    const cp = Math.cos(pitch);
    const sp = Math.sin(pitch);
    const cr = Math.cos(roll);
    const sr = Math.sin(roll);
    const o = out ?? { x: 0, y: 0, z: 0, hRoad: 0, pRoad: 0, rRoad: 0 };
    o.x = this.rp.x + tM * (ch * sp * sr - sh * cr);
    o.y = this.rp.y + tM * (sh * sp * sr + ch * cr);
    o.z = z0 + tM * (cp * sr);
    o.hRoad = this.rp.hdg;
    o.pRoad = pitch;
    o.rRoad = roll;
    return ok(o);
  }

  /**
   * The plan-view map point of (s, t): the surface point's x, y (`pose`), which `worldToRoad` reads
   * back as (s, t). On a banked road it lies t·cos(roll) beside the reference line, as esmini's
   * Track2XYZ and libOpenDRIVE's Road::get_xyz place it and the lanes are laid out
   * (`OpenDriveMap`). Errors as `pose`.
   */
  planPoint(roadId: string, sM: number, tM: number): Result<{ x: number; y: number }> {
    const r = this.pose(roadId, sM, tM);
    if (!r.ok) return r;
    return ok({ x: r.value.x, y: r.value.y });
  }

  /**
   * Pitch along s of the road surface at lateral t due to a changing superelevation (the surface at
   * t rises by t·d(roll)/ds), rad, positive nose down: esmini's Position::GetPOffset for a body
   * facing along s, atan(tan(roll′)·−t). 0 without superelevation or off the road.
   */
  superelevationPitch(roadId: string, sM: number, tM: number): number {
    const road = this.byId.get(roadId);
    if (!road || road.superelevations.length === 0) return 0;
    return Math.atan(Math.tan(polySlopeAt(road.superelevations, sM)) * -tM);
  }

  /** Lane and offset from the lane centre at (s, t); lane 0 when t is outside every lane. */
  laneAtT(roadId: string, sM: number, tM: number): { laneId: number; offsetM: number } {
    const road = this.byId.get(roadId);
    if (!road) return { laneId: 0, offsetM: tM };
    const sec = this.section(road, sM);
    const off = polyAt(road.offsets, sM);
    const side = tM >= off ? 1 : -1;
    let t = off;
    let last: { laneId: number; offsetM: number } = { laneId: 0, offsetM: tM - off };
    const outermost = outermostLaneId(sec, side);
    for (let id = side; Math.abs(id) <= Math.abs(outermost); id += side) {
      const l = sec.lanes.find((x) => x.id === id);
      if (!l) continue; // a skipped id: no width (see laneCenterT)
      const w = this.laneWidth(l, sec, sM, t);
      const c = t + (side * w) / 2;
      last = { laneId: id, offsetM: tM - c };
      if ((side > 0 && tM <= t + w) || (side < 0 && tM >= t - w)) return last;
      t += side * this.laneAdvance(l, sec, sM, t);
    }
    return last;
  }

  /**
   * The lane at (s, t) as esmini snaps to one (LaneSection::GetClosestLaneIdx): among the lanes of
   * esmini's driving types (all lanes when `anyType`) with a width, the first that contains t, else
   * the one whose centre is nearest; lane 0 (offset from the lane offset) when there is none.
   * `side` keeps the lanes of one side (−1 right, 1 left, 0 both), as esmini's side argument does.
   */
  closestLane(
    roadId: string,
    sM: number,
    tM: number,
    anyType = false,
    side: -1 | 0 | 1 = 0,
  ): { laneId: number; offsetM: number } {
    const road = this.byId.get(roadId);
    const off = road ? polyAt(road.offsets, sM) : 0;
    if (!road) return { laneId: 0, offsetM: tM };
    const sec = this.section(road, sM);
    let best: { laneId: number; offsetM: number } | undefined;
    for (const l of sec.lanes) {
      if (l.id === 0 || (!anyType && !DRIVING_LANE_TYPES.has(l.type.toLowerCase()))) continue;
      if (side !== 0 && Math.sign(l.id) !== side) continue;
      const c = this.laneCenterT(roadId, l.id, sM);
      if (!c || c.widthM <= 1e-6) continue;
      const d = tM - c.tM;
      if (Math.abs(d) < c.widthM / 2) return { laneId: l.id, offsetM: d };
      if (!best || Math.abs(d) < Math.abs(best.offsetM)) best = { laneId: l.id, offsetM: d };
    }
    return best ?? { laneId: 0, offsetM: tM - off };
  }

  /**
   * A map point placed on one given road (esmini's XYZ2TrackPos restricted to a road, as
   * RM_SetRoadId uses it): the nearest reference-line point, s clamped to the road, t the point's
   * lateral coordinate in the road frame there (also beyond the road's ends), the closest driving lane.
   */
  snapToRoad(roadId: string, x: number, y: number): RoadCoord | undefined {
    const p = this.projectOnRoad(roadId, x, y);
    if (!p) return undefined;
    const lane = this.closestLane(roadId, p.sM, p.tM);
    return { roadId, sM: p.sM, tM: p.tM, laneId: lane.laneId, offsetM: lane.offsetM, distM: p.distM };
  }

  /** Total width of the road's lanes on one side at s (t of the outer border, signed). */
  outerT(road: RoadDef, sM: number, side: 1 | -1): number {
    const sec = this.section(road, sM);
    let t = polyAt(road.offsets, sM);
    // inner lanes first: a border lane reaches from the lanes inside it
    const outermost = outermostLaneId(sec, side);
    for (let id = side; Math.abs(id) <= Math.abs(outermost); id += side) {
      const l = sec.lanes.find((x) => x.id === id);
      if (l) t += side * this.laneAdvance(l, sec, sM, t);
    }
    return t;
  }

  private coarse(road: RoadDef): { s: Float64Array; x: Float64Array; y: Float64Array } {
    let c = this.samples.get(road.id);
    if (c) return c;
    const n = Math.max(2, Math.ceil(road.length / COARSE_STEP_M) + 1);
    c = { s: new Float64Array(n), x: new Float64Array(n), y: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const s = (road.length * i) / (n - 1);
      road.line.eval(s, this.rp);
      c.s[i] = s;
      c.x[i] = this.rp.x;
      c.y[i] = this.rp.y;
    }
    this.samples.set(road.id, c);
    return c;
  }

  /** Closest point of one road's reference line to (x, y): s and signed t (Newton-refined). */
  projectOnRoad(roadId: string, x: number, y: number): { sM: number; tM: number; distM: number } | undefined {
    const road = this.byId.get(roadId);
    if (!road) return undefined;
    const c = this.coarse(road);
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < c.s.length; i++) {
      const d = (c.x[i]! - x) ** 2 + (c.y[i]! - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    let s = c.s[best]!;
    for (let k = 0; k < 8; k++) {
      road.line.eval(s, this.rp);
      const ds = (x - this.rp.x) * Math.cos(this.rp.hdg) + (y - this.rp.y) * Math.sin(this.rp.hdg);
      const t = -(x - this.rp.x) * Math.sin(this.rp.hdg) + (y - this.rp.y) * Math.cos(this.rp.hdg);
      // Newton on the foot point with curvature: ds / (1 − κ t).
      const denom = 1 - this.rp.kappa * t;
      const step = ds / (Math.abs(denom) > 0.1 ? denom : 0.1);
      const sNext = Math.min(Math.max(s + step, 0), road.length);
      if (Math.abs(sNext - s) < 1e-9) break;
      s = sNext;
    }
    // How far the point lies past the road's ends: measured at the reference-line foot, where it is
    // 0 inside the road. At lane 0's foot (below) a point beside a sloping lane offset is off the
    // normal by about its distance from lane 0 times the slope, and read as off the road (roadsAt,
    // worldToRoad's inside test missed in-road points).
    road.line.eval(s, this.rp);
    const distM = Math.abs((x - this.rp.x) * Math.cos(this.rp.hdg) + (y - this.rp.y) * Math.sin(this.rp.hdg));
    if (this.offsetVaries(road)) {
      s = this.footOnCentreLane(road, x, y, s);
      road.line.eval(s, this.rp);
    }
    const t = -(x - this.rp.x) * Math.sin(this.rp.hdg) + (y - this.rp.y) * Math.cos(this.rp.hdg);
    if (road.superelevations.length === 0) return { sM: s, tM: t, distM };
    if (road.elevations.length > 0) {
      const tilted = this.projectTilted(road, x, y, s, t);
      if (tilted) return tilted;
    }
    // On a banked road t runs along the rolled lateral vector, so the plan-view distance is
    // t·cos(roll): esmini's XYZ2TrackPos divides it back ("compensate for banking").
    const cr = Math.cos(polyAt(road.superelevations, s));
    return { sM: s, tM: t / (Math.abs(cr) > 1e-9 ? cr : 1e-9), distM };
  }

  /** Whether the road's lane offset changes along s anywhere (a b, c or d term). */
  private offsetVaries(road: RoadDef): boolean {
    return road.offsets.some((o) => o.b !== 0 || o.c !== 0 || o.d !== 0);
  }

  /**
   * s of the foot of the perpendicular from (x, y) to the road's centre lane (lane 0: the reference
   * line shifted by the lane offset), from a start s. esmini's XYZ2TrackPos finds s on lane 0's
   * points, not on the reference line, and keeps that s; t is then measured from the reference
   * line at it. Where the lane offset slopes, a point beside lane 0 maps to an s shorter or longer
   * than its reference-line foot by about its distance from lane 0 times the slope (two_plus_one:
   * 0.1-0.2 m during the overtake, ScenarioEngine_test TestTwoPlusOneRoad). A parallel (constant)
   * offset shares the reference line's normals and changes nothing.
   */
  private footOnCentreLane(road: RoadDef, x: number, y: number, s0: number): number {
    let s = s0;
    for (let k = 0; k < 20; k++) {
      road.line.eval(s, this.rp);
      const lo = polyAt(road.offsets, s);
      const loPrim = polySlopeAt(road.offsets, s);
      const ch = Math.cos(this.rp.hdg);
      const sh = Math.sin(this.rp.hdg);
      // Centre point and its tangent d/ds (ref' (1 − κ·lo) + lo'·n).
      const cx = this.rp.x - lo * sh;
      const cy = this.rp.y + lo * ch;
      const stretch = 1 - this.rp.kappa * lo;
      const ux = ch * stretch - loPrim * sh;
      const uy = sh * stretch + loPrim * ch;
      const step = ((x - cx) * ux + (y - cy) * uy) / (ux * ux + uy * uy);
      const sNext = Math.min(Math.max(s + step, 0), road.length);
      if (Math.abs(sNext - s) < 1e-9) return sNext;
      s = sNext;
    }
    return s;
  }

  /**
   * On a road both pitched and rolled the lateral vector leans along s (see `pose`), so the surface
   * point (s, t) is not on the plan-view normal at s: solve pose(s, t).xy = (x, y) by Newton from
   * the plan-view answer (esmini's XYZ2TrackPos places a point on the tilted surface). Undefined
   * when the lean is negligible.
   */
  private projectTilted(
    road: RoadDef,
    x: number,
    y: number,
    s0: number,
    t0: number,
  ): { sM: number; tM: number; distM: number } | undefined {
    const a: RoadPose = { x: 0, y: 0, z: 0, hRoad: 0, pRoad: 0, rRoad: 0 };
    const b: RoadPose = { x: 0, y: 0, z: 0, hRoad: 0, pRoad: 0, rRoad: 0 };
    let s = s0;
    let t = t0;
    let lean = 0;
    for (let k = 0; k < 12; k++) {
      if (!this.pose(road.id, s, t, a).ok) return undefined;
      const fx = a.x - x;
      const fy = a.y - y;
      // ∂/∂t is the lateral vector; ∂/∂s by a finite difference inside the road.
      this.pose(road.id, s, t + 1, b);
      const jtx = b.x - a.x;
      const jty = b.y - a.y;
      const h = s + 1e-4 <= road.length ? 1e-4 : -1e-4;
      this.pose(road.id, s + h, t, b);
      const jsx = (b.x - a.x) / h;
      const jsy = (b.y - a.y) / h;
      if (k === 0) lean = Math.abs(jtx * Math.cos(a.hRoad) + jty * Math.sin(a.hRoad));
      if (lean < 1e-9) return undefined;
      const det = jsx * jty - jsy * jtx;
      if (Math.abs(det) < 1e-12) return undefined;
      const dS = (fx * jty - fy * jtx) / det;
      const dT = (jsx * fy - jsy * fx) / det;
      const sNext = Math.min(Math.max(s - dS, 0), road.length);
      t -= dT;
      const done = Math.abs(sNext - s) < 1e-10 && Math.abs(dT) < 1e-10;
      s = sNext;
      if (done) break;
    }
    if (!this.pose(road.id, s, t, a).ok) return undefined;
    return { sM: s, tM: t, distM: Math.hypot(a.x - x, a.y - y) };
  }

  /**
   * Reference-line curvature at s, 1/m (positive turning left). An unknown road or an s outside
   * [0, length] is an error naming the road and its s range, as for `pose`.
   */
  curvature(roadId: string, sM: number): Result<number> {
    const road = this.byId.get(roadId);
    if (!road) return fail('NOT_FOUND', `road ${roadId}`, `road ${roadId} is not in the map`);
    const at = sOnRoad(roadId, road.length, sM);
    if (!at.ok) return { ok: false, error: at.error };
    road.line.eval(at.value, this.rp);
    return ok(this.rp.kappa);
  }

  /** Roads (ids, in file order) whose lanes contain the map point. */
  roadsAt(x: number, y: number): string[] {
    const out: string[] = [];
    for (const road of this.roads) {
      const p = this.projectOnRoad(road.id, x, y);
      if (!p || p.distM > 1e-3) continue;
      const tLeft = this.outerT(road, p.sM, 1);
      const tRight = this.outerT(road, p.sM, -1);
      if (p.tM <= tLeft + 1e-9 && p.tM >= tRight - 1e-9) out.push(road.id);
    }
    return out;
  }

  /**
   * Moves ds along the road's s (negative: against s) from (road, lane, s), as esmini's
   * Position::MoveAlongS does: past a road's end it continues on the linked road (contact points
   * and lane links honoured) or through a junction on the connecting road whose heading at its
   * far end is closest to `junctionSelectorRad` relative to the current driving direction (0: the
   * straightest; ties keep the first, where esmini draws at random); at most 8 links. With `tM`
   * (the lateral position) ds is a distance travelled at that offset and is converted to s by the
   * curvature at the start (esmini's DistanceToDS). Stops at a road end without a way on
   * (`endOfRoad`). `alongS` is the lane's driving direction relative to s at the end point,
   * `headingFlipped` whether a relative heading turned by π (a road entered at its end),
   * `enteredNewRoad` / `madeJunctionChoice` esmini's return code (that of the last link crossed).
   */
  moveAlongS(
    roadId: string,
    laneId: number,
    sM: number,
    dsM: number,
    o: { junctionSelectorRad?: number; tM?: number } = {},
  ):
    | {
        roadId: string;
        laneId: number;
        sM: number;
        alongS: boolean;
        endOfRoad: boolean;
        headingFlipped: boolean;
        enteredNewRoad: boolean;
        madeJunctionChoice: boolean;
      }
    | undefined {
    let road = this.byId.get(roadId);
    if (!road) return undefined;
    let lane = laneId;
    let s = sM;
    let ds = dsM;
    if (o.tM !== undefined) {
      const k = this.curvature(road.id, Math.min(Math.max(s, 0), road.length));
      // (1 − κt ≤ 0: an offset beyond the centre of curvature, where s does not map to distance)
      if (k.ok && Math.abs(k.value) > 1e-6 && 1 - k.value * o.tM > 1e-3) ds /= 1 - k.value * o.tM;
    }
    // Driving direction of the lane relative to s at the start (RHT: negative ids along s).
    let along = road.lht ? laneId > 0 : laneId < 0;
    let flipped = false;
    let entered = false;
    let choice = false;
    const selector = o.junctionSelectorRad ?? 0;
    for (let hop = 0; hop < 8; hop++) {
      if (s + ds >= 0 && s + ds <= road.length) {
        lane = this.laneAcrossSections(road, lane, s, s + ds);
        s += ds;
        return {
          roadId: road.id,
          laneId: lane,
          sM: s,
          alongS: along,
          endOfRoad: false,
          headingFlipped: flipped,
          enteredNewRoad: entered,
          madeJunctionChoice: choice,
        };
      }
      const atEnd = s + ds > road.length;
      // The lane the link starts from is the one in the road's last (first) section.
      lane = this.laneAcrossSections(road, lane, s, atEnd ? road.length : 0);
      ds = atEnd ? s + ds - road.length : s + ds;
      const link = atEnd ? road.succ : road.pred;
      const stop = {
        roadId: road.id,
        laneId: lane,
        sM: atEnd ? road.length : 0,
        alongS: along,
        endOfRoad: true,
        headingFlipped: flipped,
        enteredNewRoad: entered,
        madeJunctionChoice: choice,
      };
      const next = link ? this.connectingRoad(road, lane, s, link, atEnd, selector) : undefined;
      if (!next) return stop;
      const nextRoad = this.byId.get(next.roadId);
      if (!nextRoad) return stop;
      // Entering the next road at the same kind of end as the one left turns the heading round.
      if ((!atEnd && next.contactPoint === 'start') || (atEnd && next.contactPoint === 'end')) {
        flipped = !flipped;
        along = !along;
      }
      // esmini's return code is the last link's: a road entered, or a junction choice made.
      choice = next.junction;
      entered = !next.junction;
      road = nextRoad;
      lane = next.laneId;
      s = next.contactPoint === 'end' ? road.length : 0;
      ds = next.contactPoint === 'end' ? -Math.abs(ds) : Math.abs(ds);
    }
    return undefined;
  }

  /**
   * The lane id a lane continues as when moving along one road from s0 to s1 across lane sections:
   * each section boundary crossed follows the lane's successor (forwards) or predecessor
   * (backwards) link, as esmini's MoveAlongS does; an unlinked lane keeps its id.
   */
  private laneAcrossSections(road: RoadDef, laneId: number, s0: number, s1: number): number {
    const i0 = this.sectionIndex(road, s0);
    const i1 = this.sectionIndex(road, s1);
    let lane = laneId;
    for (let i = i0; i < i1; i++) lane = this.laneOverBoundary(road, lane, i, i + 1);
    for (let i = i0; i > i1; i--) lane = this.laneOverBoundary(road, lane, i, i - 1);
    return lane;
  }

  /**
   * The lane `laneId` of section `from` continues as in the adjacent section `to`: its link, else
   * (a lane that opens or ends there, unlinked) the lane of `to` nearest to its centre at the
   * boundary, as esmini falls back to the closest lane.
   */
  private laneOverBoundary(road: RoadDef, laneId: number, from: number, to: number): number {
    const def = road.sections[from]!.lanes.find((l) => l.id === laneId);
    const link = to > from ? def?.succ : def?.pred;
    const target = road.sections[to]!;
    if (link !== undefined && link !== 0 && target.lanes.some((l) => l.id === link)) return link;
    // A file may give the link on one side of the boundary only: the target lane that names this one.
    const back = target.lanes.find((l) => (to > from ? l.pred : l.succ) === laneId);
    if (link === undefined && back) return back.id;
    if (target.lanes.some((l) => l.id === laneId) && def) return laneId;
    const b = road.sections[Math.max(from, to)]!.s;
    const c = this.laneCenterT(road.id, laneId, to > from ? b - 1e-9 : b);
    if (!c) return laneId;
    const near = this.closestLane(
      road.id,
      to > from ? b : b - 1e-9,
      c.tM,
      false,
      Math.sign(laneId) as -1 | 1,
    );
    return near.laneId !== 0 ? near.laneId : laneId;
  }

  /** The road, lane and contact point a lane continues on over a road link or through a junction (esmini's MoveToConnectingRoad). */
  private connectingRoad(
    road: RoadDef,
    laneId: number,
    sM: number,
    link: NonNullable<RoadDef['succ']>,
    atEnd: boolean,
    selectorRad: number,
  ): { roadId: string; laneId: number; contactPoint: 'start' | 'end'; junction: boolean } | undefined {
    const sec = atEnd ? road.sections[road.sections.length - 1]! : road.sections[0]!;
    const def = sec.lanes.find((l) => l.id === laneId);
    if (link.type === 'road') {
      const nextLane = atEnd ? def?.succ : def?.pred;
      if (nextLane === undefined || nextLane === 0) return undefined;
      return {
        roadId: link.id,
        laneId: nextLane,
        contactPoint: link.cp === 'end' ? 'end' : 'start',
        junction: false,
      };
    }
    if (link.type !== 'junction') return undefined;
    const options: { roadId: string; laneId: number; contactPoint: 'start' | 'end' }[] = [];
    for (const c of this.junctionById.get(link.id)?.connections ?? []) {
      if (c.incomingRoadId !== road.id) continue;
      for (const l of c.laneLinks)
        if (l.from === laneId)
          options.push({ roadId: c.connectingRoadId, laneId: l.to, contactPoint: c.contactPoint });
    }
    if (options.length === 0) return undefined;
    let best = options[0]!;
    if (options.length > 1) {
      // Heading at the connecting road's far end relative to the current driving direction.
      road.line.eval(Math.min(Math.max(sM, 0), road.length), this.rp);
      const along = road.lht ? laneId > 0 : laneId < 0;
      const hDrive = this.rp.hdg + (along ? 0 : Math.PI);
      let minDiff = Infinity;
      for (const c of options) {
        const r = this.byId.get(c.roadId);
        if (!r) continue;
        r.line.eval(c.contactPoint === 'start' ? r.length : 0, this.rp);
        const out = this.rp.hdg + (c.contactPoint === 'start' ? 0 : Math.PI);
        const diff = absAngleDifference(wrap2Pi(out - hDrive), selectorRad);
        if (diff < minDiff) {
          minDiff = diff;
          best = c;
        }
      }
    }
    return { ...best, junction: true };
  }

  /**
   * Road coordinates of a map point: among the roads whose lanes contain it, the one with the
   * smallest |t| (ties: the preferred road, e.g. the one an entity is on); else the nearest road.
   */
  worldToRoad(x: number, y: number, preferRoadId?: string): RoadCoord | undefined {
    let best: RoadCoord | undefined;
    let bestScore = Infinity;
    for (const road of this.roads) {
      const p = this.projectOnRoad(road.id, x, y);
      if (!p) continue;
      const tLeft = this.outerT(road, p.sM, 1);
      const tRight = this.outerT(road, p.sM, -1);
      const inside = p.distM < 0.5 && p.tM <= tLeft + 1e-6 && p.tM >= tRight - 1e-6;
      const outside = inside ? 0 : Math.max(p.tM - tLeft, tRight - p.tM, 0) + p.distM;
      const score =
        (inside ? 0 : 1000 + outside) +
        (road.id === preferRoadId ? -0.5 : 0) +
        Math.abs(p.tM) * 1e-3 +
        // a point past a road's end (within the tolerance) goes to the road it lies on, if any
        p.distM;
      if (score < bestScore) {
        bestScore = score;
        const lane = this.laneAtT(road.id, p.sM, p.tM);
        best = {
          roadId: road.id,
          sM: p.sM,
          tM: p.tM,
          laneId: lane.laneId,
          offsetM: lane.offsetM,
          distM: p.distM,
        };
      }
    }
    return best;
  }
}

/**
 * Map-frame heading, pitch, roll of a body yawed by hRelRad relative to a road frame and pitched by
 * pBodyRad about its own lateral axis (R = R_road · Rz(hRel) · Ry(pBody)), each in [0, 2π).
 */
export function bodyOrientation(
  hRoad: number,
  pRoad: number,
  rRoad: number,
  hRelRad: number,
  pBodyRad = 0,
): { h: number; p: number; r: number } {
  const ch = Math.cos(hRoad);
  const sh = Math.sin(hRoad);
  const cp = Math.cos(pRoad);
  const sp = Math.sin(pRoad);
  const cr = Math.cos(rRoad);
  const sr = Math.sin(rRoad);
  const R = [
    [ch * cp, ch * sp * sr - sh * cr, ch * sp * cr + sh * sr],
    [sh * cp, sh * sp * sr + ch * cr, sh * sp * cr - ch * sr],
    [-sp, cp * sr, cp * cr],
  ];
  const cy = Math.cos(hRelRad);
  const sy = Math.sin(hRelRad);
  // N = R · Rz(hRel): columns 0 and 1 mix, column 2 stays.
  const n00 = R[0]![0]! * cy + R[0]![1]! * sy;
  const n10 = R[1]![0]! * cy + R[1]![1]! * sy;
  const n20 = R[2]![0]! * cy + R[2]![1]! * sy;
  const m21 = -R[2]![0]! * sy + R[2]![1]! * cy;
  // M = N · Ry(pBody): columns 0 and 2 mix, column 1 stays.
  const cb = Math.cos(pBodyRad);
  const sb = Math.sin(pBodyRad);
  const m00 = n00 * cb - R[0]![2]! * sb;
  const m10 = n10 * cb - R[1]![2]! * sb;
  const m20 = n20 * cb - R[2]![2]! * sb;
  const m22 = n20 * sb + R[2]![2]! * cb;
  return {
    h: wrap2Pi(Math.atan2(m10, m00)),
    p: wrap2Pi(Math.atan2(-m20, Math.hypot(m21, m22))),
    r: wrap2Pi(Math.atan2(m21, m22)),
  };
}

/** |a − b| folded into [0, π] (CommonMini GetAbsAngleDifference). */
function absAngleDifference(a: number, b: number): number {
  let d = (a - b) % (2 * Math.PI);
  if (d < 0) d += 2 * Math.PI;
  return d > Math.PI ? 2 * Math.PI - d : d;
}

/** An angle in [0, 2π). */
export function wrap2Pi(a: number): number {
  const t = a % (2 * Math.PI);
  const w = t < 0 ? t + 2 * Math.PI : t;
  return w >= 2 * Math.PI - 1e-12 ? 0 : w;
}
