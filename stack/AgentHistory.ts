/**
 * What the safety gate's callers (`Stack`, `GatedPlanner`) remember of the other agents between
 * snapshots, and the snapshot the gate is handed: each agent's first sighting (`AgentsSeen.ts`,
 * → `seenForS`), its acceleration estimated from its speeds (→ `accelMps2`) and its sustained braking
 * (`AgentBraking.ts`, → `sustainedDecelMps2`) and its course from its positions (`AgentCourse.ts`,
 * → `courseRad`). The gate is a pure function of what it is handed; this
 * is the one place that builds what it is handed about the agents, so both callers tell it the same
 * things the same way. Late snapshots (older than the last by at most the gate's `maxInputAgeS`)
 * leave the history as it is; a clock that went back further starts it afresh.
 *
 * The two callers step it at their own cadence, and that cadence is in the parameters
 * (`agentHistoryParams`): `Stack` at control rate (on each new snapshot the gate checks, its
 * sightings on every new snapshot: `agentSightingsStep`), `GatedPlanner` once per plan tick.
 * Rebuilt from the snapshots alone: a run replays bit for bit from its logged snapshots.
 */
import type { WorldSnapshot } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import type { SafetyParams } from '../safety/index.ts';
import { BRAKING_HISTORY_S, type SpeedSample, speedSampleOf, withSustainedBraking } from './AgentBraking.ts';
import { withCourse } from './AgentCourse.ts';
import {
  AGENTS_SEEN_INITIAL,
  type AgentsSeen,
  agentsSeenStep,
  CLOCK_NOISE_S,
  clockWentBack,
  withSeenFor,
} from './AgentsSeen.ts';

/** The agents' history after the snapshots stepped so far. */
export interface AgentHistory {
  /** When each agent was first seen (the gate counts RSS's response time to it from then). */
  readonly seen: AgentsSeen;
  /** Agent speeds of recent snapshots, oldest first (accelerations, sustained braking). */
  readonly speeds: ReadonlyArray<SpeedSample>;
}

export const AGENT_HISTORY_INITIAL: AgentHistory = { seen: AGENTS_SEEN_INITIAL, speeds: [] };

export interface AgentHistoryParams {
  /** An agent out of sight longer than this is first seen again when it comes back, s (the gate's ρ). */
  forgetAfterS: number;
  /** A snapshot older than the last by at most this came late; by more, the clock went back, s (the gate's `maxInputAgeS`). */
  lateS: number;
  /**
   * Accelerations are speed differences against the newest sample at least this much older than
   * the snapshot, s; `null`: against the newest sample (none for a snapshot older than it).
   */
  accelWindowS: number | null;
  /**
   * Which samples are kept. `anchored`: a snapshot newer than the newest sample adds its own (one at
   * the same time, re-read by a control step, or a late one adds none), and the newest sample at
   * least `BRAKING_HISTORY_S` old stays as the window's far end. `window`: every snapshot but a late
   * one adds its own, and samples `BRAKING_HISTORY_S` old or more go.
   */
  keep: 'anchored' | 'window';
}

/**
 * `Stack`'s accelerations are speed differences over at least this long, s (the plan period, as
 * `GatedPlanner` gets them between its 10 Hz plans): a control-rate difference of logged speeds is
 * mostly noise.
 */
export const ACCEL_WINDOW_S = 0.1;

/**
 * The parameters for a caller of `gate` stepping at `cadence`: `control` (`Stack`: at control rate,
 * accelerations over `ACCEL_WINDOW_S`, samples `anchored`) or `plan` (`GatedPlanner`: once per plan
 * tick, accelerations since the last tick, samples in a `window`).
 */
export function agentHistoryParams(
  gate: Pick<SafetyParams, 'rssEgo' | 'maxInputAgeS'>,
  cadence: 'control' | 'plan',
): AgentHistoryParams {
  const common = { forgetAfterS: gate.rssEgo.responseTimeS, lateS: gate.maxInputAgeS };
  return cadence === 'control'
    ? { ...common, accelWindowS: ACCEL_WINDOW_S, keep: 'anchored' }
    : { ...common, accelWindowS: null, keep: 'window' };
}

/**
 * The history after `snap`'s sightings only (its speeds are left as they are): `Stack` counts first
 * sightings on every new snapshot, not only on those the gate checks. Returns `state` itself when
 * nothing changed.
 */
export function agentSightingsStep(
  state: AgentHistory,
  snap: WorldSnapshot,
  params: AgentHistoryParams,
): AgentHistory {
  const seen = agentsSeenStep(state.seen, snap, params.forgetAfterS, params.lateS);
  return seen === state.seen ? state : { ...state, seen };
}

/**
 * One step: the history after `snap` (its sightings and its agents' speeds, with speeds along their
 * lanes on `map`) and `gateSnapshot`, `snap` with each agent's `accelMps2`, `sustainedDecelMps2`,
 * `courseRad` and `seenForS` as the gate is to see them (values a tracker supplied kept only where
 * the history bears them out: `withAccelerations`, `withSustainedBraking`, `withCourse` — a supplied
 * course never —, `withSeenFor`). Pure.
 */
export function agentHistoryStep(
  state: AgentHistory,
  snap: WorldSnapshot,
  map: RoadMap,
  params: AgentHistoryParams,
): { state: AgentHistory; gateSnapshot: WorldSnapshot } {
  const seen = agentsSeenStep(state.seen, snap, params.forgetAfterS, params.lateS);
  // a clock that went back: the speeds kept are of another time line (their differences with this
  // snapshot's would be no acceleration, and a newer sample would hold the history still); one older
  // than the last by at most lateS came late: the history keeps as it is
  let speeds = state.speeds;
  const last = speeds[speeds.length - 1];
  if (last && clockWentBack(last.tS, snap.tS, params.lateS)) speeds = [];
  const sample = speedSampleOf(snap, map);
  const gateSnapshot = withSeenFor(
    withCourse(
      withSustainedBraking(withAccelerations(snap, accelReference(speeds, snap.tS, params)), speeds, sample),
      speeds,
    ),
    seen,
  );
  return { state: { seen, speeds: keptSpeeds(speeds, sample, snap.tS, params) }, gateSnapshot };
}

/** The sample the accelerations at `tS` are measured against (`accelWindowS`). */
function accelReference(
  speeds: ReadonlyArray<SpeedSample>,
  tS: number,
  params: AgentHistoryParams,
): SpeedSample | undefined {
  if (params.accelWindowS === null) return speeds[speeds.length - 1];
  let ref: SpeedSample | undefined;
  for (const h of speeds) if (tS - h.tS >= params.accelWindowS - 1e-9) ref = h;
  return ref;
}

/** The samples kept after the snapshot at `tS` with `sample` (`keep`). */
function keptSpeeds(
  speeds: ReadonlyArray<SpeedSample>,
  sample: SpeedSample,
  tS: number,
  params: AgentHistoryParams,
): ReadonlyArray<SpeedSample> {
  const last = speeds[speeds.length - 1];
  if (params.keep === 'window') {
    if (last !== undefined && tS < last.tS - CLOCK_NOISE_S) return speeds;
    return [...speeds.filter((h) => tS - h.tS < BRAKING_HISTORY_S - 1e-9), sample];
  }
  const kept = [...speeds];
  if (last === undefined || tS > last.tS + 1e-9) kept.push(sample);
  while (kept.length > 1 && tS - kept[1]!.tS >= BRAKING_HISTORY_S - 1e-9) kept.shift();
  return kept;
}

/**
 * The snapshot with each agent's acceleration (m/s²) estimated from its speed in `prev` (an older
 * snapshot's speeds; agents not in it, or no older one, are left as they are). A value the agent
 * carries already (a tracker's) is kept only up to this estimate: the smaller of the two. The gate
 * grants a lead "known not to brake" (`accelMps2` ≥ −comfortLeadDecel) the relaxed, ramped RSS
 * response on the strength of this value, which no outside source can vouch for alone (the trust
 * rule of `seenForS` and `sustainedDecelMps2`); without an estimate of its own the supplied value
 * stands (as the gate's other inputs from the tracker do). An agent of unknown speed gets none, nor
 * does a later one against it (`speedSampleOf` leaves it out).
 */
export function withAccelerations(
  snap: WorldSnapshot,
  prev: { tS: number; speeds: Map<string, number> } | undefined,
): WorldSnapshot {
  if (!prev) return snap;
  const dt = snap.tS - prev.tS;
  if (!(dt > 1e-6)) return snap;
  let changed = false;
  const agents = snap.agents.map((a) => {
    const v0 = prev.speeds.get(a.id);
    // (an unknown speed differenced against a measured one is no acceleration)
    if (v0 === undefined || a.speedKnown === false) return a;
    const own = (a.speedMps - v0) / dt;
    if (a.accelMps2 !== undefined && a.accelMps2 <= own) return a;
    changed = true;
    return { ...a, accelMps2: own };
  });
  return changed ? { ...snap, agents } : snap;
}
