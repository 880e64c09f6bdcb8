/**
 * The other agents' courses — their directions of travel — from the positions of recent snapshots:
 * the gate forecasts a lane-following vehicle's sideways drift from its heading's angle to its
 * lane (`safety/AgentForecast.ts`), and where the positions show it moving along its lane that
 * angle is no drift. A heading is off its lane by more than the car's motion is where the heading
 * is noisy or the map coarse: CommonRoad DEU_A9-3_1_T-1's cars carry the middle of an orientation
 * interval [0.001, 0.035] rad and its lanelets are chords of up to 44 m, so a car keeping to the
 * lane to the ego's right (its positions within 0.2 m of the lane's centre over 1.2 s) was 0.024 rad
 * off the lane's chord, forecast to drift 0.65 m/s into the ego's lane, and the gate asked for a
 * 4 m/s² brake at 28 m/s on an open lane (11 of 13 commands re-planned).
 */
import { angleDiff, hypot2, type WorldSnapshot } from '../core/index.ts';
import type { SpeedSample } from './AgentBraking.ts';

/**
 * A course is the direction from the agent's position in the newest sample at least `windowS` old
 * (and at most `maxWindowS`: over a longer span it is the direction of an older motion) to its
 * position now, where it has travelled at least `minTravelM` (a tracker's position noise of
 * ≈ 0.1 m is then ≤ 0.05 rad of course) and that direction is within `maxOffHeadingRad` of its
 * heading now or of its reverse (a vehicle reversing: the gate forecasts it along its course, not
 * its heading — red team 8; one sliding sideways has none: its course says nothing of the drift of
 * its forward, lane-following forecast), and — going forwards — its heading in every sample of the window within
 * `maxTurnRad` of its heading now: a car turning into a cut-in or over the centre line turns its
 * heading first and its course follows half a window late (fuzz seed 7: a cut-in and an oncoming
 * car's drift, forecast from the lagging course, hit the ego); a heading off its lane by noise or
 * on a coarse map holds steady (DEU_A9-3_1_T-1: ≈ 0.002 rad per 0.3 s). The window is the
 * sustained-braking one (three 10 Hz snapshots); our choice.
 */
export const COURSE = {
  windowS: 0.3,
  maxWindowS: 0.6,
  minTravelM: 2,
  /** Travel that shows a vehicle reversing, m: only the course's sense counts, not its angle (5 × a tracker's 0.1 m position noise: 1.7 m/s over the 0.3 s window). */
  minReverseTravelM: 0.5,
  maxOffHeadingRad: Math.PI / 4,
  maxTurnRad: 0.01,
  /**
   * A reversing course's speed (`courseSpeedMps`) is measured only where the heading stayed within
   * this of its heading now over the window, rad (a box re-fit or an id switch turns the heading
   * too; a car reversing through a bend keeps its course, unconfirmed: the gate then forecasts it
   * both ways). Our choice: a car reversing at 3 m/s at full lock turns ≈ 0.2 rad in 0.3 s.
   */
  maxReverseTurnRad: 0.05,
} as const;

/**
 * `snap` with `courseRad` set on every agent whose course `history` (older samples, oldest first;
 * those at or after the snapshot's time are ignored) measures (`COURSE`), and dropped from every
 * other: a supplied course is never kept — the gate counts it only to excuse a drift its heading
 * shows, which no outside source can vouch for (the trust rule of `sustainedDecelMps2`). Pure.
 */
export function withCourse(
  snap: WorldSnapshot,
  history: ReadonlyArray<SpeedSample>,
  rule: {
    windowS: number;
    maxWindowS: number;
    minTravelM: number;
    minReverseTravelM: number;
    maxOffHeadingRad: number;
    maxTurnRad: number;
    maxReverseTurnRad: number;
  } = COURSE,
): WorldSnapshot {
  // the samples of the window, newest first; the last is its far end
  const window: SpeedSample[] = [];
  let from: SpeedSample | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const age = snap.tS - history[i]!.tS;
    if (age <= 1e-9) continue;
    if (age > rule.maxWindowS + 1e-9) break;
    window.push(history[i]!);
    if (age >= rule.windowS - 1e-9) {
      from = history[i];
      break;
    }
  }
  const steady = (a: WorldSnapshot['agents'][number], maxTurnRad = rule.maxTurnRad): boolean =>
    window.every((h) => {
      const heading = h.headings.get(a.id);
      return heading !== undefined && Math.abs(angleDiff(heading, a.headingRad)) <= maxTurnRad;
    });
  let changed = false;
  const agents = snap.agents.map((a) => {
    const p = from?.positions?.get(a.id);
    let own: number | undefined;
    let ownSpeed: number | undefined;
    if (p && from) {
      const dx = a.x - p.x;
      const dy = a.y - p.y;
      const travelM = hypot2(dx, dy);
      const course = Math.atan2(dy, dx);
      const off = Math.abs(angleDiff(course, a.headingRad));
      // reversing: the course's sense is what counts, not its precise angle nor its lag in a bend
      // (the gate reads no drift from it); a forward course only from a steady heading
      // (its speed along it where the heading held: what the gate checks the reported speed against)
      if (travelM >= rule.minReverseTravelM && off >= Math.PI - rule.maxOffHeadingRad) {
        own = course;
        if (steady(a, rule.maxReverseTurnRad)) ownSpeed = travelM / (snap.tS - from.tS);
      } else if (travelM >= rule.minTravelM && off <= rule.maxOffHeadingRad && steady(a)) own = course;
    }
    if (own === a.courseRad && ownSpeed === a.courseSpeedMps) return a;
    changed = true;
    const { courseRad: _dropped, courseSpeedMps: _droppedSpeed, ...rest } = a;
    if (own === undefined) return rest;
    return ownSpeed === undefined
      ? { ...rest, courseRad: own }
      : { ...rest, courseRad: own, courseSpeedMps: ownSpeed };
  });
  return changed ? { ...snap, agents } : snap;
}
