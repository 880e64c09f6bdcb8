/**
 * A borrow's nudge (`lateralOffsetM` on LEFT_/RIGHT_BORROW) moves the ego only that far
 * (`Rollout.shiftToM`), not to the borrowed lane's centre: the RSS checks measure what is left of
 * that move, not of a full lane change (review 4).
 */
import { describe, expect, it } from 'vitest';
import { cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});
// R0 (y = 0) and the oncoming lane on its left (y = 3.5), a dashed centre line
const map = roadMap({ lanes: 1, oncoming: true, dashedCentre: true, id: 'dash' });
const nudge = cmd({ path: 'LEFT_BORROW', targetSpeedMps: 8, lateralOffsetM: 1.2 });
const rule = (v: ReturnType<typeof gate.checkCommand>, name: string) => v.rules.find((r) => r.rule === name);

describe('borrow nudge: RSS on the move it makes', () => {
  it('rss.lateral counts the nudge left to make (≤ 1.2 m), not the 3.5 m to the lane centre', () => {
    const sc = scene({ map, s: 60, speed: 8, agents: [{ id: 'side', lane: 'R0', s: 60, d: 3.5, speed: 8 }] });
    const hit = rule(gate.checkCommand(nudge, sc), 'rss.lateral');
    expect(hit?.decision).not.toBe('ALLOW'); // the scene is a real test
    const o = P.rssOther;
    const drift =
      0.5 * o.latAccelMaxMps2 * o.responseTimeS ** 2 +
      (o.latAccelMaxMps2 * o.responseTimeS) ** 2 / (2 * o.latBrakeMinMps2);
    // μ + the other's drift + at most the whole nudge
    expect(Number(hit?.values.safeDistanceM)).toBeLessThanOrEqual(
      o.lateralFluctuationMarginM + drift + 1.2 + 0.01,
    );
  });

  it('rss.longitudinalRear judges the follower when the ego is halfway through its nudge, not at the horizon end', () => {
    const sc = scene({
      map,
      s: 60,
      speed: 8,
      agents: [{ id: 'side', lane: 'R0', s: 30, d: 3.5, speed: 12 }],
    });
    const hit = rule(gate.checkCommand(nudge, sc), 'rss.longitudinalRear');
    expect(hit?.decision).not.toBe('ALLOW');
    // a 1.2 m nudge is half done well inside the 4 s roll-out (it never reaches the 1.75 m of a change)
    expect(Number(hit?.values.atS)).toBeLessThan(3);
  });
});
