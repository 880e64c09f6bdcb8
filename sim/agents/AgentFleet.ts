/**
 * The other traffic participants of a scenario, in nuPlan's two modes:
 * - non-reactive: every agent replays its track (IDM-behaviour agents replay the track they would
 *   have driven with the ego absent, computed once up front);
 * - reactive: vehicles and cyclists drive IDM along their path (their lanes, or the path of their
 *   logged track) and yield to the ego and to each other and to red lights; pedestrians and static
 *   objects replay (nuPlan keeps those open-loop too).
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
import { RoutePath } from '../../core/map/RoutePath.ts';
import {
  findLead,
  type IdmCoefficients,
  idmAccel,
  type LeadInfo,
  type Obstacle,
} from '../../core/vehicle/idm.ts';
import type { AgentMode } from '../SimLog.ts';

/** Look-ahead for lead vehicles of IDM agents, m (nuPlan IDM agents: radius 100 m; the path suffices). */
const LOOKAHEAD_M = 80;
/** A light that turns red closer than this to the agent's front is run (it cannot stop), m. */
const COMMITTED_M = 2;

interface Runtime {
  spec: ScenarioAgent;
  kind: 'replay' | 'static' | 'idm';
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

  constructor(
    readonly scenario: Scenario,
    private readonly map: RoadMap,
    readonly mode: AgentMode,
  ) {
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
      };
      const canReact =
        mode === 'reactive' && (spec.kind === 'vehicle' || spec.kind === 'cyclist' || spec.kind === 'robot');
      if (b.type === 'static') {
        this.rt.push(base);
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
        const route = RoutePath.build(map, b.laneIds, b.startSM);
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
    this.obstacles.push(this.egoObstacle);
    this.place(0);
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
      }
    }
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
    for (let i = 0; i < n; i++) {
      const r = this.rt[i]!;
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
      );
      this.obstacles[i]!.box.cx = saved;
      let gap = this.lead.sM - front;
      let leadV = this.lead.speedMps;
      if (r.route) {
        const stopS = this.stopFor(r.route, front, lights);
        if (stopS - front < gap) {
          gap = stopS - front;
          leadV = 0;
        }
      }
      const a = idmAccel(r.speedMps, r.targetMps, gap, leadV, r.idm);
      const v = Math.max(0, r.speedMps + a * dtS);
      r.sM += 0.5 * (r.speedMps + v) * dtS;
      r.speedMps = v;
    }
    this.place(tS + dtS);
  }

  /** Path arc length of the first red/yellow stop ahead on a route, or Infinity. */
  private stopFor(route: RoutePath, frontS: number, lights: ReadonlyArray<TrafficLightState>): number {
    for (const p of route.pieces) {
      if (p.fromS < frontS - COMMITTED_M || p.fromS > frontS + LOOKAHEAD_M) continue;
      for (const l of lights) {
        if (l.laneId === p.laneId && (l.state === 'RED' || l.state === 'YELLOW')) return p.fromS;
      }
    }
    return Infinity;
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
