/**
 * The runtime stack drives the same minimal-risk manoeuvre as the simulator's gated planner (one
 * `mrmStep` + `mrmDrive`): a running emergency stop eases, on a check that the gate allows unchanged,
 * to the gentlest rate whose stop the gate passes (the comfortable stop's, else RSS b_min), and the audit log records the
 * stop driven, its rate and why. The planner's commands are answered from a script (VETO, then
 * ALLOW), the MRM's stops by the real gate; the scene is GatedPlanner.test.ts's (ego at 12 m/s on
 * R0, a car standing 20 m, 50 m or 150 m ahead).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClassicalController } from '../controller/index.ts';
import type { MidLevelCommand, Verdict, WorldSnapshot } from '../core/index.ts';
import { RoutePath } from '../core/map/index.ts';
import type { CommandPlanner, PlannerContext } from '../core/planning/index.ts';
import { AuditLog } from '../safety/AuditLog.ts';
import { readAuditRecords } from '../safety/auditReader.ts';
import { createSafetyGate, type SafetyGate } from '../safety/SafetyGate.ts';
import { createGatedPlanner } from './GatedPlanner.ts';
import { createStack, type StackTick } from './Stack.ts';
import { CAR, cmd, roadMap, scene } from './testing/safetyScenes.ts';

const map = roadMap({ lanes: 1 });
const real = createSafetyGate();
const ctx: PlannerContext = { map, route: RoutePath.build(map, ['R0']), vehicle: CAR, dtS: 0.1, seed: 0 };
const withCar = (tS: number, carS: number): WorldSnapshot =>
  scene({ map, s: 50, speed: 12, tS, agents: [{ id: 'obs', lane: 'R0', s: carS, speed: 0 }] }).snapshot;

const emergency: Verdict = {
  decision: 'VETO',
  rules: [{ rule: 'rss.longitudinal', decision: 'VETO', values: {}, message: 'scripted' }],
  explanation: 'scripted veto',
  mrm: { kind: 'EMERGENCY_STOP', decelMps2: 8 },
};
const allow: Verdict = { decision: 'ALLOW', rules: [], explanation: 'scripted allow' };

/**
 * The real gate, with the planner's commands answered from a script — `first` (the emergency VETO unless given), then `after`
 * (ALLOW unless given) — and the MRM's stops by the real gate.
 */
function scripted(after: (c: MidLevelCommand) => Verdict = () => allow, first = emergency): SafetyGate {
  let k = 0;
  return {
    ...real,
    checkCommand: (c, sc, o) =>
      (c as MidLevelCommand).source.startsWith('mrm:')
        ? real.checkCommand(c, sc, o)
        : k++ === 0
          ? first
          : after(c as MidLevelCommand),
  };
}

/** A command planner that keeps 12 m/s in lane. */
const keeper: CommandPlanner<null> = {
  name: 'keeper',
  init: () => null,
  plan: (state, req) => ({
    state,
    output: {
      command: cmd({ targetSpeedMps: 12, issuedAtS: req.snapshot.tS, expiresAtS: req.snapshot.tS + 1 }),
    },
  }),
};

/** Control steps at 0, 0.05 and 0.1 s (plans at 0 and 0.1 s); each step's output. */
function runStack(carS: number, audit?: AuditLog): StackTick[] {
  const stack = createStack({
    planner: keeper,
    gate: scripted(),
    controller: createClassicalController(),
    rates: { planHz: 10, controlHz: 20, maxReplans: 0 },
    ...(audit ? { audit } : {}),
  });
  stack.init(ctx, withCar(0, carS));
  return [0, 0.05, 0.1].map((tS) => stack.tick(withCar(tS, carS)));
}

describe('runtime stack: the release wait after an emergency stop', () => {
  it("the VETO's stop brakes at its 8 m/s², and holds it while no check has passed anything", () => {
    const outs = runStack(200);
    expect(outs[0]!.driven).toMatchObject({ reason: 'MRM_VETO', decelMps2: 8 });
    expect(outs[0]!.command).toMatchObject({ speed: 'STOP', source: 'mrm:EMERGENCY_STOP', decelMps2: 8 });
    expect(outs[1]!.command.decelMps2).toBe(8);
  });

  it("on an allowed check the stop eases to the comfortable stop's rate (1 m/s²) where the gate passes that stop: the car 150 m ahead", () => {
    const out = runStack(200)[2]!;
    expect(out.driven).toMatchObject({ reason: 'MRM_EASED', decelMps2: 1 });
    expect(out.command).toMatchObject({ speed: 'STOP', source: 'mrm:EMERGENCY_STOP', decelMps2: 1 });
    expect(out.mrm).toBe(true);
  });

  it('with the car standing 50 m ahead the gate refuses the comfortable stop and passes b_min: the stop eases to 4 m/s²', () => {
    const out = runStack(100)[2]!;
    expect(out.driven).toMatchObject({ reason: 'MRM_EASED', decelMps2: 4 });
    expect(out.command).toMatchObject({ speed: 'STOP', source: 'mrm:EMERGENCY_STOP', decelMps2: 4 });
  });

  it('the gate refuses the eased stop with the car standing 20 m ahead: the VETO’s 8 m/s² is kept', () => {
    const out = runStack(70)[2]!;
    expect(out.driven).toMatchObject({ reason: 'MRM_EASE_REFUSED', decelMps2: 8 });
    expect(out.command).toMatchObject({ speed: 'STOP', source: 'mrm:EMERGENCY_STOP', decelMps2: 8 });
  });

  it("drives the gated planner's stop: the same kind, rate and path on both scenes", () => {
    for (const carS of [70, 200]) {
      const gate = scripted();
      const inner = {
        name: 'keep',
        init: () => null,
        step: (_s: null, snap: WorldSnapshot) => {
          const command = cmd({ targetSpeedMps: 12, issuedAtS: snap.tS, expiresAtS: snap.tS + 1 });
          return {
            state: null,
            output: {
              command,
              trajectory: real.trajectoryFor(command, scene({ map, s: 50, speed: 12, tS: snap.tS })),
            },
          };
        },
      };
      const p = createGatedPlanner(inner, { gate });
      let st = p.init(ctx, withCar(0, carS));
      st = p.step(st, withCar(0, carS), ctx).state;
      const sim = p.step(st, withCar(0.1, carS), ctx).output.command!;
      const rt = runStack(carS)[2]!.command;
      expect({ speed: rt.speed, path: rt.path, source: rt.source, decelMps2: rt.decelMps2 }).toEqual({
        speed: sim.speed,
        path: sim.path,
        source: sim.source,
        decelMps2: sim.decelMps2,
      });
    }
  });

  it("a planner command's own rate and onset jerk do not lend themselves to the gated planner's stop", () => {
    // the planner asks DECELERATE at 0.3 m/s² with a 1 m/s³ onset; the VETO's stop is 8 m/s² at once
    const gate = scripted();
    const gentle = (tS: number) =>
      cmd({
        speed: 'DECELERATE',
        targetSpeedMps: 11,
        decelMps2: 0.3,
        jerkMps3: 1,
        issuedAtS: tS,
        expiresAtS: tS + 1,
      });
    const inner = {
      name: 'gentle',
      init: () => null,
      step: (_s: null, snap: WorldSnapshot) => {
        const command = gentle(snap.tS);
        return {
          state: null,
          output: {
            command,
            trajectory: real.trajectoryFor(command, scene({ map, s: 50, speed: 12, tS: snap.tS })),
          },
        };
      },
    };
    const p = createGatedPlanner(inner, { gate });
    const st = p.init(ctx, withCar(0, 200));
    const stop = p.step(st, withCar(0, 200), ctx).output.command!;
    expect(stop.source).toBe('mrm:EMERGENCY_STOP');
    expect(stop.decelMps2).toBe(8);
    expect(stop.jerkMps3).toBeUndefined();
  });

  it('a repair in force that the gate passes again is no all-clear: the stop eases on it no further than b_min', () => {
    // the planner's command: VETO, then MODIFY with a repair; the repair itself is allowed when re-checked
    const repair = (c: MidLevelCommand): MidLevelCommand => ({
      ...c,
      speed: 'DECELERATE',
      targetSpeedMps: 11,
      decelMps2: 1,
      source: 'repair',
    });
    const drivenWith = (carAheadM: number) => {
      const stack = createStack({
        planner: keeper,
        gate: scripted((c) =>
          c.source === 'repair'
            ? allow
            : {
                decision: 'MODIFY',
                rules: [{ rule: 'rss.longitudinal', decision: 'MODIFY', values: {}, message: 'scripted' }],
                explanation: 'scripted repair',
                modified: repair(c),
              },
        ),
        controller: createClassicalController(),
        rates: { planHz: 10, controlHz: 20, maxReplans: 0 },
      });
      stack.init(ctx, withCar(0, carAheadM));
      return [0, 0.05, 0.1, 0.15, 0.2, 0.25].map((tS) => stack.tick(withCar(tS, carAheadM)).driven);
    };
    // the car 200 m ahead: the ego's lane is clear within 100 m; taken as an ALLOW the stop would
    // ease to the comfortable 1 m/s²
    const clear = drivenWith(200).filter((d) => d.reason === 'MRM_EASED');
    expect(clear.length).toBeGreaterThan(0);
    for (const d of clear) expect(d.decelMps2).toBe(4);
  });

  it('the audit log records the stop driven, its rate and why at each check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-stack-audit-'));
    const path = join(dir, 'audit.jsonl');
    const opened = AuditLog.open(path, { keyPath: join(dir, 'k.pem') });
    if (!opened.ok) throw new Error(opened.error.message);
    runStack(200, opened.value.log);
    opened.value.log.close();
    const recs = readAuditRecords(path);
    if (!recs.ok) throw new Error(recs.error.message);
    expect(
      recs.value.map((r) => [
        r.tS,
        r.verdict.decision,
        r.command?.source,
        r.driven?.reason,
        r.driven?.decelMps2,
      ]),
    ).toEqual([
      [0, 'VETO', 'test', 'MRM_VETO', 8],
      [0.1, 'ALLOW', 'test', 'MRM_EASED', 1],
    ]);
    expect(recs.value[1]!.driven!.command).toMatchObject({
      speed: 'STOP',
      source: 'mrm:EMERGENCY_STOP',
      decelMps2: 1,
    });
  });
});

describe('runtime stack: a refused plan re-planned on the same tick', () => {
  const comfortVeto: Verdict = {
    decision: 'VETO',
    rules: [{ rule: 'laneChange.permitted', decision: 'VETO', values: {}, message: 'scripted' }],
    explanation: 'scripted veto',
    mrm: { kind: 'COMFORT_STOP', decelMps2: 1 },
  };
  const run = (planLatencyS: number, audit?: AuditLog) => {
    const stack = createStack({
      planner: keeper,
      gate: scripted(() => allow, comfortVeto),
      controller: createClassicalController(),
      rates: { planHz: 10, controlHz: 20, maxReplans: 1, planLatencyS },
      ...(audit ? { audit } : {}),
    });
    stack.init(ctx, withCar(0, 200));
    return { stack, outs: [0, 0.05, 0.1, 0.15].map((tS) => stack.tick(withCar(tS, 200))) };
  };

  it('the passed re-plan drives from that tick: no minimal-risk stop, and the audit log keeps the refusal without `driven`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-stack-replan-'));
    const path = join(dir, 'audit.jsonl');
    const opened = AuditLog.open(path, { keyPath: join(dir, 'k.pem') });
    if (!opened.ok) throw new Error(opened.error.message);
    const { stack, outs } = run(0, opened.value.log);
    opened.value.log.close();
    for (const o of outs) {
      expect(o.mrm).toBe(false);
      expect(o.driven.reason).toBe('COMMAND');
    }
    expect(stack.stats.replans).toBe(1);
    expect(stack.stats.verdicts.VETO).toBe(1);
    const recs = readAuditRecords(path);
    if (!recs.ok) throw new Error(recs.error.message);
    expect(recs.value.slice(0, 2).map((r) => [r.tS, r.verdict.decision, r.driven?.reason])).toEqual([
      [0, 'VETO', undefined],
      [0, 'ALLOW', 'COMMAND'],
    ]);
  });

  it('a re-plan that lands later (0.05 s of modelled latency) leaves the refusal in force: its stop drives meanwhile', () => {
    const { outs } = run(0.05);
    // the first plan lands at 0.05 s and is refused; its re-plan lands at 0.1 s
    expect(outs[1]!.driven.reason).toBe('MRM_VETO');
    expect(outs[1]!.mrm).toBe(true);
    expect(outs[2]!.driven.reason).not.toBe('COMMAND');
  });
});
