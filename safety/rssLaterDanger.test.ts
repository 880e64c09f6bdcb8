/**
 * A danger RSS finds only later in the roll-out (a lead not known not to brake, closing from far
 * off): its proper response is due from the danger's onset + ρ, not at once, so the gate's repair
 * may build its braking up from the actuator's lag and reach the proper braking by then — a ramp
 * under the stepped response. As a step at t = 0 it failed nuPlan's jerk bound (CommonRoad
 * DEU_A9-3_1_T-1, −5.05 m/s³ for a danger 2 s off), where the reactive run's repair for a lead
 * first seen now carried RSS's own ramp (2.5 m/s³).
 */
import { describe, expect, it } from 'vitest';
import { cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';
import type { SafetyScene } from './Scene.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});
const hw = roadMap({ lanes: 3, speedLimitMps: 30, lengthM: 1000, id: 'hw' });

/** The ego at 25 m/s, a lead at 15 m/s `gapM` ahead in its lane, known for 5 s, its acceleration unknown. */
function closing(gapM: number): SafetyScene {
  const sc = scene({
    map: hw,
    speed: 25,
    agents: [{ id: 'lead', lane: 'R0', s: 50 + 2.588 + gapM + 2.4, speed: 15 }],
  });
  sc.snapshot.agents[0]!.seenForS = 5;
  return sc;
}
/** A KEEP in force for 5 s (the danger's response falls within its life). */
const keep = cmd({ targetSpeedMps: 25, expiresAtS: 5 });
const rssOf = (v: ReturnType<typeof gate.checkCommand>) => v.rules.find((x) => x.rule === 'rss.longitudinal');

describe('rss.longitudinal: a danger that arises later in the roll-out', () => {
  it('fails first at a later step (not a danger now)', () => {
    const v = gate.checkCommand(keep, closing(110));
    const r = rssOf(v);
    expect(r?.decision, v.explanation).toBe('MODIFY');
    expect(Number(r?.values.atS)).toBeGreaterThan(P.rssEgo.responseTimeS + 0.5);
  });

  it('is repaired with braking built up (an onset), not a step at t = 0', () => {
    const v = gate.checkCommand(keep, closing(110));
    expect(v.decision, v.explanation).toBe('MODIFY');
    // the proper response (the braking that stops short of the lead's worst case, ≤ b_min)
    expect(v.modified?.decelMps2).toBeGreaterThanOrEqual(Number(rssOf(v)?.values.requiredDecelMps2));
    // reached by the time it is due (danger + ρ), with the margin for the tracker's lag
    const dueS = Number(rssOf(v)?.values.atS);
    const buildS = dueS - P.accelLagS - P.laterOnsetMarginS;
    expect(v.modified?.jerkMps3, v.explanation).toBeCloseTo(v.modified!.decelMps2! / buildS, 1);
    // and the repair itself passes the gate
    expect(gate.checkCommand({ ...v.modified!, expiresAtS: 5 }, closing(110)).decision).toBe('ALLOW');
  });

  it('a danger present now is answered at full strength at once (known lead, no onset)', () => {
    const v = gate.checkCommand(keep, closing(45));
    expect(v.decision, v.explanation).not.toBe('ALLOW');
    expect(v.modified?.jerkMps3).toBeUndefined();
  });
});
