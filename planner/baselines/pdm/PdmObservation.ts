/**
 * PDM's observation (tuplan_garage `observation/pdm_observation.py`, `pdm_object_manager.py`):
 * the tracked objects within `radiusM` of the ego centre (nearest-k per class), forecast at
 * constant velocity by translating each box (no rotation) and sampled every `sampleDtS` (0.2 s),
 * plus red lights on route lanes as static obstacles. Objects whose current box touches the ego
 * footprint join the persistent `collided` set and are ignored from then on (so PDM does not
 * freeze after a contact); a red light joins it once the ego footprint lies wholly inside the
 * red lane.
 *
 * Storage is struct-of-arrays, grown only when a scene has more objects than ever before.
 */
import type { AgentState, VehicleParams, WorldSnapshot } from '../../../core/index.ts';
import { obbOverlap } from '../../../core/index.ts';
import type { LaneAreaIndex } from './LaneAreaIndex.ts';

export interface ObservationLimits {
  radiusM: number;
  maxVehicles: number;
  maxPedestrians: number;
  maxBicycles: number;
  maxStatic: number;
  /** Time between occupancy samples, s. */
  sampleDtS: number;
}

/** Prefix of red-light tokens in the collided set (tuplan_garage `red_light_token`). */
export const RED_LIGHT_TOKEN = 'red_light_';

export class PdmObservation {
  /** Objects kept this call. */
  count = 0;
  ids: string[] = [];
  /** Centre at t = 0, m. */
  cx = new Float64Array(0);
  cy = new Float64Array(0);
  /** Constant-velocity displacement per second, m/s (0 for static objects). */
  vx = new Float64Array(0);
  vy = new Float64Array(0);
  cos = new Float64Array(0);
  sin = new Float64Array(0);
  heading = new Float64Array(0);
  halfL = new Float64Array(0);
  halfW = new Float64Array(0);
  /** Bounding-circle radius, m. */
  radius = new Float64Array(0);
  speed = new Float64Array(0);
  /** 1 for nuPlan AGENT_TYPES (vehicle, pedestrian, bicycle; we add robot), 0 for static objects. */
  isAgent = new Uint8Array(0);

  /** Red route lanes (map lane indices) present this call. */
  redLaneCount = 0;
  redLanes = new Int32Array(8);
  redLaneIds: string[] = [];

  private sortIdx = new Int32Array(0);
  private sortDist = new Float64Array(0);
  private readonly polyScratch = new Int32Array(16);

  private grow(n: number): void {
    if (this.cx.length >= n) return;
    const cap = Math.max(n, 2 * this.cx.length, 16);
    this.cx = new Float64Array(cap);
    this.cy = new Float64Array(cap);
    this.vx = new Float64Array(cap);
    this.vy = new Float64Array(cap);
    this.cos = new Float64Array(cap);
    this.sin = new Float64Array(cap);
    this.heading = new Float64Array(cap);
    this.halfL = new Float64Array(cap);
    this.halfW = new Float64Array(cap);
    this.radius = new Float64Array(cap);
    this.speed = new Float64Array(cap);
    this.isAgent = new Uint8Array(cap);
  }

  /** Centre x of object i at occupancy sample `m` (t = m·sampleDtS). */
  xAt(i: number, m: number, sampleDtS: number): number {
    return this.cx[i]! + this.vx[i]! * m * sampleDtS;
  }

  yAt(i: number, m: number, sampleDtS: number): number {
    return this.cy[i]! + this.vy[i]! * m * sampleDtS;
  }

  /**
   * Rebuilds the observation from a snapshot.
   * @param routeLaneIndex map lane index → 1 when the lane's red light counts (route lanes).
   * @param laneIndexById map lane id → lane index.
   * @param collided persistent ids of objects (and red lights) to ignore; updated here.
   */
  update(
    snap: WorldSnapshot,
    vehicle: VehicleParams,
    lim: ObservationLimits,
    collided: Set<string>,
    routeLaneIndex: Uint8Array,
    laneIndexById: ReadonlyMap<string, number>,
    areas: LaneAreaIndex,
  ): void {
    const ego = snap.ego;
    const ec = Math.cos(ego.headingRad);
    const es = Math.sin(ego.headingRad);
    const ecx = ego.x + vehicle.rearAxleToCenterM * ec;
    const ecy = ego.y + vehicle.rearAxleToCenterM * es;
    const ehl = vehicle.lengthM / 2;
    const ehw = vehicle.widthM / 2;

    // Candidates within the radius, sorted by distance (insertion sort: a few dozen objects).
    const agents = snap.agents;
    if (this.sortIdx.length < agents.length) {
      this.sortIdx = new Int32Array(agents.length * 2);
      this.sortDist = new Float64Array(agents.length * 2);
    }
    let nc = 0;
    for (let i = 0; i < agents.length; i++) {
      const a = agents[i]!;
      const d = Math.hypot(a.x - ecx, a.y - ecy);
      if (d > lim.radiusM || collided.has(a.id)) continue;
      let j = nc++;
      while (j > 0 && this.sortDist[j - 1]! > d) {
        this.sortDist[j] = this.sortDist[j - 1]!;
        this.sortIdx[j] = this.sortIdx[j - 1]!;
        j--;
      }
      this.sortDist[j] = d;
      this.sortIdx[j] = i;
    }
    this.grow(nc);
    let nVeh = 0;
    let nPed = 0;
    let nBike = 0;
    let nStatic = 0;
    let n = 0;
    this.ids.length = 0;
    for (let k = 0; k < nc; k++) {
      const a: AgentState = agents[this.sortIdx[k]!]!;
      switch (a.kind) {
        case 'vehicle':
        case 'robot':
          if (++nVeh > lim.maxVehicles) continue;
          break;
        case 'pedestrian':
          if (++nPed > lim.maxPedestrians) continue;
          break;
        case 'cyclist':
          if (++nBike > lim.maxBicycles) continue;
          break;
        default:
          if (++nStatic > lim.maxStatic) continue;
      }
      const c = Math.cos(a.headingRad);
      const s = Math.sin(a.headingRad);
      const hl = a.lengthM / 2;
      const hw = a.widthM / 2;
      if (obbOverlap(ecx, ecy, ec, es, ehl, ehw, a.x, a.y, c, s, hl, hw)) {
        collided.add(a.id);
        continue;
      }
      const agent = a.kind !== 'static';
      this.ids.push(a.id);
      this.cx[n] = a.x;
      this.cy[n] = a.y;
      // Speeds are along the heading and never negative here, so no backwards-driving flip.
      this.vx[n] = agent ? a.speedMps * c : 0;
      this.vy[n] = agent ? a.speedMps * s : 0;
      this.cos[n] = c;
      this.sin[n] = s;
      this.heading[n] = a.headingRad;
      this.halfL[n] = hl;
      this.halfW[n] = hw;
      this.radius[n] = Math.hypot(hl, hw);
      this.speed[n] = agent ? a.speedMps : 0;
      this.isAgent[n] = agent ? 1 : 0;
      n++;
    }
    this.count = n;

    // Red lights on route lanes; one wholly containing the ego footprint is dropped for good.
    this.redLaneCount = 0;
    this.redLaneIds.length = 0;
    for (const light of snap.lights) {
      if (light.state !== 'RED') continue;
      const lane = laneIndexById.get(light.laneId);
      if (lane === undefined || routeLaneIndex[lane] !== 1) continue;
      const token = RED_LIGHT_TOKEN + light.laneId;
      if (collided.has(token)) continue;
      if (this.footprintWithin(lane, ecx, ecy, ec, es, ehl, ehw, areas)) {
        collided.add(token);
        continue;
      }
      if (this.redLaneCount >= this.redLanes.length) {
        const bigger = new Int32Array(this.redLanes.length * 2);
        bigger.set(this.redLanes);
        this.redLanes = bigger;
      }
      this.redLanes[this.redLaneCount++] = lane;
      this.redLaneIds.push(light.laneId);
    }
  }

  private footprintWithin(
    lane: number,
    cx: number,
    cy: number,
    c: number,
    s: number,
    hl: number,
    hw: number,
    areas: LaneAreaIndex,
  ): boolean {
    for (let k = 0; k < 4; k++) {
      const sl = k < 2 ? hl : -hl;
      const sw = k === 0 || k === 3 ? hw : -hw;
      areas.query[0] = cx + c * sl - s * sw;
      areas.query[1] = cy + s * sl + c * sw;
      const n = areas.polygonsAtQuery(this.polyScratch);
      let found = false;
      for (let i = 0; i < n; i++) if (this.polyScratch[i] === lane) found = true;
      if (!found) return false;
    }
    return true;
  }
}
