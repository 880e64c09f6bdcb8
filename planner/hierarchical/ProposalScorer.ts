/**
 * nuPlan-style scoring of candidate trajectories for reflection: PDM-Closed's scorer (the
 * re-implementation of nuPlan's closed-loop metrics in planner/baselines/pdm) on a fixed number of
 * candidates, 4 s at 0.1 s, against constant-velocity forecasts of the agents. Built once per
 * scenario (lane areas, on-route lanes, junction polygons); `score` allocates nothing but its
 * result.
 *
 * One deliberate change from PDM: a candidate whose path is a borrow chosen by the lateral agent
 * (it has checked the oncoming lane is clear for the whole pass) is scored without the
 * driving-direction multiplier, which would otherwise rank any legal pass below standing still,
 * and without the drivable-area one: the gate's kinematic roll-out swings out over a few metres
 * when it starts from a standstill, so a corner grazes the lane edge in the prediction only (the
 * collision multiplier still applies, and the gate checks the drivable area itself).
 *
 * A second one: the drivable area is judged as the run is judged. PDM's scorer calls a candidate
 * off the road when any corner, at any step, falls in no lane quad (each lane approximated by its
 * centreline ± one width, which leaves slivers between adjacent lanes whose real boundaries differ,
 * and cuts the inside of junction corners); nuPlan's drivable_area_compliance tolerates a corner
 * up to `max_violation_threshold` = 0.3 m outside. A candidate PDM's scorer flags is checked again
 * against the map's lane and area polygons with that tolerance — otherwise a wide car starting
 * near its lane edge, or a tight turn, makes every moving candidate "leave the road" by a few
 * centimetres and standing still wins (USA_Peach-4_8_T-1, CARLA Town02 route 0).
 *
 * A third one: the driving direction is judged as the run is judged too. PDM's scorer counts any
 * travel with the centre outside the route's lanes (and outside junctions) as oncoming; nuPlan's
 * driving_direction_compliance counts only progress against the lane driven. A candidate PDM's
 * scorer flags is checked again: travel whose every containing lane runs the other way (more than
 * 90° off the candidate's heading) is what counts, with PDM's thresholds — otherwise an ego that
 * starts in a lane beside its route's (a neighbouring junction lanelet heading the same way) has
 * every moving candidate "drive against traffic" and a stop wins (USA_Lanker-1_11_T-1).
 *
 * A fourth one: a follower does not make standing still the safer choice. nuPlan's
 * time-to-collision skips a stopped ego and projects a moving one forward; a car closing in from
 * behind in the ego's own lane (a log-replayed one drives on into and through the ego) fails it for
 * every candidate that moves while it overlaps the projection, and for none that has stopped — so the
 * comparison would teach "stop when someone comes up behind", the wrong lesson (it gets rear-ended).
 * The candidates' TTC is therefore taken from a pass without such followers (`followersOf`); the
 * collision multiplier and every other metric still see them. nuPlan's own metric (sim/metrics) and
 * PDM-Closed's scorer are unchanged.
 *
 * A fifth one: comfort is judged as the run is judged. PDM's scorer filters each 4 s candidate on
 * its own over its whole horizon, and reads a braking step far more gently than nuPlan's metric
 * reads the run (windows of 8 and 15 samples, and at the run's start one quadratic fitted to its
 * first 1.4 s): given the ego's past accelerations (`EgoAccelHistory`), a candidate PDM calls
 * comfortable must also keep the run's longitudinal comfort with its accelerations appended to
 * them (`RunComfort.ts`) — while any candidate still can: once the ego's past alone breaks it,
 * every candidate fails, and PDM's check stays the one that tells a smooth candidate from a jerky
 * one. Each candidate is judged as if held for its 4 s; re-planned 0.1 s later it rarely is (see
 * planner/README.md, round 22, for where that misjudges).
 */
import { angleDiff, type Trajectory, type VehicleParams, type WorldSnapshot } from '../../core/index.ts';
import type { PlannerContext } from '../../core/planning/Planner.ts';
import { PdmClosedParamsSchema, pdmObservationOptions } from '../baselines/PdmClosed.ts';
import { LaneAreaIndex } from '../baselines/pdm/LaneAreaIndex.ts';
import { PdmObservation } from '../baselines/pdm/PdmObservation.ts';
import { PdmPath } from '../baselines/pdm/PdmPath.ts';
import { PdmScorer, type SimulatedProposals } from '../baselines/pdm/PdmScorer.ts';
import { junctionPolygons, routeRoadblock } from '../baselines/pdm/scoringMap.ts';
import type { AgentForecast } from './Reflection.ts';
import { type EgoAccelHistory, RunComfort } from './RunComfort.ts';

export interface CandidateScore {
  score: number;
  noCollision: number;
  drivableArea: number;
  drivingDirection: number;
  progressM: number;
  ttc: number;
  comfort: number;
}

const STEPS = 41;
/** A follower heads within this of the ego's heading (nuPlan's "ahead" cone, mirrored), rad. */
const FOLLOWER_HEADING_RAD = (30 * Math.PI) / 180;
const DT_S = 0.1;
/** nuPlan drivable_area_compliance max_violation_threshold, m (sim/metrics/params.ts). */
const DRIVABLE_TOLERANCE_M = 0.3;

/**
 * PDM's observation with the agents' positions read off a forecast (reactive agents) where it has
 * them; constant velocity otherwise (PDM's own). Headings stay as observed.
 */
class ForecastObservation extends PdmObservation {
  private table: AgentForecast | undefined;
  private readonly rowOf: number[] = [];

  /** Uses `f` for the agents it covers (undefined: constant velocity for all). */
  use(f: AgentForecast | undefined): void {
    this.table = f;
    this.rowOf.length = 0;
    if (!f) return;
    for (let j = 0; j < this.count; j++) this.rowOf.push(f.ids.indexOf(this.ids[j]!));
  }

  override xAt(i: number, m: number, sampleDtS: number): number {
    const f = this.table;
    const r = f ? this.rowOf[i]! : -1;
    if (r < 0) return super.xAt(i, m, sampleDtS);
    return f!.x[r * f!.steps + Math.min(f!.steps - 1, Math.round((m * sampleDtS) / f!.dtS))]!;
  }

  override yAt(i: number, m: number, sampleDtS: number): number {
    const f = this.table;
    const r = f ? this.rowOf[i]! : -1;
    if (r < 0) return super.yAt(i, m, sampleDtS);
    return f!.y[r * f!.steps + Math.min(f!.steps - 1, Math.round((m * sampleDtS) / f!.dtS))]!;
  }
}

export class ProposalScorer {
  readonly capacity: number;
  private readonly p = PdmClosedParamsSchema.parse({});
  private readonly obsOptions = pdmObservationOptions(this.p);
  private readonly scorer: PdmScorer;
  private readonly sim: SimulatedProposals;
  private readonly obs = new ForecastObservation();
  /** One-candidate scorer and its rows: each candidate against its own reactive forecast. */
  private readonly single: PdmScorer;
  private readonly sim1: SimulatedProposals;
  /** Per-candidate metrics of the last call (from the batch or the one-candidate scorer). */
  private readonly raw: Record<
    'noCollision' | 'drivableArea' | 'drivingDirection' | 'progressRaw' | 'ttc' | 'comfort',
    Float64Array
  >;
  private readonly areas: LaneAreaIndex;
  private readonly onRoute: Uint8Array;
  private readonly routeLanes: Uint8Array;
  private readonly laneIndexById = new Map<string, number>();
  private readonly junctions: { flat: Float64Array; bounds: number[] }[];
  private readonly centre: PdmPath;
  private readonly collided = new Set<string>();
  private readonly frenet = { sM: 0, dM: 0, segment: 0 };
  private readonly map: PlannerContext['map'];
  private readonly laneFrenet = { sM: 0, dM: 0, segment: 0 };
  /** Each candidate's TTC with the followers left out (see the module comment). */
  private readonly ttcNoFollowers: Float64Array;
  /** The run's longitudinal comfort filters (see the module comment). */
  private readonly runComfort = new RunComfort(STEPS, DT_S);
  private readonly runOk: Uint8Array;

  constructor(ctx: PlannerContext, capacity: number) {
    this.capacity = capacity;
    const map = ctx.map;
    this.map = map;
    this.scorer = new PdmScorer(capacity, STEPS, DT_S, this.p);
    const n = capacity * STEPS;
    this.sim = {
      count: capacity,
      steps: STEPS,
      dtS: DT_S,
      x: new Float64Array(n),
      y: new Float64Array(n),
      heading: new Float64Array(n),
      speed: new Float64Array(n),
      accel: new Float64Array(n),
    };
    this.single = new PdmScorer(1, STEPS, DT_S, this.p);
    this.sim1 = {
      count: 1,
      steps: STEPS,
      dtS: DT_S,
      x: new Float64Array(STEPS),
      y: new Float64Array(STEPS),
      heading: new Float64Array(STEPS),
      speed: new Float64Array(STEPS),
      accel: new Float64Array(STEPS),
    };
    this.raw = {
      noCollision: new Float64Array(capacity),
      drivableArea: new Float64Array(capacity),
      drivingDirection: new Float64Array(capacity),
      progressRaw: new Float64Array(capacity),
      ttc: new Float64Array(capacity),
      comfort: new Float64Array(capacity),
    };
    this.ttcNoFollowers = new Float64Array(capacity);
    this.runOk = new Uint8Array(capacity);
    this.areas = new LaneAreaIndex(map);
    this.centre = PdmPath.fromPolyline(ctx.route.line);
    for (const l of map.lanes) this.laneIndexById.set(l.data.id, l.index);
    // on-route = route lanes and their same-direction neighbours (a nuPlan roadblock), as PDM
    ({ routeLanes: this.routeLanes, onRoute: this.onRoute } = routeRoadblock(
      map,
      ctx.route.laneIds,
      this.laneIndexById,
      this.areas.polygonCount,
    ));
    this.junctions = junctionPolygons(map);
  }

  /**
   * Scores up to `capacity` trajectories (rear-axle poses from the snapshot time, 0.1 s apart; a
   * shorter one holds its last pose). `exemptDirection[i]` drops candidate i's driving-direction
   * multiplier (see the module comment). `accelHistory`: the ego's past accelerations, against
   * which comfort is judged as the run's (absent: PDM's comfort alone).
   */
  score(
    snap: WorldSnapshot,
    vehicle: VehicleParams,
    trajectories: ReadonlyArray<Trajectory>,
    exemptDirection: ReadonlyArray<boolean>,
    forecasts?: ReadonlyArray<AgentForecast | undefined>,
    accelHistory?: EgoAccelHistory,
  ): CandidateScore[] {
    const p = this.p;
    const K = Math.min(trajectories.length, this.capacity);
    if (K === 0) return [];
    const sim = this.sim;
    for (let i = 0; i < this.capacity; i++) {
      const pts = trajectories[Math.min(i, K - 1)]!.points;
      for (let t = 0; t < STEPS; t++) {
        const q = pts[Math.min(t, pts.length - 1)]!;
        const k = i * STEPS + t;
        sim.x[k] = q.x;
        sim.y[k] = q.y;
        sim.heading[k] = q.headingRad;
        sim.speed[k] = Math.max(0, q.speedMps);
      }
      for (let t = 0; t < STEPS; t++) {
        const k = i * STEPS + t;
        sim.accel[k] = t === 0 ? snap.ego.accelMps2 : (sim.speed[k]! - sim.speed[k - 1]!) / DT_S;
      }
    }
    const s = this.raw;
    // first without the followers (their TTC only; the persistent collided set is not touched)…
    const followers = followersOf(snap, vehicle);
    if (followers.length > 0) {
      const skip = new Set(this.collided);
      for (const id of followers) skip.add(id);
      this.pass(snap, vehicle, K, skip, forecasts);
      this.ttcNoFollowers.set(s.ttc.subarray(0, K));
    }
    // …then with everyone
    this.pass(snap, vehicle, K, this.collided, forecasts);
    if (followers.length > 0)
      for (let i = 0; i < K; i++) s.ttc[i] = Math.max(s.ttc[i]!, this.ttcNoFollowers[i]!);
    // PDM's scorer flags a corner in no lane quad; the run's metric allows 0.3 m (module comment)
    for (let i = 0; i < K; i++)
      if (s.drivableArea[i] === 0 && this.withinDrivableTolerance(i, vehicle)) s.drivableArea[i] = 1;
    // PDM's scorer counts travel off the route's lanes as oncoming; the run counts travel against a lane
    for (let i = 0; i < K; i++)
      if (s.drivingDirection[i]! < 1)
        s.drivingDirection[i] = Math.max(s.drivingDirection[i]!, this.againstLaneDirection(i, vehicle));
    // PDM's comfort over the candidate alone; the run's over the ego's past and the candidate —
    // where some candidate can still keep it (once the past alone breaks it, every one fails, and
    // PDM's own check still tells a smooth candidate from a jerky one)
    if (accelHistory) {
      const runOk = this.runOk;
      let any = false;
      for (let i = 0; i < K; i++) {
        runOk[i] =
          s.comfort[i] === 1 && this.runComfort.comfortable(accelHistory, snap.tS, sim.accel, i * STEPS)
            ? 1
            : 0;
        if (runOk[i] === 1) any = true;
      }
      if (any) for (let i = 0; i < K; i++) s.comfort[i] = runOk[i]!;
    }
    // aggregate again with the borrow exemption (pdm_scorer.py::_aggregate_scores otherwise)
    const mult = new Float64Array(K);
    let maxRaw = 0;
    for (let i = 0; i < K; i++) {
      mult[i] = s.noCollision[i]! * (exemptDirection[i] ? 1 : s.drivableArea[i]! * s.drivingDirection[i]!);
      maxRaw = Math.max(maxRaw, s.progressRaw[i]! * mult[i]!);
    }
    const wSum = p.weightProgress + p.weightTtc + p.weightComfort;
    const out: CandidateScore[] = [];
    for (let i = 0; i < K; i++) {
      const m = mult[i]!;
      const progress =
        maxRaw > p.progressDistanceThresholdM ? (s.progressRaw[i]! * m) / maxRaw : m === 0 ? 0 : 1;
      const weighted =
        (p.weightProgress * progress + p.weightTtc * s.ttc[i]! + p.weightComfort * s.comfort[i]!) / wSum;
      out.push({
        score: m * weighted,
        noCollision: s.noCollision[i]!,
        drivableArea: s.drivableArea[i]!,
        drivingDirection: s.drivingDirection[i]!,
        progressM: s.progressRaw[i]!,
        ttc: s.ttc[i]!,
        comfort: s.comfort[i]!,
      });
    }
    return out;
  }

  /**
   * One scoring pass of the first `K` candidates in `this.sim` against the snapshot's agents less
   * `collided` (updated by the observation, as PDM's), into `this.raw`.
   */
  private pass(
    snap: WorldSnapshot,
    vehicle: VehicleParams,
    K: number,
    collided: Set<string>,
    forecasts: ReadonlyArray<AgentForecast | undefined> | undefined,
  ): void {
    this.obs.update(
      snap,
      vehicle,
      this.obsOptions,
      collided,
      this.routeLanes,
      this.laneIndexById,
      this.areas,
    );
    const sim = this.sim;
    const ego = snap.ego;
    const sEgo = this.centre.project(ego.x, ego.y, this.frenet);
    let vMax = ego.speedMps;
    for (let k = 0; k < sim.speed.length; k++) vMax = Math.max(vMax, sim.speed[k]!);
    const scoring = {
      obs: this.obs,
      areas: this.areas,
      onRoute: this.onRoute,
      junctions: this.junctions,
      centerline: this.centre,
      fromS: sEgo - 20,
      toS: sEgo + vMax * (STEPS - 1) * DT_S + 30,
      vehicle,
    };
    const s = this.raw;
    const keys = [
      'noCollision',
      'drivableArea',
      'drivingDirection',
      'progressRaw',
      'ttc',
      'comfort',
    ] as const;
    if (!forecasts) {
      this.obs.use(undefined);
      this.scorer.scoreAll(sim, scoring);
      for (const key of keys) for (let i = 0; i < K; i++) s[key][i] = this.scorer[key][i]!;
      return;
    }
    // each candidate against the agents' reaction to it (PDM scores all against one forecast)
    const one = this.sim1;
    for (let i = 0; i < K; i++) {
      const from = i * STEPS;
      one.x.set(sim.x.subarray(from, from + STEPS));
      one.y.set(sim.y.subarray(from, from + STEPS));
      one.heading.set(sim.heading.subarray(from, from + STEPS));
      one.speed.set(sim.speed.subarray(from, from + STEPS));
      one.accel.set(sim.accel.subarray(from, from + STEPS));
      this.obs.use(forecasts[i]);
      this.single.scoreAll(one, scoring);
      for (const key of keys) s[key][i] = this.single[key][0]!;
    }
    this.obs.use(undefined);
  }

  /**
   * PDM's driving-direction multiplier of candidate `i` over travel against the lanes it is in: a
   * run of steps whose centre lies only in lanes heading more than 90° off the candidate's heading
   * sums its displacement; the longest run gives 1 (< 2 m), 0.5 (< 6 m) or 0 (PDM's thresholds).
   * The run the ego is already on at the snapshot (it stands against its lane) counts only for a
   * candidate that does not leave it within the horizon: every candidate that drives out pays that
   * stretch, and only one that stays short of 2 m — slowing to a crawl where it is — would not, so
   * counted it ranked creeping on the wrong side above leaving it. An ego started the wrong way
   * down a left-hand-traffic lane beside its route's (esmini miscobj_mix) was held there, re-planned
   * to hold its decaying speed every 0.1 s, and stopped at 1.9 m of travel for the rest of the run.
   */
  private againstLaneDirection(i: number, vehicle: VehicleParams): number {
    const sim = this.sim;
    let maxRun = 0;
    let run = 0;
    // still on the run under way at the snapshot (the ego's own pose against its lane)
    let startRun = true;
    let px = 0;
    let py = 0;
    for (let t = 0; t < STEPS; t++) {
      const k = i * STEPS + t;
      const h = sim.heading[k]!;
      const cx = sim.x[k]! + vehicle.rearAxleToCenterM * Math.cos(h);
      const cy = sim.y[k]! + vehicle.rearAxleToCenterM * Math.sin(h);
      const lanes = this.map.lanesAt(cx, cy);
      let against = false;
      for (const l of lanes) {
        if (!l.drivable) continue;
        const f = l.line.project(cx, cy, this.laneFrenet);
        const off = Math.abs(angleDiff(h, l.line.headingAt(f.sM)));
        if (off <= Math.PI / 2) {
          against = false;
          break;
        }
        against = true;
      }
      if (!against) {
        run = 0;
        startRun = false;
      } else if (t > 0) run += Math.hypot(cx - px, cy - py);
      if (!startRun) maxRun = Math.max(maxRun, run);
      px = cx;
      py = cy;
    }
    // a candidate that never leaves the lane it stands against: all of its travel counts
    if (startRun) maxRun = run;
    const p = this.p;
    return maxRun < p.drivingDirectionComplianceM ? 1 : maxRun < p.drivingDirectionViolationM ? 0.5 : 0;
  }

  /** Every corner of candidate `i` at every step lies within `DRIVABLE_TOLERANCE_M` of the drivable area. */
  private withinDrivableTolerance(i: number, vehicle: VehicleParams): boolean {
    const sim = this.sim;
    const hl = vehicle.lengthM / 2;
    const hw = vehicle.widthM / 2;
    for (let t = 0; t < STEPS; t++) {
      const k = i * STEPS + t;
      const c = Math.cos(sim.heading[k]!);
      const sn = Math.sin(sim.heading[k]!);
      const cx = sim.x[k]! + vehicle.rearAxleToCenterM * c;
      const cy = sim.y[k]! + vehicle.rearAxleToCenterM * sn;
      for (let q = 0; q < 4; q++) {
        const a = q < 2 ? hl : -hl;
        const b = q % 2 === 0 ? hw : -hw;
        const x = cx + a * c - b * sn;
        const y = cy + a * sn + b * c;
        if (this.map.distanceToDrivable(x, y, 1) >= DRIVABLE_TOLERANCE_M) return false;
      }
    }
    return true;
  }
}

/**
 * The vehicles closing in on the ego from behind in its own lane: centre behind the ego's rear
 * bumper, overlapping its width, heading within 30° of the ego's and faster along it than the ego
 * (ids). A car in a lane beside (the one a lane change cuts in front of) is none.
 */
export function followersOf(snap: WorldSnapshot, vehicle: VehicleParams): string[] {
  const ego = snap.ego;
  const c = Math.cos(ego.headingRad);
  const sn = Math.sin(ego.headingRad);
  const cx = ego.x + vehicle.rearAxleToCenterM * c;
  const cy = ego.y + vehicle.rearAxleToCenterM * sn;
  const out: string[] = [];
  for (const a of snap.agents) {
    if (a.kind !== 'vehicle' && a.kind !== 'cyclist' && a.kind !== 'robot') continue;
    const dx = a.x - cx;
    const dy = a.y - cy;
    const along = dx * c + dy * sn;
    const lat = -dx * sn + dy * c;
    if (along > -vehicle.lengthM / 2) continue;
    if (Math.abs(lat) > (vehicle.widthM + a.widthM) / 2) continue;
    const dh = angleDiff(a.headingRad, ego.headingRad);
    if (Math.abs(dh) > FOLLOWER_HEADING_RAD) continue;
    if (a.speedMps * Math.cos(dh) <= ego.speedMps) continue;
    out.push(a.id);
  }
  return out;
}
