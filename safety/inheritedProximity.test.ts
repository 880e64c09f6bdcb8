/**
 * `vru.proximity` inherited at the start: a cyclist standing 0.7 m from the ego's path a few metres
 * ahead of an ego at 5.2 m/s. No command is at walking pace (2.8 m/s) by t+0.2 s, so that step is
 * not held against one that brakes at RSS's b_min; the later steps, which that braking brings down
 * to walking pace, hold the cap. Before, every candidate failed at t+0.2 s and the VETO's comfort
 * stop braked at 1 m/s², passing the cyclist at near 5 m/s (CommonRoad DEU_Flensburg-78_1_T-1).
 */
import { describe, expect, it } from 'vitest';
import { cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});
const road = roadMap({ lanes: 1, speedLimitMps: 14, lengthM: 400, id: 'inherited-vru' });
/** The ego at 5.2 m/s, a cyclist standing `aheadM` ahead (centres) 2.2 m to its right. */
const beside = (aheadM: number) =>
  scene({
    map: road,
    s: 50,
    speed: 5.2,
    agents: [{ id: 'bike', kind: 'cyclist', lane: 'R0', s: 50 + aheadM, d: -2.2, speed: 0 }],
  });
const rule = (v: ReturnType<typeof gate.checkCommand>) => v.rules.find((r) => r.rule === 'vru.proximity');

describe('a cyclist close beside the path at the start', () => {
  it('a KEEP (or an ACCELERATE) is repaired to braking at b_min down to walking pace, not a minimal-risk stop', () => {
    for (const c of [
      cmd({ speed: 'KEEP', targetSpeedMps: 5.2 }),
      cmd({ speed: 'ACCELERATE', targetSpeedMps: 8 }),
    ]) {
      const v = gate.checkCommand(c, beside(4));
      expect(v.decision).toBe('MODIFY');
      expect(v.mrm).toBeUndefined();
      expect(rule(v)?.decision).toBe('MODIFY');
      expect(v.modified?.speed).toBe('DECELERATE');
      expect(v.modified?.targetSpeedMps).toBeLessThanOrEqual(P.vruNearSpeedMps);
      expect(v.modified?.decelMps2).toBeGreaterThanOrEqual(P.rssEgo.brakeMinMps2);
    }
  });

  it('braking at b_min to walking pace passes', () => {
    const v = gate.checkCommand(cmd({ speed: 'DECELERATE', targetSpeedMps: 2.5, decelMps2: 4 }), beside(4));
    expect(rule(v)?.decision).toBe('ALLOW');
  });

  it('braking more gently is still refused', () => {
    const v = gate.checkCommand(cmd({ speed: 'DECELERATE', targetSpeedMps: 2.5, decelMps2: 1.5 }), beside(4));
    expect(rule(v)?.decision).not.toBe('ALLOW');
  });

  it('a cyclist 15 m ahead (walking pace within reach) holds the cap as before: the gentlest braking that makes it', () => {
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 5.2 }), beside(15));
    expect(rule(v)?.decision).toBe('MODIFY');
    expect(v.modified?.targetSpeedMps).toBeLessThanOrEqual(P.vruNearSpeedMps);
  });
});
