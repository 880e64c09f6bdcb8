/**
 * The other traffic participants of a scenario, in nuPlan's two modes:
 * - non-reactive: every agent replays its track (IDM-behaviour agents replay the track they would
 *   have driven with the ego absent, computed once up front);
 * - reactive, with one of two agent models:
 *   - `idm` (nuPlan's IDM agents): vehicles and cyclists drive IDM along their path (their lanes,
 *     or the path of their logged track) and stop for a body in their corridor and for red
 *     lights; scripted tracks, pedestrians and static objects replay;
 *   - `interactive`: the IDM agents also yield to bodies forecast to enter their path (cut-ins,
 *     merges, crossings: `PathConflict.ts`), keep out of a blocked junction (`JunctionBox.ts`)
 *     and may brake up to an emergency limit; scripted vehicles keep their script but react
 *     (`ScriptedVehicle.ts`); pedestrians wait at the kerb for a gap (`PedestrianCrossing.ts`).
 *
 * Deterministic: the update order is the scenario's agent order and nothing reads a clock.
 */
import {
  type AgentState,
  agentBox,
  type EgoState,
  egoBox,
  type FrenetPoint,
  type OrientedBox,
  Polyline,
  type Scenario,
  type ScenarioAgent,
  type TrackPoint,
  type TrafficLightState,
  type VehicleParams,
} from '../../core/index.ts';
import type { RoadMap } from '../../core/map/RoadMap.ts';
import { ROUTE_STEP_M, RoutePath } from '../../core/map/RoutePath.ts';
import { isActiveEmergency, signalStopAhead, stopLineLight, worstLight } from '../../core/map/signalStop.ts';
import {
  findLead,
  type IdmCoefficients,
  idmAccel,
  type LeadInfo,
  type Obstacle,
} from '../../core/vehicle/idm.ts';
import type { AgentMode, AgentModel } from '../SimLog.ts';
import { BodyForecast } from './BodyForecast.ts';
import { DEFAULT_INTERACTIVE_PARAMS, type InteractiveAgentParams } from './InteractiveParams.ts';
import { junctionBoxStopS } from './JunctionBox.ts';
import { type ConflictResult, type ConflictSelf, conflictScratch, yieldToConflicts } from './PathConflict.ts';
import { stepWalker, type WalkerState, type WalkScript, walkScript } from './PedestrianCrossing.ts';
import {
  laneChangeOpen,
  type ScriptedInput,
  type ScriptedState,
  scriptedOffset,
  scriptedStart,
  stepScripted,
  type VehicleScript,
  vehicleScript,
} from './ScriptedVehicle.ts';
import type { StoryboardAgent, StoryboardAgentSource } from './StoryboardAgents.ts';

export type { AgentModel };
export const AGENT_MODELS: readonly AgentModel[] = ['idm', 'interactive'];
/** The reactive agent model when none is asked for (see sim/README.md for why). */
export const DEFAULT_AGENT_MODEL: AgentModel = 'interactive';

export interface FleetOptions {
  /** Reactive agent model (default `DEFAULT_AGENT_MODEL`; ignored in non-reactive mode). */
  agents?: AgentModel;
  /** Parameters of the interactive model. */
  params?: InteractiveAgentParams;
  /**
   * Builds a route's path (default `RoutePath.build` on the fleet's map). A caller that makes many
   * fleets from one scene (the planner's reactive forecast: one per candidate trajectory) hands in
   * a memo of it; a `RoutePath` is immutable once built, so sharing one changes nothing.
   */
  routePath?: (laneIds: ReadonlyArray<string>, startLaneS: number) => RoutePath;
  /**
   * A live storyboard (`StoryboardAgents.ts`): the agents it drives take their state from it each
   * tick instead of their replay track, in both modes.
   */
  storyboard?: StoryboardAgentSource;
}

/** Look-ahead for lead vehicles of IDM agents, m (nuPlan IDM agents: radius 100 m; the path suffices). */
const LOOKAHEAD_M = 80;
/** A light that turns red closer than this to the agent's front is run (it cannot stop), m. */
const COMMITTED_M = 2;
/** The ego is forecast along its route while its centre is within this of the route's path, m. */
const EGO_ON_ROUTE_M = 1.2;

interface Runtime {
  spec: ScenarioAgent;
  kind: 'replay' | 'static' | 'idm' | 'scripted' | 'walker' | 'storyboard';
  track?: TrackPoint[];
  path?: Polyline;
  route?: RoutePath;
  sM: number;
  speedMps: number;
  targetMps: number;
  departAtS: number;
  idm: IdmCoefficients;
  state: AgentState;
  present: boolean;
  /** Speed one step ago (acceleration estimate for the interactive model), m/s. */
  prevSpeedMps: number;
  script?: VehicleScript;
  scripted?: ScriptedState;
  walk?: WalkScript;
  walker?: WalkerState;
}

/** Interpolates a track at time t (pose and speed); returns false outside its time span. */
export function sampleTrack(track: ReadonlyArray<TrackPoint>, tS: number, out: AgentState): boolean {
  const n = track.length;
  if (n === 1) {
    const p = track[0]!;
    out.x = p.x;
    out.y = p.y;
    out.headingRad = p.headingRad;
    out.speedMps = p.speedMps;
    return true;
  }
  if (tS < track[0]!.tS - 1e-9 || tS > track[n - 1]!.tS + 1e-9) return false;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (track[mid]!.tS <= tS) lo = mid;
    else hi = mid;
  }
  const a = track[lo]!;
  const b = track[hi]!;
  const u = b.tS > a.tS ? Math.min(1, Math.max(0, (tS - a.tS) / (b.tS - a.tS))) : 0;
  out.x = a.x + u * (b.x - a.x);
  out.y = a.y + u * (b.y - a.y);
  const dh = Math.atan2(Math.sin(b.headingRad - a.headingRad), Math.cos(b.headingRad - a.headingRad));
  out.headingRad = a.headingRad + u * dh;
  out.speedMps = a.speedMps + u * (b.speedMps - a.speedMps);
  return true;
}

function trackPath(track: ReadonlyArray<TrackPoint>): Polyline | undefined {
  const pts = track.map((p) => ({ x: p.x, y: p.y }));
  let len = 0;
  for (let i = 1; i < pts.length; i++)
    len += Math.hypot(pts[i]!.x - pts[i - 1]!.x, pts[i]!.y - pts[i - 1]!.y);
  if (len < 1) return undefined;
  // Extend the path 50 m beyond the last point so a reactive agent can keep going.
  const last = track[track.length - 1]!;
  pts.push({ x: last.x + 50 * Math.cos(last.headingRad), y: last.y + 50 * Math.sin(last.headingRad) });
  return new Polyline(pts);
}

export class AgentFleet {
  private readonly rt: Runtime[] = [];
  private readonly obstacles: Obstacle[] = [];
  private readonly egoObstacle: Obstacle = {
    box: { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 },
    speedMps: 0,
  };
  private readonly lead: LeadInfo = { sM: Infinity, speedMps: 0, index: -1 };
  private readonly scratch: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
  private readonly corridor: OrientedBox = { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 };
  private readonly pose = { x: 0, y: 0, headingRad: 0 };
  private readonly leadPose = { x: 0, y: 0, headingRad: 0 };
  private readonly leadBounds = { x0: 0, x1: 0, y0: 0, y1: 0 };
  /** The reactive agent model in use (`idm` in non-reactive mode, where it does not matter). */
  readonly agents: AgentModel;
  private readonly params: InteractiveAgentParams;
  private readonly forecast?: BodyForecast;
  private readonly storyboard?: StoryboardAgentSource;
  private readonly egoRoute?: RoutePath;
  private egoRouteS = 0;
  private readonly conflict: ConflictResult = { accelMps2: Infinity, body: -1, kind: 'none', gapM: Infinity };
  private readonly conflictSelf: ConflictSelf = {
    body: 0,
    path: undefined as unknown as Polyline,
    frontS: 0,
    speedMps: 0,
    targetMps: 0,
    lengthM: 0,
    halfWidthM: 0,
    lookM: LOOKAHEAD_M,
    idm: { minGapM: 1, headwayS: 1.5, accelMaxMps2: 1, decelMaxMps2: 2, exponent: 4 },
  };
  private readonly cscratch = conflictScratch();
  private readonly follower = { gapM: Infinity, speedMps: 0 };
  /** Boxes of the static objects (they hide vehicles from pedestrians). */
  private readonly occluders: OrientedBox[] = [];
  private readonly scriptedInput: ScriptedInput = {
    interactionAccelMps2: Infinity,
    escapeToSpeedMps: -1,
    gapGone: false,
  };

  constructor(
    readonly scenario: Scenario,
    private readonly map: RoadMap,
    readonly mode: AgentMode,
    opts: FleetOptions = {},
  ) {
    this.agents = mode === 'reactive' ? (opts.agents ?? DEFAULT_AGENT_MODEL) : 'idm';
    this.params = opts.params ?? DEFAULT_INTERACTIVE_PARAMS;
    const routePath = opts.routePath ?? ((ids, s) => RoutePath.build(map, ids, s));
    const interactive = this.agents === 'interactive';
    const idmSpecs = scenario.agents.filter((a) => a.behavior.type === 'idm');
    // Non-reactive IDM agents replay what they would do without the ego: simulate that once.
    const precomputed =
      mode === 'nonreactive' && idmSpecs.length > 0 ? AgentFleet.rollOutWithoutEgo(scenario, map) : undefined;
    for (const spec of scenario.agents) {
      const state: AgentState = {
        id: spec.id,
        kind: spec.kind,
        x: spec.start.x,
        y: spec.start.y,
        headingRad: spec.start.headingRad,
        speedMps: spec.start.speedMps,
        lengthM: spec.lengthM,
        widthM: spec.widthM,
        ...spec.attributes,
      };
      const b = spec.behavior;
      const c = b.type === 'idm' ? b.params : { minGapM: 1, headwayS: 1.5, accelMaxMps2: 1, decelMaxMps2: 2 };
      const base: Runtime = {
        spec,
        kind: 'static',
        sM: 0,
        speedMps: spec.start.speedMps,
        targetMps: 10,
        departAtS: 0,
        idm: { ...c, exponent: 4 },
        state,
        present: true,
        prevSpeedMps: spec.start.speedMps,
      };
      const canReact =
        mode === 'reactive' && (spec.kind === 'vehicle' || spec.kind === 'cyclist' || spec.kind === 'robot');
      if (opts.storyboard?.agentIds.has(spec.id)) {
        this.rt.push({ ...base, kind: 'storyboard' });
      } else if (b.type === 'static') {
        this.rt.push(base);
      } else if (b.type === 'replay' && interactive && canReact && spec.reactive === 'replay') {
        const script = vehicleScript(b.track, map);
        if (script) {
          const scripted = scriptedStart(script);
          this.rt.push({
            ...base,
            kind: 'scripted',
            script,
            scripted,
            speedMps: scripted.speedMps,
            idm: {
              ...base.idm,
              accelMaxMps2: Math.max(script.maxAccelMps2, this.params.scriptedRecoveryAccelMps2),
            },
          });
        } else this.rt.push({ ...base, kind: 'replay', track: b.track });
      } else if (b.type === 'replay' && interactive && mode === 'reactive' && spec.kind === 'pedestrian') {
        const walk = walkScript(b.track, map);
        if (walk)
          this.rt.push({ ...base, kind: 'walker', walk, walker: { sM: 0, speedMps: 0, waiting: false } });
        else this.rt.push({ ...base, kind: 'replay', track: b.track });
      } else if (b.type === 'replay') {
        const path = canReact && spec.reactive === 'idm' ? trackPath(b.track) : undefined;
        if (path) {
          const maxV = Math.max(...b.track.map((p) => p.speedMps));
          this.rt.push({
            ...base,
            kind: 'idm',
            path,
            targetMps: Math.max(maxV, 1),
            speedMps: b.track[0]!.speedMps,
          });
        } else {
          this.rt.push({ ...base, kind: 'replay', track: b.track });
        }
      } else if (precomputed) {
        this.rt.push({ ...base, kind: 'replay', track: precomputed.get(spec.id)! });
      } else {
        const route = routePath(b.laneIds, b.startSM);
        const target = b.params.targetSpeedMps ?? map.mustLane(b.laneIds[0]!).data.speedLimitMps;
        this.rt.push({
          ...base,
          kind: 'idm',
          path: route.line,
          route,
          targetMps: target,
          departAtS: b.departAtS,
        });
      }
    }
    for (const r of this.rt) this.obstacles.push({ box: agentBox(r.state), speedMps: r.state.speedMps });
    for (const [i, r] of this.rt.entries())
      if (r.kind === 'static') this.occluders.push(this.obstacles[i]!.box);
    this.obstacles.push(this.egoObstacle);
    if (interactive) {
      // Bodies: the agents, then the ego twice (along its route, and straight on along its heading).
      this.forecast = new BodyForecast(this.rt.length + 2, this.params.horizonS, this.params.sampleDtS);
      const first = map.lane(scenario.route.laneIds[0]!);
      if (first) {
        const startS = Math.max(0, first.line.project(scenario.egoStart.x, scenario.egoStart.y).sM - 10);
        this.egoRoute = routePath(scenario.route.laneIds, startS);
        this.egoRouteS = this.egoRoute.line.project(scenario.egoStart.x, scenario.egoStart.y).sM;
      }
    }
    this.storyboard = opts.storyboard;
    if (this.storyboard) this.fromStoryboard(this.storyboard.start(scenario.egoStart));
    this.place(0);
  }

  /** Takes the storyboard agents' states (the others are left as they are). */
  private fromStoryboard(states: ReadonlyMap<string, StoryboardAgent>): void {
    for (const r of this.rt) {
      if (r.kind !== 'storyboard') continue;
      const a = states.get(r.spec.id);
      r.prevSpeedMps = r.state.speedMps;
      r.present = !!a?.present;
      if (!a) continue;
      r.state.kind = a.kind;
      r.state.x = a.x;
      r.state.y = a.y;
      r.state.headingRad = a.headingRad;
      r.state.speedMps = a.speedMps;
    }
  }

  /** Whether agent `id` is storyboard-driven and of a kind other than `static` (a moving body, not an object). */
  drivenByStoryboard(id: string): boolean {
    return this.rt.some((r) => r.kind === 'storyboard' && r.spec.id === id && r.state.kind !== 'static');
  }

  /** Tracks of all IDM-behaviour agents driving among themselves with no ego, reactive mode. */
  private static rollOutWithoutEgo(scenario: Scenario, map: RoadMap): Map<string, TrackPoint[]> {
    const fleet = new AgentFleet(
      {
        ...scenario,
        agents: scenario.agents.map((a) =>
          a.behavior.type === 'idm' ? a : { ...a, reactive: 'replay' as const },
        ),
      },
      map,
      'reactive',
      // nuPlan's non-reactive mode: what the IDM agents would do with no ego, whatever the model.
      { agents: 'idm' },
    );
    const tracks = new Map<string, TrackPoint[]>();
    const steps = Math.round(scenario.durationS / scenario.dtS);
    const lights = (t: number) => lightsAt(scenario, t);
    for (let k = 0; k <= steps; k++) {
      const t = k * scenario.dtS;
      for (const a of fleet.current()) {
        if (scenario.agents.find((s) => s.id === a.id)?.behavior.type !== 'idm') continue;
        const list = tracks.get(a.id) ?? [];
        list.push({
          tS: Math.round(t * 1e6) / 1e6,
          x: a.x,
          y: a.y,
          headingRad: a.headingRad,
          speedMps: a.speedMps,
        });
        tracks.set(a.id, list);
      }
      fleet.step(t, scenario.dtS, undefined, undefined, lights(t));
    }
    return tracks;
  }

  /** Positions every agent for time t (replay agents) — IDM agents keep their integrated state. */
  private place(tS: number): void {
    for (const r of this.rt) {
      if (r.kind === 'replay') r.present = sampleTrack(r.track!, tS, r.state);
      else if (r.kind === 'idm') {
        r.path!.poseAt(r.sM, this.pose);
        r.state.x = this.pose.x;
        r.state.y = this.pose.y;
        r.state.headingRad = r.path!.headingAt(r.sM);
        r.state.speedMps = r.speedMps;
      } else if (r.kind === 'scripted') this.placeScripted(r, tS);
      else if (r.kind === 'walker') {
        r.walk!.path.poseAt(r.walker!.sM, this.pose);
        r.state.x = this.pose.x;
        r.state.y = this.pose.y;
        r.state.headingRad = this.pose.headingRad;
        r.state.speedMps = r.walker!.speedMps;
      }
    }
  }

  private placeScripted(r: Runtime, tS: number): void {
    const script = r.script!;
    const st = r.scripted!;
    const d = scriptedOffset(script, st.lateralS);
    script.line.toCartesian(st.sM, d, this.pose);
    r.state.x = this.pose.x;
    r.state.y = this.pose.y;
    const dNext = scriptedOffset(script, st.lateralS + 0.1);
    r.state.headingRad = this.pose.headingRad + Math.atan2(dNext - d, Math.max(st.speedMps * 0.1, 1e-3));
    r.state.speedMps = st.speedMps;
    r.present = tS >= script.tS[0]! - 1e-9 && tS <= script.tS[script.tS.length - 1]! + 1e-9;
  }

  /** The agents present now (fresh objects: safe to keep in a log). */
  current(): AgentState[] {
    const out: AgentState[] = [];
    for (const r of this.rt) if (r.present) out.push({ ...r.state });
    return out;
  }

  /**
   * Advances all agents from t to t + dt. Reactive agents see the ego (if given) and each other as
   * they were at t, and stop for red/yellow lights on their lanes.
   */
  step(
    tS: number,
    dtS: number,
    ego: EgoState | undefined,
    vehicle: VehicleParams | undefined,
    lights: ReadonlyArray<TrafficLightState>,
    /** The ego at t + dt, for a live storyboard (its frames read the ego between t and t + dt). */
    egoNext?: EgoState,
  ): void {
    const n = this.rt.length;
    for (let i = 0; i < n; i++) {
      const r = this.rt[i]!;
      agentBox(r.state, this.obstacles[i]!.box);
      this.obstacles[i]!.speedMps = r.present ? r.state.speedMps : 0;
      if (!r.present) this.obstacles[i]!.box.cx = 1e9;
    }
    if (ego && vehicle) {
      egoBox(ego, vehicle, this.egoObstacle.box);
      this.egoObstacle.speedMps = ego.speedMps;
    } else {
      this.egoObstacle.box.cx = 1e9;
    }
    const fc = this.forecast;
    if (fc) this.fillForecast(fc, ego, vehicle);
    for (let i = 0; i < n; i++) {
      const r = this.rt[i]!;
      if (r.kind === 'scripted') {
        this.stepScriptedAgent(i, r, tS, dtS);
        continue;
      }
      if (r.kind === 'walker') {
        r.prevSpeedMps = r.walker!.speedMps;
        stepWalker(r.walker!, r.walk!, tS, dtS, fc!, i, this.params, this.pose, this.occluders);
        continue;
      }
      if (r.kind !== 'idm') continue;
      if (tS < r.departAtS) continue;
      const front = r.sM + r.spec.lengthM / 2;
      // Hide self from the obstacle list while searching.
      const saved = this.obstacles[i]!.box.cx;
      this.obstacles[i]!.box.cx = 1e9;
      findLead(
        r.path!,
        front,
        LOOKAHEAD_M,
        r.spec.widthM / 2,
        this.obstacles,
        this.lead,
        this.scratch,
        this.corridor,
        this.leadPose,
        this.leadBounds,
      );
      this.obstacles[i]!.box.cx = saved;
      let gap = this.lead.sM - front;
      let leadV = this.lead.speedMps;
      const stopS = r.route ? this.stopFor(r.route, front, lights) : this.trackStopFor(r, front, lights);
      if (stopS - front < gap) {
        gap = stopS - front;
        leadV = 0;
      }
      let a: number;
      if (fc) {
        if (r.route) {
          const boxS = junctionBoxStopS(
            this.map,
            r.route,
            front,
            r.speedMps,
            r.spec.lengthM,
            LOOKAHEAD_M,
            this.lead.sM,
            this.lead.speedMps,
            this.params,
          );
          if (boxS - front < gap) {
            gap = boxS - front;
            leadV = 0;
          }
        }
        a = idmAccel(r.speedMps, r.targetMps, gap, leadV, r.idm, this.params.emergencyDecelMps2);
        const c = this.conflictsOf(i, r, r.path!, front, r.targetMps, r.idm);
        if (c.accelMps2 < a) a = c.accelMps2;
        r.prevSpeedMps = r.speedMps;
      } else {
        a = idmAccel(r.speedMps, r.targetMps, gap, leadV, r.idm);
      }
      const v = Math.max(0, r.speedMps + a * dtS);
      r.sM += 0.5 * (r.speedMps + v) * dtS;
      r.speedMps = v;
    }
    if (this.storyboard) {
      const from = ego ?? this.scenario.egoStart;
      this.fromStoryboard(this.storyboard.step(tS, dtS, from, egoNext ?? from));
    }
    this.place(tS + dtS);
  }

  /** Path conflicts of agent i (interactive model) on `path` from its front bumper. */
  private conflictsOf(
    i: number,
    r: Runtime,
    path: Polyline,
    frontS: number,
    targetMps: number,
    idm: IdmCoefficients,
  ): ConflictResult {
    const self = this.conflictSelf;
    self.body = i;
    self.path = path;
    self.frontS = frontS;
    self.speedMps = r.speedMps;
    self.targetMps = targetMps;
    self.lengthM = r.spec.lengthM;
    self.halfWidthM = r.spec.widthM / 2;
    self.idm = idm;
    return yieldToConflicts(self, this.forecast!, this.params, this.conflict, this.cscratch);
  }

  /** Where every body is expected over the horizon (interactive model), from the state at t. */
  private fillForecast(
    fc: BodyForecast,
    ego: EgoState | undefined,
    vehicle: VehicleParams | undefined,
  ): void {
    const p = this.params;
    const kPath = fc.samplesFor(p.horizonS);
    const kKin = fc.samplesFor(p.kinematicHorizonS);
    const n = this.rt.length;
    for (let i = 0; i < n; i++) {
      const r = this.rt[i]!;
      const st = r.state;
      const isVehicle = st.kind !== 'pedestrian' && st.kind !== 'static';
      fc.describe(i, isVehicle, (st.speedMps - r.prevSpeedMps) / this.scenario.dtS);
      if (!r.present || r.kind === 'static') {
        fc.clear(i);
      } else if (r.kind === 'idm') {
        fc.setAlongPath(i, r.path!, r.sM, 0, r.speedMps, 0, st.lengthM, st.widthM, kPath, false, i);
      } else if (r.kind === 'scripted') {
        const sc = r.scripted!;
        const script = r.script!;
        const d = scriptedOffset(script, sc.lateralS);
        // A lane change under way is expected to go on as scripted.
        const dRate = (scriptedOffset(script, sc.lateralS + 0.1) - d) / 0.1;
        const dEnd = script.dM[script.dM.length - 1]!;
        fc.setAlongPath(
          i,
          script.line,
          sc.sM,
          d,
          sc.speedMps,
          0,
          st.lengthM,
          st.widthM,
          kPath,
          false,
          i,
          dRate,
          dEnd,
        );
      } else if (r.kind === 'walker') {
        fc.setAlongPath(
          i,
          r.walk!.path,
          r.walker!.sM,
          0,
          r.walker!.speedMps,
          0,
          st.lengthM,
          st.widthM,
          kPath,
          false,
          i,
        );
      } else {
        fc.setKinematic(i, st.x, st.y, st.headingRad, st.speedMps, 0, st.lengthM, st.widthM, kKin, false, i);
      }
    }
    const eRoute = n;
    const eKin = n + 1;
    if (!ego || !vehicle) {
      fc.clear(eRoute);
      fc.clear(eKin);
      return;
    }
    const box = this.egoObstacle.box;
    fc.describe(eRoute, true, ego.accelMps2, true);
    fc.describe(eKin, true, ego.accelMps2);
    fc.setKinematic(
      eKin,
      box.cx,
      box.cy,
      ego.headingRad,
      ego.speedMps,
      ego.accelMps2,
      vehicle.lengthM,
      vehicle.widthM,
      kKin,
      true,
      -1,
    );
    const route = this.egoRoute;
    if (route) {
      const f = route.line.project(box.cx, box.cy, this.scratch, this.egoRouteS - 5, this.egoRouteS + 40);
      this.egoRouteS = f.sM;
      const aligned = Math.cos(ego.headingRad - route.line.headingAt(f.sM)) > 0.7;
      if (Math.abs(f.dM) <= EGO_ON_ROUTE_M && aligned) {
        fc.setAlongPath(
          eRoute,
          route.line,
          f.sM,
          f.dM,
          ego.speedMps,
          ego.accelMps2,
          vehicle.lengthM,
          vehicle.widthM,
          kPath,
          true,
          -1,
        );
        return;
      }
    }
    fc.clear(eRoute);
  }

  /** One step of a scripted vehicle (interactive model): its script, its leads, its followers. */
  private stepScriptedAgent(i: number, r: Runtime, tS: number, dtS: number): void {
    const script = r.script!;
    const st = r.scripted!;
    r.prevSpeedMps = st.speedMps;
    if (tS < script.tS[0]! - 1e-9 || !r.present) return;
    const L = r.spec.lengthM;
    const front = st.sM + L / 2;
    const lc = script.laneChange;
    const d = scriptedOffset(script, st.lateralS);
    const idm = r.idm;
    const saved = this.obstacles[i]!.box.cx;
    this.obstacles[i]!.box.cx = 1e9;
    // Leads on the target line, and on the origin lane while a lane change has not left it.
    let aInt = this.scriptedLeadAccel(script.line, front, r, st.speedMps);
    if (lc && Math.abs(d - script.dM[0]!) < 2 * lc.halfWidthM) {
      aInt = Math.min(aInt, this.scriptedLeadAccel(lc.originLine, front, r, st.speedMps));
    }
    this.obstacles[i]!.box.cx = saved;
    r.speedMps = st.speedMps;
    const c = this.conflictsOf(i, r, script.line, front, Infinity, idm);
    if (c.accelMps2 < aInt) aInt = c.accelMps2;
    const inp = this.scriptedInput;
    inp.interactionAccelMps2 = aInt;
    const p = this.params;
    // During a lane change, a follower closing in fast in the target lane: make the merge work
    // rather than brake in front of it (a lead braking for its own reasons keeps its script).
    inp.escapeToSpeedMps = -1;
    let f = this.follower;
    if (lc && st.lateralS > lc.startS && st.lateralS < lc.endS) {
      f = this.nearestFollower(i, script.line, st.sM, 0, L, r.spec.widthM);
      inp.escapeToSpeedMps = this.escapeSpeed(f.gapM, f.speedMps, st.speedMps, r.idm.minGapM);
    }
    let closing: number;
    // A lane change not yet committed: is the gap in the target lane gone (MOBIL's safety test)?
    inp.gapGone = false;
    if (lc && laneChangeOpen(script, st)) {
      f = this.nearestFollower(i, script.line, st.sM, 0, L, r.spec.widthM);
      closing = f.speedMps - st.speedMps;
      const room = f.gapM - r.idm.minGapM;
      inp.gapGone = room <= 0 || (closing > 0 && (closing * closing) / (2 * room) > p.safeBrakingMps2);
    }
    stepScripted(st, script, tS, dtS, inp, this.params);
  }

  /**
   * The speed a scripted vehicle escapes to from a follower `gapM` behind at `followerMps`: the
   * follower's speed plus what wins back `escapeHeadwayS` within 2 s, when it closes in under
   * `escapeTtcS` or tailgates; −1 when it does neither.
   */
  private escapeSpeed(gapM: number, followerMps: number, speedMps: number, minGapM: number): number {
    const p = this.params;
    const closing = followerMps - speedMps;
    const wantM = minGapM + p.escapeHeadwayS * followerMps;
    const closingIn = closing > 0 && gapM / closing < p.escapeTtcS;
    if (!closingIn && gapM >= wantM) return -1;
    return followerMps + Math.max(0, wantM - gapM) / 2;
  }

  /** IDM braking (no speed wish) of a scripted vehicle for the nearest lead on `line`, m/s². */
  private scriptedLeadAccel(line: Polyline, frontS: number, r: Runtime, speedMps: number): number {
    findLead(
      line,
      frontS,
      LOOKAHEAD_M,
      r.spec.widthM / 2,
      this.obstacles,
      this.lead,
      this.scratch,
      this.corridor,
      this.leadPose,
      this.leadBounds,
    );
    return idmAccel(
      speedMps,
      Infinity,
      this.lead.sM - frontS,
      this.lead.speedMps,
      r.idm,
      this.params.emergencyDecelMps2,
    );
  }

  /**
   * The nearest vehicle (ego included) behind one at arc length `sM`, offset `dM` of `line`, going
   * the same way: its bumper gap and its speed along the line in `this.follower` (gap Infinity for
   * none).
   */
  private nearestFollower(
    self: number,
    line: Polyline,
    sM: number,
    dM: number,
    lengthM: number,
    widthM: number,
  ): { gapM: number; speedMps: number } {
    const fc = this.forecast!;
    const out = this.follower;
    out.gapM = Infinity;
    out.speedMps = 0;
    for (let b = 0; b < fc.capacity; b++) {
      if (b === self || fc.valid[b]! < 1 || !fc.vehicle[b]) continue;
      const k0 = b * fc.samples;
      const f = line.project(fc.xs[k0]!, fc.ys[k0]!, this.scratch, sM - LOOKAHEAD_M, sM + 5);
      if (f.sM >= sM) continue;
      if (Math.abs(f.dM - dM) > (widthM + fc.widthM[b]!) / 2) continue;
      const cosRel = Math.cos(fc.hs[k0]! - line.headingAt(f.sM));
      if (cosRel < 0.7) continue;
      const gap = sM - lengthM / 2 - (f.sM + fc.lengthM[b]! / 2);
      if (gap < out.gapM) {
        out.gapM = gap;
        out.speedMps = fc.speedMps[b]! * cosRel;
      }
    }
    return out;
  }

  /**
   * Path arc length (on its track's path) of the red/yellow stop line ahead of an IDM agent that
   * drives a logged track (no lanes of its own), m, or Infinity: the line `signalStopAhead` finds
   * along the lanes the map locates it on, as the planner and the gate read another car's light.
   * Without it these agents ran every red (CommonRoad and nuPlan agents are logged tracks: in
   * USA_Peach-4_8 the southbound cars drove through their red while the left-turning ego waited
   * for them, CLS-R 0 for both planners). Looked for from COMMITTED_M behind the front, so a car
   * that stops with its front just over the line stays stopped; an active emergency vehicle goes on.
   */
  private trackStopFor(r: Runtime, frontS: number, lights: ReadonlyArray<TrafficLightState>): number {
    if (lights.length === 0 || isActiveEmergency(r.state)) return Infinity;
    const a = r.state;
    const st = signalStopAhead(this.map, lights, a.x, a.y, a.headingRad, r.spec.lengthM - 2 * COMMITTED_M);
    return st ? frontS - COMMITTED_M + st.distanceM : Infinity;
  }

  /**
   * Path arc length (on `route`) of the nearest red/yellow stop ahead of the front bumper
   * `frontS`, m, or Infinity. A lane with a `signal` stop line stops the agent at that line when its
   * light shows RED/YELLOW: the light keyed on the lane itself, else on the lane the route takes
   * after it, else the worst of its successors' (as the ego's perception and `signalStopAhead`
   * read it). A light keyed on a lane without a stop line stops it at that lane's start. A stop
   * more than COMMITTED_M behind the front is run.
   */
  private stopFor(route: RoutePath, frontS: number, lights: ReadonlyArray<TrafficLightState>): number {
    if (lights.length === 0) return Infinity;
    const pieces = route.pieces;
    let best = Infinity;
    for (const p of pieces) {
      if (p.fromS > frontS + LOOKAHEAD_M) break;
      const lane = this.map.lane(p.laneId);
      let lined = false;
      for (const sl of lane?.stopLines ?? []) {
        if (sl.kind !== 'signal') continue;
        lined = true;
        // CommonRoad keys the light on the incoming lanelet whose line is at its end: stopping at
        // the lane's start (as for a junction lane's light) let a car already on that lane run its
        // red (57 m short of its line at 8 m/s, AgentFleet.test) and held one coming from the lane
        // before at that lane's start, 100 m short of the line
        const s = p.fromS + sl.sM - p.laneS0;
        // a line past where the route leaves the lane sideways is not on the agent's way (the path
        // samples a lane every ROUTE_STEP_M, so a piece ends up to that much short of its lane's end)
        if (s > p.toS + ROUTE_STEP_M || s < frontS - COMMITTED_M || s > frontS + LOOKAHEAD_M) continue;
        if (s >= best) break;
        const state = stopLineLight(lights, lane!.data, route.laneIds[p.index + 1]);
        if (state === 'RED' || state === 'YELLOW') best = s;
        break;
      }
      if (lined || p.fromS < frontS - COMMITTED_M || p.fromS >= best) continue;
      const state = worstLight(lights, [p.laneId]);
      if (state === 'RED' || state === 'YELLOW') best = p.fromS;
    }
    return best;
  }
}

/** The signal states at time t from the scenario's timelines (last phase with fromS ≤ t). */
export function lightsAt(scenario: Pick<Scenario, 'signals'>, tS: number): TrafficLightState[] {
  const out: TrafficLightState[] = [];
  for (const tl of scenario.signals) {
    let state = tl.phases[0]!.state;
    for (const ph of tl.phases) if (ph.fromS <= tS + 1e-9) state = ph.state;
    for (const laneId of tl.laneIds) out.push({ laneId, state });
  }
  return out;
}
