/**
 * The situational-safety gate (Autoware `vehicle_cmd_gate` / `planning_validator` in spirit): it
 * trusts nothing the planner or controller says. Every command is parsed, range- and
 * freshness-checked, rolled forward over the horizon against the agents' predicted motion, and
 * checked by named rules; a failing command is repaired if one of a few modifications (postpone
 * the lane change, cap the speed, stop earlier) passes every rule, otherwise vetoed with a
 * minimal-risk manoeuvre. `checkControl` clamps each control step to the platform's limits.
 */
import type { Control, EgoState, MidLevelCommand, RuleResult, Trajectory, Verdict } from '../core/index.ts';
import { AgentForecast, forecastAgents } from './AgentForecast.ts';
import { canonicalJson, sha256Hex } from './canonicalJson.ts';
import { checkControlStep } from './checkControlStep.ts';
import { LanePathCache, Rollout, rolloutCommand, rolloutToTrajectory, rolloutTrajectory } from './Rollout.ts';
import { type CheckContext, type Fix, frontOffset, RuleSink, round } from './rules/CheckContext.ts';
import { collisionRule, ttcRule } from './rules/collision.ts';
import { inputRules, parseCommand } from './rules/inputRule.ts';
import { kinematicsRule } from './rules/kinematicsRule.ts';
import { laneChangeRules } from './rules/laneChangeRule.ts';
import { mapRules } from './rules/mapRule.ts';
import { rssRule } from './rules/rssRule.ts';
import { signalRules } from './rules/signalRule.ts';
import { vruRule } from './rules/vruRule.ts';
import { type SafetyParams, type SafetyParamsInput, SafetyParamsSchema } from './SafetyParams.ts';
import type { SafetyScene } from './Scene.ts';

export interface CheckOptions {
  /** The planned trajectory behind the command: checked instead of the command's roll-out. */
  trajectory?: Trajectory;
}

export interface ControlCheck {
  verdict: Verdict;
  /** The control to apply (clamped on MODIFY, a brake on VETO). */
  control: Control;
}

export interface SafetyGate {
  readonly params: SafetyParams;
  /** SHA-256 of the canonical parameters (goes into every audit record). */
  readonly configHash: string;
  /** Checks one command (untrusted input) in one scene. */
  checkCommand(command: unknown, scene: SafetyScene, opts?: CheckOptions): Verdict;
  /** Checks one control step against the platform's limits and the state's freshness. */
  checkControl(
    control: unknown,
    state: EgoState,
    scene: Pick<SafetyScene, 'vehicle' | 'nowS'> & { dtS?: number },
  ): ControlCheck;
  /** The trajectory (0.1 s poses) that executes `command` in `scene` (for MODIFY) . */
  trajectoryFor(command: MidLevelCommand, scene: SafetyScene, overrides?: Partial<SafetyParams>): Trajectory;
}

/** Rule order: the rules that most often fail first (a repair candidate stops at its first failure). */
const RULES = [
  collisionRule,
  ttcRule,
  rssRule,
  vruRule,
  signalRules,
  laneChangeRules,
  mapRules,
  kinematicsRule,
];

/** Creates a gate; `params` are validated and defaulted (throws on invalid params: a programming error). */
export function createSafetyGate(input: SafetyParamsInput = {}): SafetyGate {
  const params = SafetyParamsSchema.parse(input);
  const configHash = sha256Hex(canonicalJson(params));
  const cap = Math.round(params.horizonS / params.stepS) + 2;
  const rollout = new Rollout(Math.max(cap, 64));
  const trajRollout = new Rollout(128);
  const forecast = new AgentForecast(128, Math.max(cap, 64));
  const sink = new RuleSink();
  const candSink = new RuleSink();
  let paths: LanePathCache | undefined;
  const pathsFor = (scene: SafetyScene): LanePathCache => {
    if (!paths || paths.map !== scene.map) paths = new LanePathCache(scene.map);
    return paths;
  };

  function evaluate(
    cmd: MidLevelCommand,
    scene: SafetyScene,
    traj: Trajectory | undefined,
    out: RuleSink,
    firstOnly = false,
  ): void {
    out.clear();
    const snap = scene.snapshot;
    const ego = snap.ego;
    const cache = pathsFor(scene);
    if (traj) rolloutTrajectory(traj, ego, scene.map, snap.route.laneIds, params, cache, cmd.path, rollout);
    else rolloutCommand(cmd, ego, scene.map, snap.route.laneIds, scene.vehicle, params, cache, rollout);
    // agents beyond what either side can cover in the horizon (agents up to 20 m/s) cannot matter
    const radius = (ego.speedMps + 20) * params.horizonS + params.cullMarginM;
    forecastAgents(
      snap.agents,
      scene.map,
      cache,
      snap.route.laneIds,
      ego.x,
      ego.y,
      radius,
      rollout.n,
      rollout.dtS,
      forecast,
    );
    const ctx: CheckContext = {
      snapshot: snap,
      map: scene.map,
      vehicle: scene.vehicle,
      params,
      command: cmd,
      rollout,
      forecast,
      fromTrajectory: !!traj,
    };
    for (const rule of RULES) {
      rule(ctx, out);
      // a repair candidate only needs to know whether (and why first) it fails
      if (firstOnly && out.violations > 0) return;
    }
  }

  function stopPoint(scene: SafetyScene, sRear: number): { x: number; y: number } | undefined {
    const path = rollout.path;
    if (!path) return undefined;
    const p = path.line.toCartesian(sRear + frontOffset(scene.vehicle), 0);
    return { x: p.x, y: p.y };
  }

  interface Acc {
    postpone: boolean;
    cap: number;
    stopS: number;
    minSpeed: number;
    critical: boolean;
  }
  /** Merges fixes into `acc`; returns whether the repair changed (no change: stop iterating). */
  const accumulate = (acc: Acc, fixes: ReadonlyArray<Fix>): boolean => {
    const before = `${acc.postpone}|${acc.cap}|${acc.stopS}|${acc.minSpeed}`;
    for (const f of fixes) {
      if (f.postponeLaneChange) acc.postpone = true;
      if (f.capSpeedMps !== undefined) acc.cap = Math.min(acc.cap, f.capSpeedMps);
      if (f.stopBeforeS !== undefined) acc.stopS = Math.min(acc.stopS, f.stopBeforeS);
      if (f.minSpeedMps !== undefined) acc.minSpeed = Math.max(acc.minSpeed, f.minSpeedMps);
      if (f.critical) acc.critical = true;
    }
    return `${acc.postpone}|${acc.cap}|${acc.stopS}|${acc.minSpeed}` !== before;
  };

  function applyFixes(
    cmd: MidLevelCommand,
    acc: Acc,
    scene: SafetyScene,
    stopPt: { x: number; y: number } | undefined,
  ): MidLevelCommand {
    const m: MidLevelCommand = { ...cmd };
    if (acc.postpone) {
      m.path = 'FOLLOW_LANE';
      delete m.targetLaneId;
    }
    if (acc.minSpeed > 0) {
      m.speed = 'KEEP';
      m.targetSpeedMps = Math.max(acc.minSpeed, cmd.targetSpeedMps ?? scene.snapshot.ego.speedMps);
      delete m.stopAt;
      return m;
    }
    if (Number.isFinite(acc.stopS) && stopPt) {
      m.speed = 'STOP';
      m.targetSpeedMps = 0;
      m.stopAt = stopPt;
    } else if (Number.isFinite(acc.cap)) {
      const v0 = scene.snapshot.ego.speedMps;
      const target = Math.min(acc.cap, m.targetSpeedMps ?? v0);
      m.speed = target < v0 - 0.1 ? 'DECELERATE' : 'KEEP';
      m.targetSpeedMps = Math.max(0, target);
    }
    return m;
  }

  function describe(m: MidLevelCommand, original: MidLevelCommand): string {
    const parts: string[] = [];
    if (m.path !== original.path) parts.push(`postpone ${original.path} (keep the lane)`);
    if (m.speed === 'STOP' && original.speed !== 'STOP')
      parts.push(m.stopAt ? `stop at (${round(m.stopAt.x, 1)}, ${round(m.stopAt.y, 1)})` : 'stop');
    else if (m.speed === 'STOP' && m.stopAt && original.stopAt !== m.stopAt)
      parts.push(`stop earlier, at (${round(m.stopAt.x, 1)}, ${round(m.stopAt.y, 1)})`);
    else if (m.targetSpeedMps !== original.targetSpeedMps)
      parts.push(`cap the speed at ${round(m.targetSpeedMps ?? 0)} m/s`);
    return parts.join(', ') || 'adjusted';
  }

  function results(s: RuleSink, decision: 'MODIFY' | 'VETO'): RuleResult[] {
    return s.outcomes.map((o) => (o.result.decision === 'ALLOW' ? o.result : { ...o.result, decision }));
  }

  function veto(
    rules: RuleResult[],
    why: string,
    scene: SafetyScene,
    critical: boolean,
    stopS: number,
  ): Verdict {
    const v = scene.snapshot.ego.speedMps;
    let kind: 'COMFORT_STOP' | 'EMERGENCY_STOP' | 'SHOULDER_STOP' = 'COMFORT_STOP';
    let decel = params.comfortStopDecelMps2;
    if (critical) {
      kind = 'EMERGENCY_STOP';
      // stop short of the first conflict; without a point, at twice the comfortable rate
      const room =
        Number.isFinite(stopS) && rollout.n > 0
          ? Math.max(0.5, stopS - rollout.s[0]!)
          : (v * v) / (4 * params.comfortStopDecelMps2) + 0.5;
      decel = Math.min(
        scene.vehicle.maxDecelMps2,
        Math.max(params.comfortStopDecelMps2 * 2, (v * v) / (2 * room)),
      );
    } else if (shoulderRight(scene)) kind = 'SHOULDER_STOP';
    return {
      decision: 'VETO',
      rules,
      mrm: { kind, decelMps2: round(decel, 3) },
      explanation: `VETO: ${why} → minimal-risk manoeuvre ${kind} at ${round(decel)} m/s²`,
    };
  }

  function shoulderRight(scene: SafetyScene): boolean {
    const lane = scene.map.lane(rollout.startLaneId);
    const r = lane?.data.right ? scene.map.lane(lane.data.right.laneId) : undefined;
    return !!r && r.data.type === 'shoulder';
  }

  function checkCommand(input: unknown, scene: SafetyScene, opts: CheckOptions = {}): Verdict {
    const parsed = parseCommand(input);
    if (!parsed.ok) {
      const rule: RuleResult = {
        rule: 'input.schema',
        decision: 'VETO',
        values: { path: parsed.error.path },
        message: parsed.error.message,
      };
      return {
        decision: 'VETO',
        rules: [rule],
        mrm: { kind: 'COMFORT_STOP', decelMps2: params.comfortStopDecelMps2 },
        explanation: `VETO: command rejected: ${parsed.error.path}: ${parsed.error.message} → minimal-risk manoeuvre COMFORT_STOP`,
      };
    }
    const cmd = parsed.value;
    const nowS = scene.nowS ?? scene.snapshot.tS;
    const inputSink = new RuleSink();
    inputSink.pass('input.schema', 'command parses');
    const inputOk = inputRules(cmd, scene.snapshot, scene.map, scene.vehicle, params, nowS, inputSink);
    evaluate(cmd, scene, opts.trajectory, sink);
    const all = new RuleSink();
    for (const o of inputSink.outcomes) all.outcomes.push(o);
    for (const o of sink.outcomes) all.outcomes.push(o);
    all.violations = inputSink.violations + sink.violations;
    const failing = all.outcomes.filter((o) => o.fix);
    if (!inputOk) {
      const why = failing.map((o) => `${o.result.rule}: ${o.result.message}`).join('; ');
      return veto(results(all, 'VETO'), why, scene, false, Number.POSITIVE_INFINITY);
    }
    if (all.violations === 0) {
      return {
        decision: 'ALLOW',
        rules: all.outcomes.map((o) => o.result),
        explanation: `ALLOW: ${all.outcomes.length} rules pass over ${round((rollout.n - 1) * rollout.dtS, 1)} s`,
      };
    }
    const acc: Acc = { postpone: false, cap: Infinity, stopS: Infinity, minSpeed: 0, critical: false };
    accumulate(
      acc,
      failing.map((o) => o.fix!),
    );
    const why = failing.map((o) => `${o.result.rule}: ${o.result.message}`).join('; ');
    const stopPt = () => (Number.isFinite(acc.stopS) ? stopPoint(scene, acc.stopS) : undefined);
    // Candidate 1: postpone only (when a lane-change rule asked for it and nothing else did).
    const tries: Acc[] = [];
    if (acc.postpone)
      tries.push({ postpone: true, cap: Infinity, stopS: Infinity, minSpeed: 0, critical: false });
    tries.push(acc);
    const base = cmd;
    for (let i = 0; i < tries.length; i++) {
      const t = tries[i]!;
      let cand = applyFixes(base, t, scene, stopPt());
      for (let iter = 0; iter < 3; iter++) {
        evaluate(cand, scene, undefined, candSink, true);
        if (candSink.violations === 0) {
          return {
            decision: 'MODIFY',
            rules: results(all, 'MODIFY'),
            modified: cand,
            explanation: `MODIFY: ${why} → ${describe(cand, cmd)}`,
          };
        }
        if (i < tries.length - 1) break;
        const changed = accumulate(
          acc,
          candSink.outcomes.filter((o) => o.fix).map((o) => o.fix!),
        );
        if (!changed) break;
        cand = applyFixes(base, acc, scene, stopPt());
      }
    }
    return veto(results(all, 'VETO'), why, scene, acc.critical, acc.stopS);
  }

  function checkControl(
    input: unknown,
    state: EgoState,
    scene: Pick<SafetyScene, 'vehicle' | 'nowS'> & { dtS?: number },
  ): ControlCheck {
    return checkControlStep(input, state, scene.vehicle, params, scene.nowS ?? state.tS, scene.dtS ?? 0.05);
  }

  function trajectoryFor(
    command: MidLevelCommand,
    scene: SafetyScene,
    overrides: Partial<SafetyParams> = {},
  ): Trajectory {
    const p: SafetyParams = { ...params, stepS: 0.1, horizonS: 8, ...overrides };
    const cmd = { ...command, horizonS: Math.max(command.horizonS, 8) };
    rolloutCommand(
      cmd,
      scene.snapshot.ego,
      scene.map,
      scene.snapshot.route.laneIds,
      scene.vehicle,
      p,
      pathsFor(scene),
      trajRollout,
      false,
    );
    return rolloutToTrajectory(trajRollout, 0.1, 8);
  }

  return { params, configHash, checkCommand, checkControl, trajectoryFor };
}
