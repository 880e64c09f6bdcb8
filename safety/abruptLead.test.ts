/**
 * A lead seen slowing harder than any brake stops a vehicle (RSS's α_brake,max, 8 m/s²): a crash, a
 * fall, a load dropped off a car. esmini drop-bike (reactive): the bicycle carried behind the car went
 * from 24 m/s to 20 m/s in one step and to rest in the next; the gate kept RSS's distance for a lead
 * braking at 8 m/s², answered it at b_min and then vetoed a step later, 15 m behind the bicycle at
 * 14 m/s, and pdm-closed+gate hit it (the only at-fault run of the esmini 52 after branch esb).
 */
import { describe, expect, it } from 'vitest';
import { cmd, EGO_HALF_M, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';
import type { SafetyScene } from './Scene.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});
const road = roadMap({ lanes: 2, speedLimitMps: 30, lengthM: 600, id: 'rd' });
const egoMps = 14.13;
const leadMps = 20;
/** Ego front to the bicycle's rear, m (drop-bike at 4.3 s). */
const gapM = 14.45;
const BIKE_LENGTH_M = 1.8;

/** The ego behind a bicycle going `leadMps` whose speed fell at `leadAccel` over the last step. */
function behindBike(leadAccel: number): SafetyScene {
  const sc = scene({
    map: road,
    speed: egoMps,
    agents: [
      {
        id: 'bike',
        kind: 'cyclist',
        lane: 'R0',
        s: 50 + EGO_HALF_M + gapM + BIKE_LENGTH_M / 2,
        speed: leadMps,
      },
    ],
  });
  const bike = sc.snapshot.agents[0]!;
  bike.accelMps2 = leadAccel;
  bike.seenForS = 5;
  return sc;
}

describe('rss.longitudinal: a lead stopping harder than any brake', () => {
  it('a bicycle seen slowing at 43 m/s² is braked for: the ego stops short of where it stops at that rate', () => {
    const accel = -42.8;
    const v = gate.checkCommand(cmd(), behindBike(accel));
    expect(v.decision, v.explanation).not.toBe('ALLOW');
    const decel = v.decision === 'VETO' ? v.mrm!.decelMps2! : v.modified!.decelMps2!;
    // the lead's own stop at the rate seen, then the ego's room to stop before it: a constant
    // deceleration over the gap and that stop, within 5 % (the gate's tracked stop tapers near rest)
    const leadStopM = (leadMps * leadMps) / (2 * -accel);
    expect(decel, v.explanation).toBeGreaterThan((0.95 * egoMps * egoMps) / (2 * (gapM + leadStopM)));
    expect(decel).toBeGreaterThan(P.rssEgo.brakeMinMps2 + 1);
  });

  it('the same bicycle braking at 6 m/s² (within α_brake,max) keeps RSS’s b_min response', () => {
    const v = gate.checkCommand(cmd(), behindBike(-6));
    const decel = v.decision === 'MODIFY' ? (v.modified!.decelMps2 ?? 0) : 0;
    expect(v.decision, v.explanation).not.toBe('VETO');
    expect(decel, v.explanation).toBeLessThanOrEqual(P.rssEgo.brakeMinMps2 + 0.05);
  });
});
