/**
 * Sustained braking of the other agents, from the speeds of recent snapshots: the gate forecasts a
 * vehicle that has braked firmly over several snapshots to rest at (a share of) that braking, where
 * it would otherwise drive it on at constant speed (`safety/AgentForecast.ts`). One snapshot's
 * difference of speeds is too noisy, and a single reading too easily a blip, to excuse an agent:
 * every step of the window must show the braking.
 *
 * Braking is a fall of the speed along the agent's direction of travel, not of its speed's
 * magnitude while it turns: a car that ends a swerve (fuzz seed 11 run 214: an oncoming car keeping
 * 6.17 m/s along its lane, its total speed 9.06 → 6.18 m/s at 2.2–2.8 s as its swerve over the
 * centre line ends, its heading ≈ 47° → 0° off the lane) loses speed magnitude without braking. So
 * the window counts only while the agent's heading stays within `maxHeadingChangeRad` of its
 * present one. Why a band and not a projection on a fixed direction: without the lane, no sampled
 * heading is the direction the car keeps its speed along. Projected on the window's first heading,
 * the swerve's end reads as harder braking still (its last velocity, along the lane, on the
 * swerve's heading: 6.18·cos 47° = 4.2 m/s); projected on the present heading, halfway through the
 * swerve's end (headings 36° → 10° over 0.3 s) it still reads 1.95 m/s² in every step. Within the
 * band the magnitude is the speed along the present heading to within 1 − cos 0.2 = 2 %.
 *
 * Where the map places the agent on a lane (its heading within `LANE_ALONG_MAX_RAD` of the lane's
 * axis, either way) in the snapshot and in every sample, the speed measured is the speed along the
 * lane's axis instead (v·|cos(heading error)|; the forecast brakes the speed along the lane,
 * `safety/AgentForecast.ts`: speed·lonF): the road is the fixed direction a swerving car keeps its
 * speed along, and its axis is the same whichever lane of it the car is over (run 214's car is over
 * the ego's lane, against it, from 2.5 s). A swerve's end that turns
 * slowly at first stays within the band (run 214 at 2.2–2.5 s: its heading turns 0.14 rad, its
 * speed's magnitude falls 1.2–6.1 m/s² a step); its speed along the lane is 6.17 m/s throughout.
 */
import { angleDiff, type WorldSnapshot } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';

/**
 * The agents' speeds (m/s), headings (rad, map frame) and positions (m, map frame: their courses,
 * `AgentCourse.ts`) in one snapshot, and the speed along the lane the map places each on (m/s;
 * agents it places on none are missing).
 */
export interface SpeedSample {
  tS: number;
  speeds: Map<string, number>;
  headings: Map<string, number>;
  positions?: Map<string, { x: number; y: number }>;
  alongLaneMps?: Map<string, number>;
}

/**
 * How far an agent's heading may be off a lane's axis for its speed along it to count, rad (1.2:
 * a swerve at 47° off its lane still counts; a car crossing a lane at right angles does not — it is
 * placed on the lane it drives along, if any). Our choice.
 */
export const LANE_ALONG_MAX_RAD = 1.2;

/**
 * The sample of `snap`'s agents' speeds, headings and positions, with their speeds along their lanes'
 * axes on `map`. An agent of unknown speed (`speedKnown: false`) has no speed in it: its placeholder
 * differenced against a measured speed would be an acceleration or a braking nobody saw.
 */
export function speedSampleOf(snap: WorldSnapshot, map?: RoadMap): SpeedSample {
  const measured = snap.agents.filter((a) => a.speedKnown !== false);
  const sample: SpeedSample = {
    tS: snap.tS,
    speeds: new Map(measured.map((a) => [a.id, a.speedMps])),
    headings: new Map(snap.agents.map((a) => [a.id, a.headingRad])),
    positions: new Map(snap.agents.map((a) => [a.id, { x: a.x, y: a.y }])),
  };
  if (!map) return sample;
  const along = new Map<string, number>();
  for (const a of measured) {
    if (a.kind !== 'vehicle' && a.kind !== 'cyclist') continue;
    const loc = map.locate(a.x, a.y, a.headingRad, 2);
    if (!loc) continue;
    const offAxis = Math.min(Math.abs(loc.headingErrRad), Math.PI - Math.abs(loc.headingErrRad));
    if (offAxis <= LANE_ALONG_MAX_RAD) along.set(a.id, a.speedMps * Math.cos(offAxis));
  }
  sample.alongLaneMps = along;
  return sample;
}

/**
 * A vehicle brakes *sustainedly* when every step of `stepS` over the last `windowS` shows at least
 * `minDecelMps2`: 0.3 s (three 10 Hz snapshots: a one-tick blip or a noisy pair of speeds does not
 * pass) at ≥ 1 m/s² (the gate's `comfortLeadDecelMps2`: a lead decelerating less is not braking).
 * Our choice; the forecast that uses it keeps its own margin (`observedBrakeShare`). A step may
 * be up to `maxStepFactor` (2) times `stepS` long (a dropped snapshot), no longer: over a longer
 * step a blip and a held braking look alike. Every sample's heading within `maxHeadingChangeRad`
 * (0.2 rad, 11.5°) of the present one: a car braking through a junction turn (yaw rate up to
 * 0.67 rad/s: 5 m/s on a 7.5 m radius) still counts over 0.3 s; run 214's swerve end (≈ 0.45 rad
 * over the window) does not. Our choice: a swerve that turns less than that in 0.3 s still reads
 * as braking (the value then only excuses a crossing car; `safety/AgentForecast.ts`).
 */
export const SUSTAINED_BRAKING = {
  windowS: 0.3,
  stepS: 0.1,
  minDecelMps2: 1,
  maxStepFactor: 2,
  maxHeadingChangeRad: 0.2,
} as const;

/** How much speed history to keep for `withSustainedBraking`, s (the window and one step more). */
export const BRAKING_HISTORY_S = SUSTAINED_BRAKING.windowS + SUSTAINED_BRAKING.stepS;

/**
 * The snapshot with `sustainedDecelMps2` set on every agent that braked at ≥ `minDecelMps2` over
 * each `stepS` step of the last `windowS` (the weakest step's deceleration, m/s²) with its heading
 * within `maxHeadingChangeRad` of its heading in `snap` throughout, from `history`
 * (older samples, oldest first; samples at or after the snapshot's time are ignored); the speed
 * along its lane where `now` (the snapshot's own sample, `speedSampleOf` with the map) and every
 * sample of the window have it, else its speed (none where only some have it: the two differ). The window
 * needs at least round(windowS / stepS) steps, none longer than `maxStepFactor`·stepS: a sparse
 * history (one sample a second old) is one step's reading, which never sets it. A value the agent
 * carries already (a tracker's) is kept only as far as the stack's own history shows the braking
 * (the smaller of the two; none where the history does not show it): the gate forecasts a car
 * crossing the ego's path to stop on the strength of this value, which no outside source can vouch
 * for alone. Agents not seen throughout get none.
 */
export function withSustainedBraking(
  snap: WorldSnapshot,
  history: ReadonlyArray<SpeedSample>,
  now?: SpeedSample,
  rule: {
    windowS: number;
    stepS: number;
    minDecelMps2: number;
    maxStepFactor?: number;
    maxHeadingChangeRad?: number;
  } = SUSTAINED_BRAKING,
): WorldSnapshot {
  const minSteps = Math.max(1, Math.round(rule.windowS / rule.stepS));
  const maxStepS = (rule.maxStepFactor ?? SUSTAINED_BRAKING.maxStepFactor) * rule.stepS;
  const maxTurnRad = rule.maxHeadingChangeRad ?? SUSTAINED_BRAKING.maxHeadingChangeRad;
  // the samples that split the window into steps of at least stepS (and at most maxStepS), newest first
  const chain: SpeedSample[] = [];
  let t = snap.tS;
  for (
    let i = history.length - 1;
    i >= 0 && (snap.tS - t < rule.windowS - 1e-9 || chain.length < minSteps);
    i--
  ) {
    const h = history[i]!;
    if (t - h.tS < rule.stepS - 1e-9) continue;
    if (t - h.tS > maxStepS + 1e-9) break;
    chain.push(h);
    t = h.tS;
  }
  const covered = chain.length >= minSteps && snap.tS - t >= rule.windowS - 1e-9;
  let changed = false;
  const agents = snap.agents.map((a) => {
    const own = covered ? observedDecel(a, snap.tS, chain, rule.minDecelMps2, maxTurnRad, now) : undefined;
    const supplied = a.sustainedDecelMps2;
    const value = own === undefined ? undefined : supplied === undefined ? own : Math.min(supplied, own);
    if (value === supplied) return a;
    changed = true;
    if (value !== undefined) return { ...a, sustainedDecelMps2: value };
    const { sustainedDecelMps2: _dropped, ...rest } = a;
    return rest;
  });
  return changed ? { ...snap, agents } : snap;
}

/**
 * The weakest step's deceleration of `a` along `chain` (newest first), m/s²; undefined if any step
 * brakes less than `minDecelMps2`, misses the agent, or finds its heading more than `maxTurnRad`
 * off its present one (a turn, not a braking, may change the speed's magnitude). Speeds along
 * its lane where `now` and every sample have one for it.
 */
function observedDecel(
  a: WorldSnapshot['agents'][number],
  tS: number,
  chain: ReadonlyArray<SpeedSample>,
  minDecelMps2: number,
  maxTurnRad: number,
  now: SpeedSample | undefined,
): number | undefined {
  if (a.speedKnown === false) return undefined; // (no speed: no braking seen)
  const alongNow = now?.alongLaneMps?.get(a.id);
  const along = alongNow !== undefined;
  let vNew = alongNow ?? a.speedMps;
  let tNew = tS;
  let weakest = Number.POSITIVE_INFINITY;
  for (const h of chain) {
    const vOld = along ? h.alongLaneMps?.get(a.id) : h.speeds.get(a.id);
    const heading = h.headings.get(a.id);
    if (vOld === undefined || heading === undefined) return undefined;
    if (!(Math.abs(angleDiff(heading, a.headingRad)) <= maxTurnRad)) return undefined;
    const decel = (vOld - vNew) / (tNew - h.tS);
    if (!(decel >= minDecelMps2)) return undefined;
    weakest = Math.min(weakest, decel);
    vNew = vOld;
    tNew = h.tS;
  }
  return weakest;
}
