/**
 * `vru.stepOut` and an ego that is already braking: braking at once goes out after the actuator's
 * lag, and through that lag the braking under way goes on (as the gate's roll-out has it). Counted
 * as coasting through the lag, an ego slowing hard towards a person about to step out was taken as
 * committed (unable to stop short even braking at once) and its ACCELERATE passed — fuzz seed 11 run
 * 614, once the emergency stop eased in its release wait, ran into the person.
 */
import { describe, expect, it } from 'vitest';
import { cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

const gate = createSafetyGate();
const map = roadMap({ lanes: 2, oncoming: true, shoulder: true });

/**
 * The ego at 8 m/s with acceleration `accelMps2`, asked to speed up, and a person at the kerb 1.75 m
 * beside its path walking towards the road at 1.5 m/s (it can be in the path 0.8 s from now), 5.11 m
 * past the ego's front to the point a metre short of it.
 */
const check = (accelMps2: number) => {
  const sc = scene({
    map,
    speed: 8,
    agents: [{ id: 'ped', kind: 'pedestrian', lane: 'R0', s: 59, d: -3.2, dh: Math.PI / 2, speed: 1.5 }],
  });
  sc.snapshot.ego.accelMps2 = accelMps2;
  return gate.checkCommand(cmd({ speed: 'ACCELERATE', targetSpeedMps: 11 }), sc);
};

describe('vru.stepOut: an ego already braking is not committed to a person it can still stop short of', () => {
  it('braking at 5 m/s², the ego can still stop short (0.2 s lag slowing to 7 m/s: 1.5 m, then 8 m/s²: 3.06 m, of 5.11 m): its ACCELERATE is stopped', () => {
    const v = check(-5);
    const r = v.rules.find((x) => x.rule === 'vru.stepOut')!;
    expect(r.decision, v.explanation).not.toBe('ALLOW');
    expect(v.decision).toBe('VETO');
    // what the stop needs after the lag: 7² / (2 · (5.11 − 1.5))
    expect(r.values.needMps2).toBeCloseTo(49 / (2 * (5.11 - 1.5)), 1);
  });

  it('coasting, the same ego cannot (1.6 m through the lag, then 4 m): committed, no command changes that', () => {
    const v = check(0);
    expect(v.rules.find((x) => x.rule === 'vru.stepOut')?.decision, v.explanation).toBe('ALLOW');
  });
});
