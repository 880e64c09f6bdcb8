/**
 * RSS's response time counted from when each lead was first seen (`AgentState.seenForS`, kept by
 * the gate's caller): for ρ after a lead's first sighting the proper response may still be built up
 * (one ramp from that sighting, never a fresh one per re-check), whatever the lead is seen doing;
 * after ρ, full strength. USA_US101-3_3_T-1: cr_376 first seen at t = 0, seen braking at t = 0.1 s.
 */
import { describe, expect, it } from 'vitest';
import { cmd, roadMap, rolledOut, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';
import type { SafetyScene } from './Scene.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});
const hw = roadMap({ lanes: 3, speedLimitMps: 30, lengthM: 800, id: 'hw' });
const rhoS = P.rssEgo.responseTimeS;
/** RSS's ramp: the proper response (b_min here) built up over 2(ρ − lag), m/s³ (2.5 at b_min 4). */
const jRss = P.rssEgo.brakeMinMps2 / (2 * (rhoS - P.accelLagS));

/**
 * The ego at 21 m/s 25 m behind a lead at 21 m/s (an RSS headway deficit: the lead's worst-case stop
 * leaves less than the ego's), the lead seen braking at `leadAccel`, first seen `seenForS` ago.
 */
function following(seenForS: number | undefined, leadAccel: number | undefined, egoAccel = 0): SafetyScene {
  const sc = scene({
    map: hw,
    speed: 21,
    agents: [{ id: 'lead', lane: 'R0', s: 50 + 2.588 + 25 + 2.4, speed: 21 }],
  });
  const lead = sc.snapshot.agents[0]!;
  if (leadAccel !== undefined) lead.accelMps2 = leadAccel;
  if (seenForS !== undefined) lead.seenForS = seenForS;
  sc.snapshot.ego.accelMps2 = egoAccel;
  return sc;
}

const rss = (v: ReturnType<typeof gate.checkCommand>) => v.rules.find((x) => x.rule === 'rss.longitudinal');

describe('rss.longitudinal: response time from the first sighting', () => {
  it('a lead first seen 0.1 s ago and seen braking hard gets the proper response built up within ρ', () => {
    const v = gate.checkCommand(cmd(), following(0.1, -5));
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(v.modified?.speed).toBe('DECELERATE');
    expect(v.modified?.decelMps2).toBeGreaterThanOrEqual(P.rssEgo.brakeMinMps2);
    expect(v.modified?.jerkMps3).toBeCloseTo(jRss, 2);
  });

  it('the same lead first seen more than ρ ago gets the full-strength response at once', () => {
    // (the ego on the ramp since the sighting: its build-up is over with ρ, not carried on)
    const e = rhoS + 0.2;
    const v = gate.checkCommand(cmd(), following(e, -5, -jRss * (e - P.accelLagS)));
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(v.modified?.decelMps2).toBeGreaterThanOrEqual(P.rssEgo.brakeMinMps2);
    expect(v.modified?.jerkMps3).toBeUndefined();
  });

  it('a lead known for longer than ρ whose acceleration is not (yet) known gets the full-strength response', () => {
    // (an estimate lost for a tick: known for 5 s, the danger did not begin now)
    const v = gate.checkCommand(cmd(), following(5, undefined));
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(v.modified?.jerkMps3).toBeUndefined();
  });

  it('0.6 s after the first sighting the ramp goes on from where it is: a ramp started afresh now is late', () => {
    // the repair of the first sighting: built up from the lag at jRss
    const first = gate.checkCommand(cmd(), following(0, -5));
    expect(first.modified?.jerkMps3, first.explanation).toBeCloseTo(jRss, 2);
    const fresh = { ...first.modified!, issuedAtS: 0, expiresAtS: 1 };
    expect(gate.checkCommand(fresh, following(0, -5)).decision).toBe('ALLOW');
    // 0.6 s on, an ego that has not braked: the same fresh ramp loses 0.85 m/s less by t+0.6 s
    const later = gate.checkCommand(fresh, following(0.6, -5));
    expect(rss(later)?.decision, later.explanation).not.toBe('ALLOW');
  });

  it('0.6 s after the first sighting an ego on the ramp goes on with it, under the stepped response from the sighting', () => {
    const e = 0.6;
    const decelNow = jRss * (e - P.accelLagS);
    const sc = following(e, -5, -decelNow);
    const v = gate.checkCommand(cmd(), sc);
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(v.modified?.jerkMps3).toBeCloseTo(jRss, 2);
    const r = rolledOut(v.modified!, sc, hw, P);
    // RSS's stepped response from the first sighting: the speed then (what the ramp has shed since:
    // jRss·(e − lag)²/2) held for ρ, then b_min
    // (the roll-out holds each step's acceleration over the step, an upper bound on the speed of an
    // ego whose braking builds up within it: the tracked speed is the acceleration integrated,
    // linear between the steps)
    const vSeen = 21 + 0.5 * jRss * (e - P.accelLagS) ** 2;
    let vTracked = r.v[0]!;
    for (let k = 1; k < r.n && r.a[k]! <= r.a[k - 1]! + 1e-9; k++) {
      const t = k * r.dtS;
      vTracked += 0.5 * (r.a[k - 1]! + r.a[k]!) * r.dtS;
      const stepped = vSeen - P.rssEgo.brakeMinMps2 * Math.max(0, e + t - rhoS);
      expect(vTracked, `t ${t}`).toBeLessThanOrEqual(stepped + 0.05);
    }
  });
});
