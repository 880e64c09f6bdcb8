/**
 * PDM-Closed (Dauner et al., "Parting with Misconceptions about Learning-based Vehicle Motion
 * Planning", CoRL 2023; code: autonomousvision/tuplan_garage, `pdm_closed_planner.py`). Per
 * 10 Hz call:
 *
 *  1. observation: objects within 50 m, constant-velocity forecasts sampled every 0.2 s; red
 *     lights on route lanes become stopped obstacles (IDM only);
 *  2. proposals: 3 paths (the route centreline and its ±1 m parallels) × 5 IDM policies (target
 *     speed 0.2…1.0 × the current speed limit) unrolled 40 steps of 0.1 s along each path, the
 *     leading object refreshed every 2 steps from the path's driving corridor;
 *  3. simulation: each proposal tracked from the true ego state with the LQR tracker and the
 *     kinematic bicycle (nuPlan's two-stage controller) for 40 steps;
 *  4. scoring (PdmScorer): multiplicative at-fault collision / drivable area / driving direction
 *     × weighted progress, TTC and comfort;
 *  5. emergency brake when the best proposal collides (at fault) within 2 s and ego ≤ 5 m/s;
 *     otherwise the output is the best proposal's IDM path poses, unrolled on to 8 s.
 *
 * Mapping onto edgeplan (pdm/PdmRoute.ts): nuPlan's roadblocks are the closure of same-direction
 * neighbours plus the junction lanes sharing `junctionId` and `roadId`; the route roadblocks are
 * those of the route's lanes; the centreline is the route's line, handed in as the harness that
 * produced the reference outputs handed it to the original (`centreline: 'route-line'`, the
 * default: what `pdm-closed` is tested against); `centreline: 'lane-graph'` runs PDM's own route
 * correction at the first call and its Dijkstra search over the route roadblocks' lanes from the
 * lane the ego starts on (fixed at iteration 0), as tuplan_garage does on a nuPlan map;
 * the speed limit is that of the route-roadblock lane `_get_starting_lane` picks every call, the
 * policies' 15 m/s fallback where that lane posts none (`speedLimitPosted: false`); the
 * drivable-area map holds the roadblocks within 50 m; the on-route lanes of the driving-direction
 * metric, and the lanes whose red lights count, are all lanes of the route roadblocks; a red lane
 * is placed on each path from its own geometry; `robot` agents count as agents, `static` ones as
 * static objects.
 *
 * The defaults reproduce tuplan_garage @ b51d5d0, quirks included, and are tested against the
 * original's outputs (PdmClosed.reference.test.ts: same proposal, scores and trajectory on six
 * snapshots to 1e-6; PdmClosed.closedLoop.test.ts: closed-loop scores). The quirks, each a
 * parameter so `pdm-closed-plus` (PDM_CLOSED_PLUS) can drop it:
 *  - `refreshLeadAtFirstStep: false`: step 1 reads the zero-initialised leading-agent row (lead at
 *    progress 0, gap clipped to 1 m), so the first IDM step brakes at −3 m/s² whenever ego moves;
 *  - `sharedLeadBuffer: true`: one leading-agent row per path and update, only partly
 *    overwritten, so a proposal inherits the previous one's lead speed or rear length;
 *  - `proposalTracking: 'batch'`: the batch LQR fits its profiles once over the 41 proposal poses
 *    with a regulariser that penalises accelerations rather than jerk (`LqrTracker` 'pdm-batch'),
 *    and the batch bicycle clips only the steering angle (stepBatchBicycle: no accel or steer-rate
 *    limits, speed may go negative);
 *  - `junctionBoxDrivable: false`: PDM's drivable-area map is lanes and car parks, without the
 *    intersection layer;
 *  - `curveLatAccelMps2: 0`: no curve-speed cap (an edgeplan addition);
 *  - `centreline: 'lane-graph'` (not the default: the reference harness bypassed the search): the
 *    centreline never changes lane (route lane changes are not driven) and ends where the search
 *    ends;
 *  - `drivableMapWithinRadius: true`: lanes of roadblocks beyond 50 m are off the drivable area.
 *
 * Implementation choices with the original's results: drivable-area checks use LaneAreaIndex
 * (the lane strips of RoadMap.isDrivable cut into quads), masked per call to the roadblocks
 * within 50 m rather than queried from an STR-tree;
 * the lateral-accel comfort check is skipped (the bicycle model's ay ≡ 0, so it always passes).
 */
import { z } from 'zod';
import type {
  EgoState,
  PoseOut,
  Trajectory,
  TrajectoryPoint,
  VehicleParams,
  WorldSnapshot,
} from '../../core/index.ts';
import { obbDistance, PoseScratch } from '../../core/index.ts';
import { type CurveSpeedParams, DEFAULT_CURVE_SPEED, type RoadMap, RoutePath } from '../../core/map/index.ts';
import type { Planner, PlannerContext } from '../../core/planning/Planner.ts';
import { type BicycleCommand, egoAtRest, LqrTracker, stepBicycle } from '../../core/vehicle/index.ts';
import { LaneAreaIndex } from './pdm/LaneAreaIndex.ts';
import { PdmObservation } from './pdm/PdmObservation.ts';
import { PdmPath } from './pdm/PdmPath.ts';
import {
  centrelineLanes,
  correctRoute,
  drivableInRadius,
  PdmRoadblocks,
  startingLane,
} from './pdm/PdmRoute.ts';
import { PdmScorer, type SimulatedProposals } from './pdm/PdmScorer.ts';
import { junctionPolygons } from './pdm/scoringMap.ts';
import { stepBatchBicycle } from './pdm/stepBatchBicycle.ts';

const pos = () => z.number().finite().positive();
const num = () => z.number().finite();
const count = () => z.number().int().positive();

/** PDM-Closed parameters; defaults and sources from tuplan_garage @ b51d5d0. */
export const PdmClosedParamsSchema = z.object({
  /** pdm_closed_planner.yaml idm_policies.speed_limit_fraction. */
  speedLimitFractions: z.array(pos()).min(1).default([0.2, 0.4, 0.6, 0.8, 1.0]),
  /**
   * pdm_closed_planner.yaml idm_policies.fallback_target_velocity, m/s: what the fractions apply to
   * when the starting lane has no speed limit (batch_idm_policy.py `update` with None; here a lane
   * with `speedLimitPosted: false`, whose `speedLimitMps` is an importer's statutory default).
   * null = drive that lane's `speedLimitMps` instead (edgeplan addition, pdm-closed-plus).
   */
  fallbackTargetVelocityMps: pos().nullable().default(15.0),
  /**
   * edgeplan addition, not in tuplan_garage: comfortable lateral acceleration in curves, m/s²; the
   * speed limit the fractions apply to is capped by RoutePath.speedCapAt. 0 = the original PDM.
   */
  curveLatAccelMps2: z.number().nonnegative().default(0),
  /**
   * pdm_generator.py: the leading-agent row of step 1 is copied from the zero-initialised row 0
   * (lead at progress 0, speed 0), so the first IDM step brakes at −decel_max whenever the ego
   * moves (false, the original). true refreshes the lead at step 1 too (edgeplan addition).
   */
  refreshLeadAtFirstStep: z.boolean().default(false),
  /**
   * pdm_generator.py `_update_leading_agents`: one leading-agent row is shared by the proposals of
   * a path at each update and only partly overwritten, so a proposal inherits the previous one's
   * lead speed (free driving, red light) or rear length (agent ahead). true = the original;
   * false gives each proposal its own values (edgeplan addition).
   */
  sharedLeadBuffer: z.boolean().default(true),
  /**
   * How proposals are simulated. 'batch' = the original (pdm_simulator.py): BatchLQRTracker fits
   * the speed / curvature profiles once over the 41 proposal poses and tracks them with the
   * unclipped batch bicycle. 'window' = edgeplan addition: the closed-loop LqrTracker on an
   * 11-pose window re-fitted every step, and the simulator's clipped, non-reversing stepBicycle.
   */
  proposalTracking: z.enum(['batch', 'window']).default('batch'),
  /**
   * Whether a junction box that the map also lists as an extra drivable area counts in PDM's
   * drivable-area map. tuplan_garage builds that map from the lane / lane-connector polygons of
   * the roadblocks and car parks only (pdm_observation_utils.py `get_drivable_area_map`); the
   * intersection layer is not in it, so corners that leave the connectors inside a junction are
   * "non-drivable" (false, the original). true = edgeplan addition.
   */
  junctionBoxDrivable: z.boolean().default(false),
  /**
   * Where the proposals' centreline comes from. 'lane-graph' = the original
   * (abstract_pdm_planner.py): at the first call the route's roadblocks are corrected from the
   * ego's position (`route_roadblock_correction`), and a Dijkstra search over successors that are
   * route lanes runs from the lane the ego starts on to the last route roadblock within 30: the
   * centreline never changes lane, and ends where the search ends. 'route-line' = the route's
   * reference line (`ctx.route.line`, the route's lane changes blended in) and the route's
   * roadblocks as given, as the harness that produced data/reference/pdm_closed handed the
   * original its centreline (search and correction bypassed); the default, so that `pdm-closed` is
   * what the reference outputs were made with (a lane-graph centreline stays in the first lane of
   * route_lane_change: 96.2 where the reference scores 100); pdm-closed-plus keeps it too, since it
   * drives the lane changes the route asks for.
   */
  centreline: z.enum(['lane-graph', 'route-line']).default('route-line'),
  /**
   * PDM's drivable-area map holds only the roadblocks (all their lanes) and car parks within
   * `mapRadiusM` of the ego's centre, re-queried every call (pdm_observation_utils.py
   * `get_drivable_area_map`): a proposal that reaches a roadblock beyond it is off the drivable
   * area (true, the original). false = every lane of the map counts (edgeplan addition).
   */
  drivableMapWithinRadius: z.boolean().default(true),
  /** pdm_closed_planner.yaml lateral_offsets, m, left positive (the centreline is always path 0). */
  lateralOffsetsM: z.array(num()).default([-1.0, 1.0]),
  /** pdm_closed_planner.yaml idm_policies.min_gap_to_lead_agent, m. */
  minGapToLeadAgentM: pos().default(1.0),
  /** pdm_closed_planner.yaml idm_policies.headway_time, s. */
  headwayTimeS: num().nonnegative().default(1.5),
  /** pdm_closed_planner.yaml idm_policies.accel_max, m/s². */
  accelMaxMps2: pos().default(1.5),
  /** pdm_closed_planner.yaml idm_policies.decel_max, m/s². */
  decelMaxMps2: pos().default(3.0),
  /** batch_idm_policy.py: acceleration exponent δ, hard-coded 10. */
  accelExponent: pos().default(10),
  /** pdm_closed_planner.yaml proposal_sampling.num_poses (4 s). */
  proposalSteps: count().default(40),
  /** pdm_closed_planner.yaml trajectory_sampling.num_poses (8 s). */
  trajectorySteps: count().default(80),
  /** pdm_closed_planner.yaml trajectory_sampling.interval_length, s. */
  intervalS: pos().default(0.1),
  /** pdm_generator.py leading_agent_update_rate, steps. */
  leadingAgentUpdateRate: count().default(2),
  /** pdm_observation.py observation_sample_res: occupancy every 2 steps (0.2 s). */
  observationSampleRes: count().default(2),
  /** pdm_closed_planner.yaml map_radius; pdm_object_manager.py keeps objects within it, m. */
  mapRadiusM: pos().default(50),
  /** pdm_object_manager.py nearest-k caps per class. */
  maxVehicles: count().default(50),
  maxPedestrians: count().default(25),
  maxBicycles: count().default(10),
  maxStatic: count().default(50),
  /** pdm_scorer.py WEIGHTED_METRICS_WEIGHTS (progress, ttc, comfortable). */
  weightProgress: num().nonnegative().default(5.0),
  weightTtc: num().nonnegative().default(5.0),
  weightComfort: num().nonnegative().default(2.0),
  /** pdm_scorer.py DRIVING_DIRECTION_COMPLIANCE_THRESHOLD / _VIOLATION_THRESHOLD, m. */
  drivingDirectionComplianceM: pos().default(2.0),
  drivingDirectionViolationM: pos().default(6.0),
  /** pdm_scorer.py PROGRESS_DISTANCE_THRESHOLD, m. */
  progressDistanceThresholdM: num().nonnegative().default(0.1),
  /** pdm_scorer.py STOPPED_SPEED_THRESHOLD (ttc), m/s. */
  ttcStoppedSpeedMps: num().nonnegative().default(5e-3),
  /** pdm_scorer_utils.py get_collision_type stopped_speed_threshold, m/s. */
  collisionStoppedSpeedMps: num().nonnegative().default(5e-2),
  /** pdm_scorer.py _calculate_ttc future_time_idcs = np.arange(0, 10, 3), steps. */
  ttcLookaheadSteps: z.array(z.number().int().nonnegative()).default([0, 3, 6, 9]),
  /** nuplan idm/utils.py is_agent_ahead / is_agent_behind angle tolerances, deg. */
  agentAheadDeg: pos().default(30),
  agentBehindDeg: pos().default(150),
  /** pdm_comfort_metrics.py bounds. */
  comfort: z
    .object({
      maxLonAccel: num().default(2.4),
      minLonAccel: num().default(-4.05),
      maxAbsLatAccel: num().default(4.89),
      maxAbsJerk: num().default(8.37),
      maxAbsLonJerk: num().default(4.13),
      maxAbsYawAccel: num().default(1.93),
      maxAbsYawRate: num().default(0.95),
    })
    .default({
      maxLonAccel: 2.4,
      minLonAccel: -4.05,
      maxAbsLatAccel: 4.89,
      maxAbsJerk: 8.37,
      maxAbsLonJerk: 4.13,
      maxAbsYawAccel: 1.93,
      maxAbsYawRate: 0.95,
    }),
  /** pdm_emergency_brake.py defaults (not in the yaml). */
  emergencyBrake: z
    .object({
      timeToInfractionS: num().default(2.0),
      maxEgoSpeedMps: num().default(5.0),
      maxLongAccelMps2: num().default(2.4),
      minLongAccelMps2: num().default(-4.05),
    })
    .default({ timeToInfractionS: 2.0, maxEgoSpeedMps: 5.0, maxLongAccelMps2: 2.4, minLongAccelMps2: -4.05 }),
  /** nuPlan lqr_tracker.yaml tracking_horizon 10 → the tracker sees 11 poses. */
  trackerPoses: z.number().int().min(2).default(11),
});
export type PdmClosedParams = z.infer<typeof PdmClosedParamsSchema>;
export type PdmClosedParamsInput = z.input<typeof PdmClosedParamsSchema>;

/** PDM's observation of the agents (`PdmObservation.update`) as its parameters set it. */
export function pdmObservationOptions(p: PdmClosedParams) {
  return {
    radiusM: p.mapRadiusM,
    maxVehicles: p.maxVehicles,
    maxPedestrians: p.maxPedestrians,
    maxBicycles: p.maxBicycles,
    maxStatic: p.maxStatic,
    sampleDtS: p.intervalS * p.observationSampleRes,
  };
}

/** Margin around the driving corridor for the windowed path projections, m. */
const PROJECT_MARGIN_M = 15;
/**
 * Objects are re-projected near their previous progress (occupancy samples are consecutive);
 * slack of that window beyond the object's travel, m, and the lateral distance beyond which a
 * tracked projection is redone over the whole corridor (it may have latched onto another branch).
 */
const TRACK_SLACK_M = 2;
const TRACK_RECHECK_M = 2;
/** Slack around a route piece when projecting its lane's ends onto the paths, m. */
const RED_WINDOW_M = 20;
/** Spacing of the boundary samples of an off-centreline red lane tested against a path's corridor, m. */
const RED_SAMPLE_M = 0.25;

/**
 * One PDM-Closed instance: the route roadblocks and paths (fixed at the first `plan`, as PDM fixes
 * its centreline at iteration 0), preallocated proposal / simulation buffers and the persistent
 * collided-object set. `plan` mutates these buffers; read the diagnostics fields after it.
 */
export class PdmClosed {
  readonly params: PdmClosedParams;
  /** The centreline (path 0) and its lateral offsets; set at the first `plan` (PDM's iteration 0). */
  paths: PdmPath[] = [];
  /** The route roadblocks PDM plans on (after its correction in 'lane-graph' mode), as block indices. */
  routeBlocks: number[] = [];
  /** The centreline's lanes (map lane indices) and whether the search reached its target roadblock. */
  centrelineLanes: number[] = [];
  centrelineFound = true;
  /** The lane PDM took the ego to be on at the last call (its speed limit sets the IDM targets). */
  currentLane = -1;
  readonly roadblocks: PdmRoadblocks;
  readonly nLon: number;
  readonly nProposals: number;
  /** Proposal states (IDM unroll on the paths): nProposals × (trajectorySteps + 1). */
  readonly propX: Float64Array;
  readonly propY: Float64Array;
  readonly propH: Float64Array;
  readonly propS: Float64Array;
  readonly propV: Float64Array;
  readonly sim: SimulatedProposals;
  readonly scorer: PdmScorer;
  readonly obs = new PdmObservation();
  /** Ids of objects (and `red_light_<lane>`) that touched the ego; ignored for the rest of the run. */
  readonly collided = new Set<string>();
  /** IDM target speeds of the last call, m/s. */
  readonly targetSpeeds: Float64Array;
  /** Diagnostics of the last call. */
  bestIndex = 0;
  emergencyBrake = false;
  iteration = 0;

  private readonly stride: number;
  private readonly leadS: Float64Array;
  private readonly leadV: Float64Array;
  private readonly leadRear: Float64Array;
  private readonly pathS0: Float64Array;
  private readonly pathEnd: Float64Array;
  private readonly span = new Float64Array(2);
  private readonly map: RoadMap;
  private readonly ctxRoute: RoutePath;
  private route: RoutePath;
  private readonly areas: LaneAreaIndex;
  /** Per drivable-area polygon: 1 for the lanes of the route roadblocks (pdm_scorer's route_lane_dict). */
  private readonly onRoute: Uint8Array;
  /** Per map lane: 1 for the lanes of the route roadblocks (`_route_lane_dict`). */
  private readonly routeLanes: Uint8Array;
  /** Per drivable-area polygon: 1 when it is in PDM's drivable-area map this call (map radius). */
  private readonly areaActive: Uint8Array;
  /** The lanes of the route roadblocks in route order. */
  private routeLaneList: number[] = [];
  private readonly laneIndexById = new Map<string, number>();
  /** Per map lane index: start / centroid / end progress of the lane on each path (NaN: not on route). */
  private readonly redStart: Float64Array;
  private readonly redMid: Float64Array;
  private readonly redEnd: Float64Array;
  private readonly junctions: { flat: Float64Array; bounds: number[] }[];
  private readonly tracker = new LqrTracker();
  private readonly simEgo: EgoState = egoAtRest();
  private readonly cmd: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
  private readonly wx: Float64Array;
  private readonly wy: Float64Array;
  private readonly wh: Float64Array;
  private readonly pose: PoseOut = new PoseScratch();
  private readonly frenet = { sM: 0, dM: 0, segment: 0 };
  /** Corridor bounds per path [minX, minY, maxX, maxY]. */
  private readonly corridorBox: Float64Array;
  /** Last progress of each object on each path this call (paths × capacity), NaN = none yet. */
  private trackS = new Float64Array(0);
  private trackCap = 0;
  private objIdx = new Int32Array(64);
  private objS = new Float64Array(64);

  private readonly curve: CurveSpeedParams | undefined;

  constructor(params: PdmClosedParams, ctx: PlannerContext) {
    const p = params;
    this.params = p;
    this.map = ctx.map;
    this.curve =
      p.curveLatAccelMps2 > 0 ? { ...DEFAULT_CURVE_SPEED, latAccelMps2: p.curveLatAccelMps2 } : undefined;
    this.ctxRoute = ctx.route;
    this.route = ctx.route;
    const nPaths = 1 + p.lateralOffsetsM.length;
    this.nLon = p.speedLimitFractions.length;
    this.nProposals = nPaths * this.nLon;
    this.stride = p.trajectorySteps + 1;
    const n = this.nProposals * this.stride;
    this.propX = new Float64Array(n);
    this.propY = new Float64Array(n);
    this.propH = new Float64Array(n);
    this.propS = new Float64Array(n);
    this.propV = new Float64Array(n);
    const simN = this.nProposals * (p.proposalSteps + 1);
    this.sim = {
      count: this.nProposals,
      steps: p.proposalSteps + 1,
      dtS: p.intervalS,
      x: new Float64Array(simN),
      y: new Float64Array(simN),
      heading: new Float64Array(simN),
      speed: new Float64Array(simN),
      accel: new Float64Array(simN),
    };
    this.scorer = new PdmScorer(this.nProposals, p.proposalSteps + 1, p.intervalS, p);
    this.targetSpeeds = new Float64Array(this.nLon);
    this.leadS = new Float64Array(this.nProposals);
    this.leadV = new Float64Array(this.nProposals);
    this.leadRear = new Float64Array(this.nProposals);
    this.pathS0 = new Float64Array(nPaths);
    this.pathEnd = new Float64Array(nPaths);
    this.corridorBox = new Float64Array(4 * nPaths);
    this.wx = new Float64Array(p.trackerPoses);
    this.wy = new Float64Array(p.trackerPoses);
    this.wh = new Float64Array(p.trackerPoses);

    const map = ctx.map;
    // The lanes' own polygons (per-vertex widths where the map has them), as the original's map has.
    this.areas = new LaneAreaIndex(map, { junctionBoxes: p.junctionBoxDrivable, variableWidths: true });
    for (const l of map.lanes) this.laneIndexById.set(l.data.id, l.index);
    this.roadblocks = new PdmRoadblocks(map);
    this.routeLanes = new Uint8Array(map.lanes.length);
    this.onRoute = new Uint8Array(this.areas.polygonCount);
    this.areaActive = new Uint8Array(this.areas.polygonCount);
    if (p.drivableMapWithinRadius) this.areas.active = this.areaActive;
    const nl = map.lanes.length;
    this.redStart = new Float64Array(nl * nPaths);
    this.redMid = new Float64Array(nl * nPaths);
    this.redEnd = new Float64Array(nl * nPaths);
    this.junctions = junctionPolygons(map);
  }

  /**
   * PDM's iteration 0 (pdm_closed_planner.py `compute_planner_trajectory`, abstract_pdm_planner.py):
   * the route roadblocks (corrected from the ego's position in 'lane-graph' mode), their lanes,
   * the centreline and its offsets, and where each route lane lies along each path.
   */
  private startRoute(snap: WorldSnapshot, vehicle: VehicleParams): void {
    const p = this.params;
    const map = this.map;
    const rb = this.roadblocks;
    const ego = snap.ego;
    const given = rb.routeBlocks(this.ctxRoute.laneIds);
    this.routeBlocks = p.centreline === 'lane-graph' ? correctRoute(rb, ego, given) : given;
    this.routeLaneList = rb.routeLanes(this.routeBlocks);
    this.routeLanes.fill(0);
    this.onRoute.fill(0);
    for (const i of this.routeLaneList) {
      this.routeLanes[i] = 1;
      this.onRoute[i] = 1;
    }
    const start =
      p.centreline === 'lane-graph'
        ? startingLane(map, this.routeLaneList, this.routeLanes, ego, vehicle)
        : -1;
    // No route lane at all (a route whose lanes are not on the map's drivable lanes): the original
    // would fail here; the route's own line keeps the planner running.
    if (start >= 0) {
      const found = centrelineLanes(rb, this.routeBlocks, this.routeLanes, start);
      this.centrelineLanes = found.lanes;
      this.centrelineFound = found.found;
      const ids = found.lanes.map((i) => map.lanes[i]!.data.id);
      const given = this.ctxRoute.laneIds;
      const same = ids.length === given.length && ids.every((id, k) => id === given[k]);
      if (same) this.route = this.ctxRoute;
      else {
        // Sampled as the simulator samples the route (1 m, from 10 m behind the ego's projection).
        const first = map.lanes[found.lanes[0]!]!.line;
        this.route = RoutePath.build(map, ids, Math.max(0, first.project(ego.x, ego.y).sM - 10));
      }
    } else {
      this.route = this.ctxRoute;
      this.centrelineLanes = this.ctxRoute.laneIds.map((id) => map.mustLane(id).index);
      this.centrelineFound = true;
    }
    const centre = PdmPath.fromPolyline(this.route.line);
    this.paths = [centre, ...p.lateralOffsetsM.map((d) => centre.offset(d))];
    this.redStart.fill(Number.NaN);
    this.redMid.fill(Number.NaN);
    this.redEnd.fill(Number.NaN);
    // Where each route lane starts / ends along each path (red-light obstacles: PDM measures the
    // ego box's distance to the lane polygon and tests "ahead" on the polygon centroid's
    // projection). Projected from the lane's own geometry, near its route piece.
    const np = this.paths.length;
    for (const piece of this.route.pieces) {
      const lane = this.laneIndexById.get(piece.laneId)!;
      const line = map.lanes[lane]!.line;
      const last = line.xs.length - 1;
      let cx = 0;
      let cy = 0;
      for (let q = 0; q < last; q++) {
        const w = (line.s[q + 1]! - line.s[q]!) / line.length;
        cx += (w * (line.xs[q]! + line.xs[q + 1]!)) / 2;
        cy += (w * (line.ys[q]! + line.ys[q + 1]!)) / 2;
      }
      const lo = piece.fromS - RED_WINDOW_M;
      const hi = piece.toS + RED_WINDOW_M;
      for (let k = 0; k < np; k++) {
        const path = this.paths[k]!;
        const a = path.project(line.xs[0]!, line.ys[0]!, this.frenet, lo, hi);
        const b = path.project(line.xs[last]!, line.ys[last]!, this.frenet, lo, hi);
        const c = path.project(cx, cy, this.frenet, lo, hi);
        const j = lane * np + k;
        this.redStart[j] = Number.isNaN(this.redStart[j]!) ? a : Math.min(a, this.redStart[j]!);
        this.redEnd[j] = Number.isNaN(this.redEnd[j]!) ? b : Math.max(b, this.redEnd[j]!);
        this.redMid[j] = c;
      }
    }
    // Route-roadblock lanes off the centreline (a parallel lane or connector): a red light there is
    // an obstacle for a path whose corridor (± half the ego's width) its polygon reaches.
    const ehw = vehicle.widthM / 2;
    for (const lane of this.routeLaneList) {
      if (!Number.isNaN(this.redStart[lane * np]!)) continue;
      const poly = map.lanes[lane]!.polygon;
      let cx = 0;
      let cy = 0;
      for (const v of poly) {
        cx += v.x / poly.length;
        cy += v.y / poly.length;
      }
      for (let k = 0; k < np; k++) {
        const path = this.paths[k]!;
        let a = Infinity;
        let b = -Infinity;
        for (let q = 0, r = poly.length - 1; q < poly.length; r = q++) {
          const len = Math.hypot(poly[q]!.x - poly[r]!.x, poly[q]!.y - poly[r]!.y);
          const n = Math.max(1, Math.ceil(len / RED_SAMPLE_M));
          for (let u = 0; u < n; u++) {
            const x = poly[r]!.x + ((poly[q]!.x - poly[r]!.x) * u) / n;
            const y = poly[r]!.y + ((poly[q]!.y - poly[r]!.y) * u) / n;
            const sPath = path.project(x, y, this.frenet);
            if (Math.abs(this.frenet.dM) > ehw || sPath <= 0 || sPath >= path.length) continue;
            a = Math.min(a, sPath);
            b = Math.max(b, sPath);
          }
        }
        if (a > b) continue;
        const j = lane * np + k;
        this.redStart[j] = a;
        this.redEnd[j] = b;
        // "Ahead" is decided on the polygon centroid's progress (pdm_generator.py).
        this.redMid[j] = path.project(cx, cy, this.frenet);
      }
    }
  }

  /** Plans one 10 Hz step: returns the rear-axle trajectory (0.1 s spacing, 8 s). */
  plan(snap: WorldSnapshot, vehicle: VehicleParams): Trajectory {
    const p = this.params;
    const ego = snap.ego;
    if (this.iteration === 0) this.startRoute(snap, vehicle);
    // PDM's drivable-area map, re-queried every call: the roadblocks within the map radius.
    if (p.drivableMapWithinRadius) {
      drivableInRadius(
        this.roadblocks,
        ego.x + vehicle.rearAxleToCenterM * Math.cos(ego.headingRad),
        ego.y + vehicle.rearAxleToCenterM * Math.sin(ego.headingRad),
        p.mapRadiusM,
        this.areaActive,
      );
    }
    this.obs.update(
      snap,
      vehicle,
      pdmObservationOptions(p),
      this.collided,
      this.routeLanes,
      this.laneIndexById,
      this.areas,
    );
    if (this.objIdx.length < this.obs.count + this.obs.redLaneCount) {
      const cap = 2 * (this.obs.count + this.obs.redLaneCount);
      this.objIdx = new Int32Array(cap);
      this.objS = new Float64Array(cap);
    }
    if (this.trackCap < this.obs.count) {
      this.trackCap = 2 * this.obs.count;
      this.trackS = new Float64Array(this.trackCap * this.paths.length);
    }
    this.trackS.fill(Number.NaN);

    // IDM target speeds from the speed limit of the lane the ego is on (abstract_pdm_closed_planner.py
    // `_update_proposal_manager`: `_get_starting_lane` every call; batch_idm_policy.py::update),
    // the policies' fallback velocity when that lane posts none (nuPlan's None).
    const sEgo = this.paths[0]!.project(ego.x, ego.y, this.frenet);
    this.currentLane = startingLane(this.map, this.routeLaneList, this.routeLanes, ego, vehicle);
    const limitLane =
      this.currentLane >= 0
        ? this.map.lanes[this.currentLane]!.data
        : this.map.mustLane(this.route.pieceAt(sEgo).laneId).data;
    let limit =
      limitLane.speedLimitPosted === false && p.fallbackTargetVelocityMps !== null
        ? p.fallbackTargetVelocityMps
        : limitLane.speedLimitMps;
    // edgeplan addition (not in tuplan_garage): cap by the curve speed ahead, so the proposals
    // do not carry the speed limit into a tight corner. curveLatAccelMps2 = 0 is the original.
    if (this.curve) limit = Math.min(limit, this.route.speedCapAt(this.map, sEgo, this.curve));
    let maxTarget = 0;
    for (let i = 0; i < this.nLon; i++) {
      this.targetSpeeds[i] = p.speedLimitFractions[i]! * limit;
      maxTarget = Math.max(maxTarget, this.targetSpeeds[i]!);
    }

    // Proposals (pdm_generator.py::generate_proposals)
    const horizonM = maxTarget * p.trajectorySteps * p.intervalS;
    for (let k = 0; k < this.paths.length; k++) {
      const path = this.paths[k]!;
      const s0 = path.project(ego.x, ego.y, this.frenet);
      // The driving corridor (pdm_path.py `substring`): the path's vertices with progress inside
      // [s0, s0 + horizon], so it starts and ends on vertices, not at s0 and s0 + horizon.
      path.vertexSpan(s0, s0 + horizonM, this.span);
      this.pathS0[k] = this.span[0]!;
      this.pathEnd[k] = this.span[1]!;
      path.bounds(s0, s0 + horizonM, this.corridorBox, 4 * k);
      path.interpolate(s0, this.pose);
      for (let i = k * this.nLon; i < (k + 1) * this.nLon; i++) {
        const o = i * this.stride;
        this.propS[o] = s0;
        this.propV[o] = ego.speedMps;
        this.propX[o] = this.pose.x;
        this.propY[o] = this.pose.y;
        this.propH[o] = this.pose.headingRad;
      }
      for (let t = 1; t <= p.proposalSteps; t++)
        this.advance(k, k * this.nLon, (k + 1) * this.nLon, t, vehicle);
    }

    this.simulate(ego, vehicle);

    const fromS = sEgo - 20;
    const toS = sEgo + Math.max(maxTarget, ego.speedMps) * p.proposalSteps * p.intervalS + 30;
    const best = this.scorer.scoreAll(this.sim, {
      obs: this.obs,
      areas: this.areas,
      onRoute: this.onRoute,
      junctions: this.junctions,
      centerline: this.paths[0]!,
      fromS,
      toS,
      vehicle,
    });
    this.bestIndex = best;
    this.iteration++;

    // Emergency brake (pdm_emergency_brake.py, infraction "collision")
    const eb = p.emergencyBrake;
    const tCollision = this.scorer.collisionStep[best]! * p.intervalS;
    this.emergencyBrake = tCollision <= eb.timeToInfractionS && ego.speedMps <= eb.maxEgoSpeedMps;
    if (this.emergencyBrake) return this.brakeTrajectory(snap);

    // Continue the winner to the full horizon (pdm_generator.py::generate_trajectory).
    const k = Math.floor(best / this.nLon);
    for (let t = p.proposalSteps + 1; t <= p.trajectorySteps; t++)
      this.advance(k, best, best + 1, t, vehicle);
    const points: TrajectoryPoint[] = [];
    const o = best * this.stride;
    for (let t = 0; t <= p.trajectorySteps; t++) {
      points.push({
        tS: snap.tS + t * p.intervalS,
        x: this.propX[o + t]!,
        y: this.propY[o + t]!,
        headingRad: this.propH[o + t]!,
        speedMps: this.propV[o + t]!,
      });
    }
    return { points };
  }

  /** One unroll step t of proposals [i0, i1) on path k: lead refresh, IDM, pose on the path. */
  private advance(k: number, i0: number, i1: number, t: number, vehicle: VehicleParams): void {
    const p = this.params;
    if (t % p.leadingAgentUpdateRate === 0) this.refreshLeads(k, i0, i1, t, vehicle);
    else if (t === 1) {
      if (p.refreshLeadAtFirstStep) this.refreshLeads(k, i0, i1, t, vehicle);
      else {
        // The zero-initialised row 0 (pdm_generator.py `_reset`), copied forward at step 1.
        for (let i = i0; i < i1; i++) {
          this.leadS[i] = 0;
          this.leadV[i] = 0;
          this.leadRear[i] = 0;
        }
      }
    }
    const path = this.paths[k]!;
    const dt = p.intervalS;
    const g0 = p.minGapToLeadAgentM;
    const sqrtAB = 2 * Math.sqrt(p.accelMaxMps2 * p.decelMaxMps2);
    for (let i = i0; i < i1; i++) {
      const o = i * this.stride + t;
      const s = this.propS[o - 1]!;
      const v = this.propV[o - 1]!;
      const vTarget = this.targetSpeeds[i % this.nLon]!;
      // batch_idm_policy.py::propagate (explicit Euler, no v ≥ 0 clamp)
      const gap = Math.max(this.leadS[i]! - s - this.leadRear[i]!, g0);
      const sStar = g0 + v * p.headwayTimeS + (v * (v - this.leadV[i]!)) / sqrtAB;
      let a = p.accelMaxMps2 * (1 - (v / vTarget) ** p.accelExponent - (sStar / gap) ** 2);
      a = Math.min(p.accelMaxMps2, Math.max(-p.decelMaxMps2, a));
      this.propS[o] = s + dt * v;
      this.propV[o] = v + dt * a;
      path.interpolate(this.propS[o]!, this.pose);
      this.propX[o] = this.pose.x;
      this.propY[o] = this.pose.y;
      this.propH[o] = this.pose.headingRad;
    }
  }

  /** pdm_generator.py::_update_leading_agents for proposals [i0, i1) of path k at step t. */
  private refreshLeads(k: number, i0: number, i1: number, t: number, vehicle: VehicleParams): void {
    const p = this.params;
    const obs = this.obs;
    const path = this.paths[k]!;
    const m = Math.floor(t / p.observationSampleRes);
    const dtMap = p.intervalS * p.observationSampleRes;
    const s0 = this.pathS0[k]!;
    const sEnd = this.pathEnd[k]!;
    const ehw = vehicle.widthM / 2;
    const ehl = vehicle.lengthM / 2;
    const r2c = vehicle.rearAxleToCenterM;
    // Objects intersecting the driving corridor (path s0 → s0 + 8 s · max target, ± width / 2,
    // square caps), tested in the path frame around each object's projection.
    let n = 0;
    const box = this.corridorBox;
    const b = 4 * k;
    for (let j = 0; j < obs.count; j++) {
      const ox = obs.xAt(j, m, dtMap);
      const oy = obs.yAt(j, m, dtMap);
      const r = obs.radius[j]!;
      const reach = r + ehw;
      if (
        ox + reach < box[b]! ||
        oy + reach < box[b + 1]! ||
        ox - reach > box[b + 2]! ||
        oy - reach > box[b + 3]!
      ) {
        continue;
      }
      const key = k * this.trackCap + j;
      const prev = this.trackS[key]!;
      let s: number;
      if (Number.isNaN(prev)) {
        s = path.project(ox, oy, this.frenet, s0 - PROJECT_MARGIN_M, sEnd + PROJECT_MARGIN_M);
      } else {
        const travel = obs.speed[j]! * dtMap + TRACK_SLACK_M;
        s = path.project(ox, oy, this.frenet, prev - travel, prev + travel);
        if (Math.abs(this.frenet.dM) > reach + TRACK_RECHECK_M) {
          s = path.project(ox, oy, this.frenet, s0 - PROJECT_MARGIN_M, sEnd + PROJECT_MARGIN_M);
        }
      }
      this.trackS[key] = s;
      const d = this.frenet.dM;
      if (Math.abs(d) - r > ehw || s + r < s0 - ehw || s - r > sEnd + ehw) continue;
      const rel = obs.heading[j]! - path.interpolate(s, this.pose).headingRad;
      const cr = Math.abs(Math.cos(rel));
      const sr = Math.abs(Math.sin(rel));
      const lat = obs.halfL[j]! * sr + obs.halfW[j]! * cr;
      const lon = obs.halfL[j]! * cr + obs.halfW[j]! * sr;
      if (Math.abs(d) - lat > ehw || s + lon < s0 - ehw || s - lon > sEnd + ehw) continue;
      this.objIdx[n] = j;
      this.objS[n] = s;
      n++;
    }
    const np = this.paths.length;
    for (let r = 0; r < obs.redLaneCount; r++) {
      const lane = obs.redLanes[r]!;
      const a = this.redStart[lane * np + k]!;
      const b = this.redEnd[lane * np + k]!;
      if (Number.isNaN(a) || b < s0 - ehw || a > sEnd + ehw) continue;
      this.objIdx[n] = -1 - lane;
      this.objS[n] = this.redMid[lane * np + k]!;
      n++;
    }
    const front = r2c + ehl;
    const shared = p.sharedLeadBuffer;
    // The shared row (pdm_generator.py): velocity and rear length survive from proposal to proposal.
    let bufV = 0;
    let bufRear = 0;
    for (let i = i0; i < i1; i++) {
      const o = i * this.stride + t - 1;
      const egoS = this.propS[o]!;
      const h = this.propH[o]!;
      const c = Math.cos(h);
      const sn = Math.sin(h);
      const ecx = this.propX[o]! + r2c * c;
      const ecy = this.propY[o]! + r2c * sn;
      let best = Infinity;
      let bestJ = 0;
      for (let q = 0; q < n; q++) {
        if (this.objS[q]! <= egoS) continue;
        const j = this.objIdx[q]!;
        let dist: number;
        if (j >= 0) {
          dist = obbDistance(
            ecx,
            ecy,
            c,
            sn,
            ehl,
            ehw,
            obs.xAt(j, m, dtMap),
            obs.yAt(j, m, dtMap),
            obs.cos[j]!,
            obs.sin[j]!,
            obs.halfL[j]!,
            obs.halfW[j]!,
          );
        } else {
          dist = Math.max(0, this.redStart[(-1 - j) * np + k]! - egoS - front);
        }
        if (dist < best) {
          best = dist;
          bestJ = j;
        }
      }
      if (best < Infinity) {
        this.leadS[i] = egoS + best;
        const vLead = bestJ >= 0 ? obs.speed[bestJ]! * Math.cos(obs.heading[bestJ]! - h) : 0;
        if (shared) {
          if (bestJ >= 0) bufV = vLead; // red lights leave the row's velocity as it was
          this.leadV[i] = bufV;
          this.leadRear[i] = bufRear;
        } else {
          this.leadV[i] = vLead;
          this.leadRear[i] = 0;
        }
      } else {
        this.leadS[i] = path.length;
        if (shared) {
          bufRear = ehl;
          this.leadV[i] = bufV;
          this.leadRear[i] = bufRear;
        } else {
          this.leadV[i] = 0;
          this.leadRear[i] = ehl;
        }
      }
    }
  }

  /** Tracks every proposal from the true ego state (LQR + kinematic bicycle), 0.1 s steps. */
  private simulate(ego: EgoState, vehicle: VehicleParams): void {
    const p = this.params;
    const sim = this.sim;
    const T = sim.steps;
    const e = this.simEgo;
    for (let i = 0; i < this.nProposals; i++) {
      e.tS = ego.tS;
      e.x = ego.x;
      e.y = ego.y;
      e.headingRad = ego.headingRad;
      e.speedMps = ego.speedMps;
      e.accelMps2 = ego.accelMps2;
      e.steerRad = ego.steerRad;
      e.yawRateRadps = ego.yawRateRadps;
      const base = i * T;
      const po = i * this.stride;
      this.record(base, e);
      if (p.proposalTracking === 'batch') {
        // pdm_simulator.py: profiles fitted once over the proposal's T poses, tracked step by step.
        this.tracker.fitProfiles(
          this.propX.subarray(po, po + T),
          this.propY.subarray(po, po + T),
          this.propH.subarray(po, po + T),
          T,
          'pdm-batch',
        );
        for (let t = 0; t < T - 1; t++) {
          const o = po + t;
          this.tracker.commandAt(e, t, this.propX, this.propY, this.propH, o, vehicle, this.cmd);
          stepBatchBicycle(e, this.cmd, vehicle, p.intervalS, e);
          this.record(base + t + 1, e);
        }
        continue;
      }
      for (let t = 0; t < T - 1; t++) {
        const nPoses = Math.min(p.trackerPoses, T - t);
        for (let w = 0; w < nPoses; w++) {
          this.wx[w] = this.propX[po + t + w]!;
          this.wy[w] = this.propY[po + t + w]!;
          this.wh[w] = this.propH[po + t + w]!;
        }
        this.tracker.command(e, this.wx, this.wy, this.wh, nPoses, vehicle, this.cmd);
        stepBicycle(e, this.cmd, vehicle, p.intervalS, e);
        this.record(base + t + 1, e);
      }
    }
  }

  private record(k: number, e: EgoState): void {
    const sim = this.sim;
    sim.x[k] = e.x;
    sim.y[k] = e.y;
    sim.heading[k] = e.headingRad;
    sim.speed[k] = e.speedMps;
    sim.accel[k] = e.accelMps2;
  }

  /**
   * pdm_emergency_brake.py: poses along the ego heading at a constant "correcting" speed
   * c = 1.1·(v + clip(−10·v)) above 0.2 m/s, else clip(−4·v − a). c is often negative (poses
   * behind the ego), which makes the tracker brake hard; replicated literally.
   */
  private brakeTrajectory(snap: WorldSnapshot): Trajectory {
    const p = this.params;
    const eb = p.emergencyBrake;
    const ego = snap.ego;
    const v = ego.speedMps;
    const a = ego.accelMps2;
    const clip = (x: number): number => Math.min(eb.maxLongAccelMps2, Math.max(eb.minLongAccelMps2, x));
    const c = v > 0.2 ? 1.1 * (v + clip(-10 * v)) : clip(4 * -v + 1 * -a);
    const ch = Math.cos(ego.headingRad);
    const sh = Math.sin(ego.headingRad);
    const points: TrajectoryPoint[] = [];
    for (let t = 0; t <= p.trajectorySteps; t++) {
      const d = c * t * p.intervalS;
      points.push({
        tS: snap.tS + t * p.intervalS,
        x: ego.x + d * ch,
        y: ego.y + d * sh,
        headingRad: ego.headingRad,
        speedMps: c,
      });
    }
    return { points };
  }
}

/**
 * edgeplan's improvements over the published PDM-Closed, as one parameter set: curve-speed cap
 * (2 m/s² lateral), the importer's road-class speed on lanes without a posted limit (rather than
 * the 15 m/s fallback), the lead refreshed at the first IDM step, one leading-agent row per proposal,
 * proposals tracked like the closed loop tracks the plan (11-pose LQR window, clipped bicycle),
 * and the junction box drivable. `pdm-closed-plus` in the registry.
 */
export const PDM_CLOSED_PLUS: PdmClosedParamsInput = {
  curveLatAccelMps2: 2.0,
  fallbackTargetVelocityMps: null,
  refreshLeadAtFirstStep: true,
  sharedLeadBuffer: false,
  proposalTracking: 'window',
  junctionBoxDrivable: true,
  centreline: 'route-line',
  drivableMapWithinRadius: false,
};

/**
 * The PDM-Closed planner. The state is one `PdmClosed` per scenario (created in `init`), mutated
 * in place by `step` (its buffers are the point: no allocation per tick besides the output).
 * Defaults reproduce tuplan_garage's PDM-Closed; `name` labels other parameter sets.
 */
export function pdmClosedPlanner(params: PdmClosedParamsInput = {}, name = 'pdm-closed'): Planner<PdmClosed> {
  const p = PdmClosedParamsSchema.parse(params);
  return {
    name,
    init: (ctx: PlannerContext): PdmClosed => new PdmClosed(p, ctx),
    step: (state: PdmClosed, snapshot: WorldSnapshot, ctx: PlannerContext) => ({
      state,
      output: { trajectory: state.plan(snapshot, ctx.vehicle) },
    }),
  };
}
