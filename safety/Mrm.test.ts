import { describe, expect, it } from 'vitest';
import { MRM_INITIAL, MrmParamsSchema, type MrmState, mrmDrive, mrmStep } from './Mrm.ts';

const P = MrmParamsSchema.parse({});
const allow = { decision: 'ALLOW' as const };
const vetoComfort = { decision: 'VETO' as const, mrm: { kind: 'COMFORT_STOP' as const, decelMps2: 1 } };
const vetoEmergency = { decision: 'VETO' as const, mrm: { kind: 'EMERGENCY_STOP' as const, decelMps2: 6 } };

describe('mrmStep', () => {
  it('stays normal while the gate allows', () => {
    const r = mrmStep(MRM_INITIAL, { tS: 0, verdict: allow, egoSpeedMps: 10 }, P);
    expect(r.output.active).toBe(false);
    expect(r.state.mode).toBe('NORMAL');
  });
  it('a VETO starts the requested MRM; a short ALLOW does not release it', () => {
    let s: MrmState = mrmStep(MRM_INITIAL, { tS: 0, verdict: vetoComfort, egoSpeedMps: 10 }, P).state;
    expect(s).toMatchObject({ mode: 'OPERATING', kind: 'COMFORT_STOP', decelMps2: 1 });
    s = mrmStep(s, { tS: 0.1, verdict: allow, egoSpeedMps: 9.9 }, P).state;
    expect(s.mode).toBe('OPERATING');
  });
  it('a running MRM is released before standstill after 0.5 s of passed commands (safe again)', () => {
    let s: MrmState = mrmStep(MRM_INITIAL, { tS: 0, verdict: vetoEmergency, egoSpeedMps: 20 }, P).state;
    for (let k = 1; k <= 5; k++)
      s = mrmStep(s, { tS: k * 0.1, verdict: allow, egoSpeedMps: 20 - k }, P).state;
    expect(s.mode).toBe('OPERATING');
    const r = mrmStep(s, { tS: 0.6, verdict: allow, egoSpeedMps: 14 }, P);
    expect(r.state.mode).toBe('NORMAL');
    expect(r.output.active).toBe(false);
  });
  it('in the release wait an emergency stop brakes at RSS b_min, not at its 8 m/s²; a VETO in the wait restores the rate', () => {
    const hard = { decision: 'VETO' as const, mrm: { kind: 'EMERGENCY_STOP' as const, decelMps2: 8 } };
    let r = mrmStep(MRM_INITIAL, { tS: 0, verdict: hard, egoSpeedMps: 12 }, P);
    expect(r.output.decelMps2).toBe(8);
    r = mrmStep(r.state, { tS: 0.1, verdict: allow, egoSpeedMps: 11.2 }, P);
    expect(r.output).toMatchObject({ active: true, kind: 'EMERGENCY_STOP', decelMps2: P.releaseBrakeMps2 });
    expect(P.releaseBrakeMps2).toBe(4);
    r = mrmStep(r.state, { tS: 0.2, verdict: hard, egoSpeedMps: 10.8 }, P);
    expect(r.output.decelMps2).toBe(8);
  });
  it('a repaired command (MODIFY) in the release wait keeps the emergency rate, offering b_min alone to ease to', () => {
    const hard = { decision: 'VETO' as const, mrm: { kind: 'EMERGENCY_STOP' as const, decelMps2: 8 } };
    let r = mrmStep(MRM_INITIAL, { tS: 0, verdict: hard, egoSpeedMps: 12 }, P);
    r = mrmStep(r.state, { tS: 0.1, verdict: { decision: 'MODIFY' }, egoSpeedMps: 11.2 }, P);
    expect(r.output).toMatchObject({ active: true, decelMps2: 8, easeMps2: [P.releaseBrakeMps2] });
    expect(r.state.allowSinceS).toBe(0.1); // (the wait runs on repairs too)
  });
  it('an ALLOW in the wait offers the rates to ease to, gentlest first: the comfortable stop, then b_min', () => {
    const hard = { decision: 'VETO' as const, mrm: { kind: 'EMERGENCY_STOP' as const, decelMps2: 8 } };
    let r = mrmStep(MRM_INITIAL, { tS: 0, verdict: hard, egoSpeedMps: 12 }, P);
    expect(r.output.easeMps2).toEqual([]);
    r = mrmStep(r.state, { tS: 0.1, verdict: allow, egoSpeedMps: 11.2 }, P);
    expect(r.output.easeMps2).toEqual([P.gentlestReleaseBrakeMps2, P.releaseBrakeMps2]);
    expect(P.gentlestReleaseBrakeMps2).toBe(1);
    r = mrmStep(r.state, { tS: 0.2, verdict: hard, egoSpeedMps: 10.8 }, P);
    expect(r.output.easeMps2).toEqual([]);
  });
  it('a stop at no more than b_min may still ease to the comfortable rate in the release wait', () => {
    const firm = { decision: 'VETO' as const, mrm: { kind: 'EMERGENCY_STOP' as const, decelMps2: 3 } };
    let r = mrmStep(MRM_INITIAL, { tS: 0, verdict: firm, egoSpeedMps: 12 }, P);
    r = mrmStep(r.state, { tS: 0.1, verdict: allow, egoSpeedMps: 11.7 }, P);
    expect(r.output).toMatchObject({ decelMps2: 3, easeMps2: [1] });
  });
  it('a comfortable stop gentler than b_min keeps its own rate in the release wait', () => {
    let r = mrmStep(MRM_INITIAL, { tS: 0, verdict: vetoComfort, egoSpeedMps: 10 }, P);
    r = mrmStep(r.state, { tS: 0.1, verdict: allow, egoSpeedMps: 9.9 }, P);
    expect(r.output).toMatchObject({ decelMps2: 1, easeMps2: [] });
  });
  it('a VETO during the release wait restarts it', () => {
    let s: MrmState = mrmStep(MRM_INITIAL, { tS: 0, verdict: vetoComfort, egoSpeedMps: 10 }, P).state;
    s = mrmStep(s, { tS: 0.1, verdict: allow, egoSpeedMps: 9.9 }, P).state;
    s = mrmStep(s, { tS: 0.4, verdict: vetoComfort, egoSpeedMps: 9.6 }, P).state;
    s = mrmStep(s, { tS: 0.6, verdict: allow, egoSpeedMps: 9.4 }, P).state;
    expect(s.mode).toBe('OPERATING');
  });
  it('an emergency escalates a comfortable stop, a comfortable request never softens an emergency', () => {
    let s = mrmStep(MRM_INITIAL, { tS: 0, verdict: vetoComfort, egoSpeedMps: 10 }, P).state;
    s = mrmStep(s, { tS: 0.1, verdict: vetoEmergency, egoSpeedMps: 9.9 }, P).state;
    expect(s).toMatchObject({ kind: 'EMERGENCY_STOP', decelMps2: 6 });
    s = mrmStep(s, { tS: 0.2, verdict: vetoComfort, egoSpeedMps: 9.3 }, P).state;
    expect(s).toMatchObject({ kind: 'EMERGENCY_STOP', decelMps2: 6 });
  });
  it('succeeds at standstill and resumes after 1 s of ALLOW (10 ticks)', () => {
    let s = mrmStep(MRM_INITIAL, { tS: 0, verdict: vetoComfort, egoSpeedMps: 0.5 }, P).state;
    s = mrmStep(s, { tS: 0.5, verdict: allow, egoSpeedMps: 0.05 }, P).state;
    expect(s.mode).toBe('SUCCEEDED');
    for (let k = 1; k < 10; k++)
      s = mrmStep(s, { tS: 0.5 + k * 0.1, verdict: allow, egoSpeedMps: 0 }, P).state;
    expect(s.mode).toBe('SUCCEEDED');
    s = mrmStep(s, { tS: 1.5, verdict: allow, egoSpeedMps: 0 }, P).state;
    expect(s.mode).toBe('NORMAL');
  });
  it('a VETO while stopped restarts the recovery wait', () => {
    let s = mrmStep(MRM_INITIAL, { tS: 0, verdict: vetoComfort, egoSpeedMps: 0 }, P).state;
    s = mrmStep(s, { tS: 0.1, verdict: allow, egoSpeedMps: 0 }, P).state;
    s = mrmStep(s, { tS: 0.9, verdict: vetoComfort, egoSpeedMps: 0 }, P).state;
    s = mrmStep(s, { tS: 1.5, verdict: allow, egoSpeedMps: 0 }, P).state;
    expect(s.mode).toBe('SUCCEEDED');
  });
  it('is replayable: the same inputs give the same states', () => {
    const inputs = [vetoComfort, allow, vetoEmergency, allow, allow].map((v, i) => ({
      tS: i * 0.1,
      verdict: v,
      egoSpeedMps: Math.max(0, 5 - i * 2),
    }));
    const run = (): MrmState[] => {
      const states: MrmState[] = [];
      let st = MRM_INITIAL;
      for (const inp of inputs) {
        st = mrmStep(st, inp, P).state;
        states.push(st);
      }
      return states;
    };
    expect(run()).toEqual(run());
  });
});

describe('mrmDrive: what a check leaves driving', () => {
  const base = {
    speed: 'KEEP' as const,
    path: 'FOLLOW_LANE' as const,
    targetSpeedMps: 12,
    stopAt: { x: 1, y: 2 },
    horizonS: 5,
    rationale: '',
    issuedAtS: 0.1,
    expiresAtS: 1.1,
    source: 'planner',
  };
  const hard = { decision: 'VETO' as const, mrm: { kind: 'EMERGENCY_STOP' as const, decelMps2: 8 } };
  /** VETO at 0 s, then `second` at 0.1 s; the eased stop passes or not. */
  const twoChecks = (
    second: { decision: 'ALLOW' | 'MODIFY' | 'VETO' },
    passes: boolean | ((rateMps2: number) => boolean),
    laneClear = false,
  ) => {
    const ok = (rate: number): boolean => (typeof passes === 'boolean' ? passes : passes(rate));
    const m0 = mrmStep(MRM_INITIAL, { tS: 0, verdict: hard, egoSpeedMps: 12 }, P);
    const first = mrmDrive(m0, MRM_INITIAL, hard, base, (_s, rate) => ok(rate));
    const m1 = mrmStep(m0.state, { tS: 0.1, verdict: second, egoSpeedMps: 11.2 }, P);
    const seen: number[] = [];
    const next = mrmDrive(
      m1,
      m0.state,
      second,
      base,
      (_s, rate) => {
        seen.push(rate);
        return ok(rate);
      },
      () => laneClear,
    );
    return { first, next, seen };
  };

  it("a VETO drives the stop at its rate, in lane, without the planner's stop point", () => {
    const { first } = twoChecks(allow, true);
    expect(first.drive).toMatchObject({ active: true, reason: 'MRM_VETO', decelMps2: 8 });
    expect(first.stop).toMatchObject({
      speed: 'STOP',
      targetSpeedMps: 0,
      decelMps2: 8,
      source: 'mrm:EMERGENCY_STOP',
    });
    expect(first.stop!.stopAt).toBeUndefined();
  });

  it("an ALLOW in the wait eases to the comfortable stop's rate where the gate passes that stop", () => {
    const { next, seen } = twoChecks(allow, true);
    expect(seen).toEqual([1]);
    expect(next.drive).toMatchObject({ reason: 'MRM_EASED', decelMps2: 1 });
    expect(next.stop!.decelMps2).toBe(1);
  });

  it('an ALLOW in the wait eases to b_min where the gate refuses the comfortable rate but passes b_min', () => {
    const { next, seen } = twoChecks(allow, (rate) => rate >= 4);
    expect(seen).toEqual([1, 4]);
    expect(next.drive).toMatchObject({ reason: 'MRM_EASED', decelMps2: 4 });
    expect(next.stop!.decelMps2).toBe(4);
  });

  it("an eased stop the gate refuses at every rate keeps the VETO's rate", () => {
    const { next, seen } = twoChecks(allow, false);
    expect(seen).toEqual([1, 4]);
    expect(next.drive).toMatchObject({ reason: 'MRM_EASE_REFUSED', decelMps2: 8 });
    expect(next.stop!.decelMps2).toBe(8);
  });

  it('a repair in the wait with a vehicle in the ego’s lane holds the rate without asking about an eased stop', () => {
    const { next, seen } = twoChecks({ decision: 'MODIFY' }, true, false);
    expect(seen).toEqual([]);
    expect(next.drive).toMatchObject({ reason: 'MRM_HOLD', decelMps2: 8 });
  });

  it('a repair in the wait with the ego’s lane clear eases to b_min where the gate passes that stop', () => {
    const { next, seen } = twoChecks({ decision: 'MODIFY' }, true, true);
    expect(seen).toEqual([4]);
    expect(next.drive).toMatchObject({ reason: 'MRM_EASED', decelMps2: 4 });
  });

  it('a repair in the wait with the ego’s lane clear keeps the rate where the gate refuses b_min', () => {
    const { next } = twoChecks({ decision: 'MODIFY' }, false, true);
    expect(next.drive).toMatchObject({ reason: 'MRM_EASE_REFUSED', decelMps2: 8 });
  });

  it('the check that releases the stop says so; the checked command drives', () => {
    let m = mrmStep(MRM_INITIAL, { tS: 0, verdict: hard, egoSpeedMps: 20 }, P);
    for (let k = 1; k <= 5; k++)
      m = mrmStep(m.state, { tS: k * 0.1, verdict: allow, egoSpeedMps: 20 - k }, P);
    const last = mrmStep(m.state, { tS: 0.6, verdict: allow, egoSpeedMps: 14 }, P);
    const r = mrmDrive(last, m.state, allow, base, () => true);
    expect(r.drive).toMatchObject({ active: false, reason: 'MRM_RELEASED' });
    expect(r.stop).toBeUndefined();
  });
});
