import { describe, expect, it } from 'vitest';
import type { MidLevelCommand, Verdict } from '../../core/index.ts';
import { ego, snapshotOf } from '../../core/testFixtures.ts';
import { GATE_CAP_MEMORY_INITIAL, gateCapHolds, gateCapOf, gateCapStep, underGateCap } from './GateCap.ts';

const asked: MidLevelCommand = {
  speed: 'ACCELERATE',
  path: 'FOLLOW_LANE',
  targetSpeedMps: 8,
  horizonS: 6,
  rationale: 'rules',
  issuedAtS: 0,
  expiresAtS: 1,
  source: 'hierarchical/rules',
};

const modify = (modified: MidLevelCommand, values: Record<string, string> = {}): Verdict => ({
  decision: 'MODIFY',
  rules: [{ rule: 'map.drivableArea', decision: 'MODIFY', values, message: 'leaves the drivable area' }],
  modified,
  explanation: 'MODIFY',
});

describe('gate cap', () => {
  it('a repair that does not slow the command (a jerk limit) sets no cap', () => {
    const cap = gateCapOf({ command: asked, verdict: modify({ ...asked, jerkMps3: 4 }) }, 0, 1);
    expect(cap).toBeUndefined();
  });

  it('a repair of a lane change or borrow sets no cap (the re-plan leaves the manoeuvre instead)', () => {
    const borrow: MidLevelCommand = { ...asked, path: 'LEFT_BORROW' };
    const cap = gateCapOf({ command: borrow, verdict: modify({ ...borrow, targetSpeedMps: 3 }) }, 0, 1);
    expect(cap).toBeUndefined();
  });

  it('a repair to a standstill sets no cap (a held stop would cost a standing start)', () => {
    const stop: MidLevelCommand = { ...asked, speed: 'STOP', targetSpeedMps: 0, decelMps2: 3 };
    expect(gateCapOf({ command: asked, verdict: modify(stop) }, 0, 1)).toBeUndefined();
    const soft: MidLevelCommand = { ...asked, speed: 'DECELERATE', targetSpeedMps: 0, decelMps2: 1 };
    expect(gateCapOf({ command: asked, verdict: modify(soft) }, 0, 1)).toBeUndefined();
  });

  it('below the cap the plan may speed up to it, no further', () => {
    const cap = gateCapOf(
      { command: asked, verdict: modify({ ...asked, speed: 'DECELERATE', targetSpeedMps: 5 }) },
      0,
      1,
    )!;
    expect(underGateCap(asked, cap, 3)).toMatchObject({ speed: 'ACCELERATE', targetSpeedMps: 5 });
    expect(underGateCap(asked, cap, 5)).toMatchObject({ speed: 'KEEP', targetSpeedMps: 5 });
  });

  it('a rule about a region holds the cap for the whole hold, named agents or not', () => {
    const verdict = modify({ ...asked, speed: 'DECELERATE', targetSpeedMps: 5 });
    verdict.rules.push({ rule: 'vru.stepOut', decision: 'MODIFY', values: { agentId: 'ped' }, message: '' });
    const cap = gateCapOf({ command: asked, verdict }, 0, 1);
    expect(gateCapHolds(cap, snapshotOf(ego(0.5, 0, 0, 5), ['L0']))).toBe(true);
    expect(gateCapHolds(cap, snapshotOf(ego(1.0, 0, 0, 5), ['L0']))).toBe(false);
  });

  it('a speed repair caps only when it repeats a rule of a repair less than repeatS before', () => {
    const fb = { command: asked, verdict: modify({ ...asked, speed: 'DECELERATE', targetSpeedMps: 5 }) };
    const lone = gateCapStep(GATE_CAP_MEMORY_INITIAL, fb, 0, 1, 2);
    expect(lone.cap).toBeUndefined();
    expect(gateCapStep(lone, fb, 0.1, 1, 2).cap?.speedMps).toBe(5);
    expect(gateCapStep(lone, fb, 2.5, 1, 2).cap).toBeUndefined();
  });

  it("above the cap the plan holds its speed (the braking is the gate's repair)", () => {
    const repair: MidLevelCommand = { ...asked, speed: 'DECELERATE', targetSpeedMps: 3, decelMps2: 1.5 };
    const cap = gateCapOf({ command: asked, verdict: modify(repair) }, 0, 1)!;
    const out = underGateCap(asked, cap, 6);
    expect(out).toMatchObject({ speed: 'KEEP', targetSpeedMps: 6 });
    expect(out.decelMps2).toBeUndefined();
  });

  it('a command that was braking keeps its braking rate under the cap', () => {
    const repair: MidLevelCommand = { ...asked, speed: 'DECELERATE', targetSpeedMps: 3, decelMps2: 1.5 };
    const cap = gateCapOf({ command: asked, verdict: modify(repair) }, 0, 1)!;
    const braking: MidLevelCommand = { ...asked, speed: 'DECELERATE', targetSpeedMps: 4, decelMps2: 3.5 };
    const out = underGateCap(braking, cap, 6);
    expect(out).toMatchObject({ speed: 'DECELERATE', targetSpeedMps: 4, decelMps2: 3.5 });
  });

  it('and its onset: a ramped DECELERATE stays one (as a KEEP the controller stepped it)', () => {
    const repair: MidLevelCommand = { ...asked, speed: 'DECELERATE', targetSpeedMps: 3, decelMps2: 1.5 };
    const cap = gateCapOf({ command: asked, verdict: modify(repair) }, 0, 1)!;
    const ramp: MidLevelCommand = {
      ...asked,
      speed: 'DECELERATE',
      targetSpeedMps: 4,
      decelMps2: 1.56,
      jerkMps3: 2.5,
    };
    expect(underGateCap(ramp, cap, 6)).toMatchObject({ speed: 'DECELERATE', decelMps2: 1.56, jerkMps3: 2.5 });
  });
});
