/**
 * The hierarchical multi-agent planner (PlanAgent's hierarchical chain of thought, DriveMLM's
 * decision states, AD-H's mid-level commands): scene analyst → lateral → longitudinal →
 * `MidLevelCommand` with rationale, lifetime and source; reflection rolls the command and its
 * alternatives forward and scores them before committing; a gate veto (`req.feedback`) triggers a
 * re-plan that leaves the vetoed manoeuvre. LLM-Assist: a model is consulted (for the agents set
 * to `llm`) only when the rules' best reflected score is below a threshold or the analyst flags
 * the scene unusual; any model failure falls back to the rules' answer and is recorded.
 *
 * The planner is synchronous (rules) unless it consults a model; then `plan` returns a promise.
 * The state is one mutable record per scenario (scratch, memories, counters), as PdmClosed's.
 */
import { z } from 'zod';
import {
  LLM_REPLY_RECORD_CHARS,
  type LlmCallRecord,
  type MidLevelCommand,
  type WorldSnapshot,
} from '../../core/index.ts';
import type {
  CommandPlan,
  CommandPlanner,
  CommandPlanStep,
  PlannerContext,
  PlanRequest,
} from '../../core/planning/index.ts';
import {
  type LateralDecision,
  LateralDecisionSchema,
  type LongitudinalDecision,
  LongitudinalDecisionSchema,
  type SceneAnalysis,
  SceneAnalysisSchema,
} from './AgentOutputs.ts';
import { type TextScreen, withAgentRefs } from './AgentRef.ts';
import { routeCurveInset } from './CurveInset.ts';
import { asEvasive, evasiveBlocker } from './Evasive.ts';
import {
  GATE_CAP_MEMORY_INITIAL,
  type GateCapMemory,
  gateCapHolds,
  gateCapStep,
  underGateCap,
} from './GateCap.ts';
import { type HierarchicalParams, HierarchicalParamsSchema, ROBOT_OVERRIDES } from './HierarchicalParams.ts';
import {
  decideLateral,
  LATERAL_MEMORY_INITIAL,
  type LateralChoice,
  type LateralMemory,
} from './LateralAgent.ts';
import { decideLongitudinal, type RuleLongitudinalDecision } from './LongitudinalAgent.ts';
import {
  type AgentAnswer,
  askAgent,
  jsonSchemaOf,
  type LlmClient,
  type LlmFailureCode,
} from './llm/LlmClient.ts';
import { untrustedBlock } from './llm/Untrusted.ts';
import { type AgentName, fillPrompt, loadPrompts, type PromptSet } from './Prompts.ts';
import { ProposalScorer } from './ProposalScorer.ts';
import {
  alternativesOf,
  type ForecastFn,
  REFLECTION_CANDIDATES,
  type ReflectionResult,
  type RolloutFn,
  reflect,
} from './Reflection.ts';
import { type EgoAccelHistory, emptyAccelHistory, recordAccel } from './RunComfort.ts';
import { analyseScene } from './SceneAnalyst.ts';
import {
  CREEP_STOP_M,
  CREEP_STOP_MPS,
  EXECUTOR_STOP_SHORT_M,
  EXECUTOR_STOP_SHORT_S,
  rampedStopDecelMps2,
} from './StopOnset.ts';
import { matchTips, nudgedParams, sceneFeatures, type TipMatch, TipsFileSchema, tipsText } from './Tips.ts';
import { type AgentMotion, buildWorldView, type FirstSighting, type WorldView } from './WorldView.ts';

const BackendSchema = z.enum(['rules', 'llm']);

export const HierarchicalConfigSchema = z.object({
  /** Backend per agent: `rules` (default) or `llm` (the client handed in). */
  backends: z
    .object({
      analyst: BackendSchema.default('rules'),
      lateral: BackendSchema.default('rules'),
      longitudinal: BackendSchema.default('rules'),
    })
    .default({ analyst: 'rules', lateral: 'rules', longitudinal: 'rules' }),
  /** Roll candidates out and score them before committing (needs a roll-out function). */
  reflection: z.boolean().default(true),
  /** LLM-Assist: consult the model when the reflected score is below this (0…1). */
  assistScoreBelow: z.number().min(0).max(1).default(0.6),
  /** … or when the analyst flags the scene unusual. */
  assistOnUnusual: z.boolean().default(true),
  /** Reflection scores each candidate against the agents' reaction to it (the `forecast` handed in); false: constant velocity (PDM's). */
  reactiveReflection: z.boolean().default(true),
  /** Consult the model at every plan (measurements). */
  assistAlways: z.boolean().default(false),
  /** Budget of one model call, ms. */
  deadlineMs: z.number().int().positive().default(3000),
  promptVersion: z.string().default('v1'),
  params: HierarchicalParamsSchema.partial().default({}),
  /** Tips memory (off when absent): lessons from failed runs, retrieved by scene similarity. */
  tips: TipsFileSchema.optional(),
});
export type HierarchicalConfig = z.infer<typeof HierarchicalConfigSchema>;
export type HierarchicalConfigInput = z.input<typeof HierarchicalConfigSchema>;

export interface HierarchicalDeps {
  /** The model behind the `llm` agents. */
  llm?: LlmClient;
  /** Expands a command into a trajectory (the stack hands in the gate's or a simulator roll-out). */
  rollout?: RolloutFn;
  /** Forecasts the agents reacting to a candidate (the stack hands in the simulator's agent models). */
  forecast?: ForecastFn;
  /**
   * The gate's screen for instruction-bearing text (the stack hands in safety's): a rules rationale
   * it flags names its agents by digest (AgentRef). Without it, rationales quote ids as they are.
   */
  screen?: TextScreen;
}

/** Counters over a run (what LLM-Assist did, what reflection changed). */
export interface HierarchicalStats {
  plans: number;
  replans: number;
  reflections: number;
  revisions: number;
  llmConsults: number;
  /** Agent calls answered by the model / fallen back to rules, by code. */
  llmAnswers: number;
  fallbacks: Partial<Record<LlmFailureCode, number>>;
  /** Consults whose final command differs from the rules' (speed or path decision). */
  llmChanged: number;
  /** The last fallback's reason. */
  lastFallback: string;
}

export interface HierarchicalState {
  /** This plan's parameters (the base ones with the matched tips' nudges). */
  params: HierarchicalParams;
  baseParams: HierarchicalParams;
  /** The tips that apply to this plan's scene. */
  tips: TipMatch[];
  lateral: LateralMemory;
  /** Crossing agents the longitudinal agent yields to (kept until they have gone). */
  yieldTo: Map<string, number>;
  standing: Map<string, number>;
  /** Each agent's last speed and estimated acceleration. */
  motion: Map<string, AgentMotion>;
  /** Where each agent was first seen (how far it has moved since: driving in traffic or parked). */
  firstSeen: Map<string, FirstSighting>;
  lastTS: number;
  /** The ego's arc length on the route line in the last view, m (NaN before the first): tracked, not searched. */
  egoSM: number;
  scorer: ProposalScorer | undefined;
  /** The ego's acceleration at the last plans' ticks: reflection judges comfort as the run's (`RunComfort.ts`). */
  accelHistory: EgoAccelHistory;
  /** The gate's speed repairs and the cap they impose (`GateCap.ts`). */
  gateCap: GateCapMemory;
  /**
   * No model is consulted before this time, s: the gate vetoed a model command as
   * instruction-bearing (`input.instruction`), and for that command's lifetime the rules drive.
   */
  llmPausedUntilS: number;
  /** When the gate last vetoed a model command as instruction-bearing, s (NaN: never). */
  llmVetoedAtS: number;
  stats: HierarchicalStats;
}

interface Decided {
  analysis: SceneAnalysis;
  lateral: LateralChoice;
  longitudinal: RuleLongitudinalDecision;
  memory: LateralMemory;
}

/** Builds the planner; the config is validated (invalid config throws: a programming error). */
export function createHierarchicalPlanner(
  config: HierarchicalConfigInput = {},
  deps: HierarchicalDeps = {},
): CommandPlanner<HierarchicalState> {
  const cfg = HierarchicalConfigSchema.parse(config);
  const usesLlm = Object.values(cfg.backends).some((b) => b === 'llm');
  if (usesLlm && !deps.llm)
    throw new Error('hierarchical planner: an llm backend is configured but no client was given');
  const prompts: PromptSet | undefined = usesLlm ? loadPrompts(cfg.promptVersion) : undefined;
  // a local model starts loading now, in the background: until it is ready its calls fall back
  // (LOADING) at once, and no plan waits for the load
  if (usesLlm) void deps.llm!.ready?.();
  const schemas = {
    analyst: { schema: SceneAnalysisSchema, json: jsonSchemaOf(SceneAnalysisSchema), name: 'scene_analysis' },
    lateral: {
      schema: LateralDecisionSchema,
      json: jsonSchemaOf(LateralDecisionSchema),
      name: 'lateral_decision',
    },
    longitudinal: {
      schema: LongitudinalDecisionSchema,
      json: jsonSchemaOf(LongitudinalDecisionSchema),
      name: 'longitudinal_decision',
    },
  } as const;

  const rulesChain = (view: WorldView, st: HierarchicalState): Decided => {
    const analysis = analyseScene(view, st.params);
    const lat = decideLateral(view, analysis, st.lateral, st.params);
    const yielded = new Map<string, number>();
    const lon = decideLongitudinal(view, analysis, lat.decision, st.params, st, yielded);
    st.yieldTo = yielded;
    return { analysis, lateral: lat.decision, longitudinal: lon, memory: lat.memory };
  };

  const finish = (
    st: HierarchicalState,
    d: Decided,
    view: WorldView,
    snap: WorldSnapshot,
    ctx: PlannerContext,
    source: string,
  ): { plan: CommandPlan; reflection: ReflectionResult | undefined } => {
    // the gate's last repair caps this plan and every alternative reflection weighs (else the
    // rules ask again for what the gate just took away, and reflection could pick it back)
    const cap = gateCapHolds(st.gateCap.cap, snap) ? st.gateCap.cap : undefined;
    const capped = (c: MidLevelCommand): MidLevelCommand =>
      cap ? underGateCap(c, cap, view.egoSpeedMps) : c;
    let cmd = capped(compose(d, view, snap, ctx, st.params, source));
    // evasive steering: a move around a standing object no stop clears is an emergency (AES); the
    // gate judges it, reflection does not soften it
    const blocker = evasiveBlocker(view, cmd.path, ctx.vehicle, st.params);
    if (blocker) cmd = asEvasive(cmd, blocker, st.params);
    let reflection: ReflectionResult | undefined;
    let out = cmd;
    let trajectory: CommandPlan['trajectory'];
    if (cfg.reflection && deps.rollout && !blocker) {
      st.scorer ??= new ProposalScorer(ctx, REFLECTION_CANDIDATES);
      const borrowApproved = d.lateral.path === 'LEFT_BORROW' || d.lateral.path === 'RIGHT_BORROW';
      reflection = reflect(
        alternativesOf(cmd, view.egoSpeedMps, ctx.vehicle.maxSpeedMps).map(capped),
        snap,
        ctx,
        deps.rollout,
        st.scorer,
        borrowApproved,
        cfg.reactiveReflection ? deps.forecast : undefined,
        ctx.route.indexAt(view.egoSM),
        st.accelHistory,
      );
      st.stats.reflections++;
      if (reflection.revised) {
        st.stats.revisions++;
        out = {
          ...reflection.command,
          source: `${source}+reflect`,
          rationale: `${cmd.rationale}; ${reflection.why}`,
        };
        // a revision away from the borrow ends it
        // (the gap committed to for a route lane change stands)
        if (out.path === 'FOLLOW_LANE' && d.lateral.path !== 'FOLLOW_LANE')
          d.memory = { borrow: null, merge: d.memory.merge ?? null };
      }
      trajectory = reflection.trajectory;
    }
    st.lateral = d.memory;
    const info: Record<string, number | string | boolean> = {
      path: out.path,
      speed: out.speed,
      lateralRule: ruleOf(d.lateral.reason),
      longitudinalRule: ruleOf(d.longitudinal.reason),
      unusual: d.analysis.unusual,
    };
    // world text in view (a sign, an operator or V2X message): noted for the run log; it does not
    // make the scene unusual (that would hand the plan to the model), the gate screens it
    if (view.hasWorldText) info.worldText = true;
    if (st.tips.length > 0) info.tips = st.tips.map((m) => m.tip.id).join(',');
    if (cap) info.gateCapMps = Math.round(cap.speedMps * 100) / 100;
    if (reflection) {
      info.reflectScore = Math.round(reflection.score * 1000) / 1000;
      info.revised = reflection.revised;
    }
    // the rules' reasons name agents by id: where an id would get the plan vetoed as
    // instruction-bearing, by its digest (AgentRef). A model's text is left as it wrote it: an id it
    // echoes is the gate's to judge (the model may have been steered by it)
    if (deps.screen && !source.includes('/llm:'))
      out = {
        ...out,
        rationale: withAgentRefs(
          out.rationale,
          snap.agents.map((a) => a.id),
          deps.screen,
        ).slice(0, 2000),
      };
    // the gate checks the planner's own roll-out of the command it commits, when there is one
    return { plan: { command: out, info, ...(trajectory ? { trajectory } : {}) }, reflection };
  };

  const consult = async (
    st: HierarchicalState,
    rules: Decided,
    view: WorldView,
    req: PlanRequest,
    ctx: PlannerContext,
    rulesPlan: CommandPlan,
    /** Why LLM-Assist asked the model for this plan (logged: `llmAsked`). */
    why: 'always' | 'unusual' | 'reflection',
  ): Promise<CommandPlan> => {
    const llm = deps.llm!;
    st.stats.llmConsults++;
    const sceneText = req.scene?.text.text ?? '(no scene text)';
    const image = llm.vision && req.bevPng ? req.bevPng() : undefined;
    const used: AgentName[] = [];
    const failed: string[] = [];
    /** Each fallback's reason as the client said it (`info.fallbackWhy`, short). */
    const whys: string[] = [];
    /** Every call of this plan, for the run log and the audit log (`CommandPlan.llm`). */
    const calls: LlmCallRecord[] = [];
    const ask = async <T>(agent: AgentName, values: Record<string, string>): Promise<AgentAnswer<T>> => {
      const s = schemas[agent];
      const system = fillPrompt(prompts!.system, {
        platform: view.platform === 'robot' ? 'warehouse robot' : 'car',
      });
      const tips = tipsText(st.tips);
      const t0 = Date.now();
      const a = await askAgent<T>(llm, s.schema, {
        system: `${system}\n(prompt ${prompts!.version})`,
        // every slot is filled from the world (ids, sign text, the rules' proposals naming agents):
        // each reaches the model only as a data block between the markers its system prompt names
        user:
          fillPrompt(
            prompts!.agents[agent],
            Object.fromEntries(Object.entries(values).map(([k, v]) => [k, untrustedBlock(v)])),
          ) + (tips ? `\n\n${untrustedBlock(tips)}` : ''),
        schemaName: s.name,
        jsonSchema: s.json,
        ...(image ? { imagePng: image } : {}),
        deadlineMs: cfg.deadlineMs,
      });
      calls.push(callRecord(agent, llm.name, prompts!.version, Date.now() - t0, a));
      return a;
    };
    const record = <T>(agent: AgentName, a: AgentAnswer<T>): T | undefined => {
      if (a.ok) {
        st.stats.llmAnswers++;
        used.push(agent);
        return a.value;
      }
      st.stats.fallbacks[a.code] = (st.stats.fallbacks[a.code] ?? 0) + 1;
      st.stats.lastFallback = `${agent}: ${a.code} ${a.message}`;
      failed.push(`${agent}:${a.code}`);
      whys.push(`${agent}: ${a.code} ${a.message}`);
      return undefined;
    };
    let analysis = rules.analysis;
    if (cfg.backends.analyst === 'llm') {
      const a = await ask<SceneAnalysis>('analyst', {
        scene: sceneText,
        proposal: JSON.stringify(rules.analysis),
      });
      analysis = record('analyst', a) ?? rules.analysis;
    }
    // downstream rules re-run on the model's analysis
    let lateral = rules.lateral;
    let memory = rules.memory;
    if (analysis !== rules.analysis) {
      const lat = decideLateral(view, analysis, st.lateral, st.params);
      lateral = lat.decision;
      memory = lat.memory;
    }
    if (cfg.backends.lateral === 'llm') {
      const a = await ask<LateralDecision>('lateral', {
        scene: sceneText,
        analysis: JSON.stringify(analysis),
        proposal: JSON.stringify(lateral),
      });
      const got = record('lateral', a);
      if (got) {
        lateral = got;
        // a model-chosen borrow is not remembered (each plan must choose it again)
        memory = { borrow: null };
      }
    }
    let longitudinal =
      lateral === rules.lateral && analysis === rules.analysis
        ? rules.longitudinal
        : decideLongitudinal(view, analysis, lateral, st.params, st);
    if (cfg.backends.longitudinal === 'llm') {
      const a = await ask<LongitudinalDecision>('longitudinal', {
        scene: sceneText,
        analysis: JSON.stringify(analysis),
        lateral: JSON.stringify(lateral),
        // the model sees the proposal in its own schema (the rules' braking onset is not in it)
        proposal: JSON.stringify({ ...longitudinal, onsetJerkMps3: undefined }),
      });
      longitudinal = record('longitudinal', a) ?? longitudinal;
    }
    if (used.length === 0) {
      return {
        command: {
          ...rulesPlan.command,
          source: `${rulesPlan.command.source}+llm-fallback:${failed.join(',')}`,
        },
        info: {
          ...rulesPlan.info,
          llm: 'fallback',
          llmAsked: why,
          fallback: failed.join(','),
          fallbackWhy: fallbackWhy(whys),
        },
        llm: calls,
      };
    }
    const source = `hierarchical/llm:${used.join(',')}${failed.length ? `+llm-fallback:${failed.join(',')}` : ''}`;
    const r = finish(st, { analysis, lateral, longitudinal, memory }, view, req.snapshot, ctx, source);
    const changed =
      r.plan.command.speed !== rulesPlan.command.speed || r.plan.command.path !== rulesPlan.command.path;
    if (changed) st.stats.llmChanged++;
    return {
      ...r.plan,
      info: {
        ...r.plan.info,
        llm: used.join(','),
        llmAsked: why,
        llmChanged: changed,
        // what the model changed: the rules' decision it replaced
        ...(changed ? { rulesDecision: `${rulesPlan.command.speed}/${rulesPlan.command.path}` } : {}),
        ...(failed.length ? { fallback: failed.join(','), fallbackWhy: fallbackWhy(whys) } : {}),
      },
      llm: calls,
    };
  };

  return {
    name: 'hierarchical',
    needsScene: true,
    init(ctx: PlannerContext, first: WorldSnapshot): HierarchicalState {
      const robot = ctx.vehicle.kind === 'robot';
      const params = HierarchicalParamsSchema.parse({ ...(robot ? ROBOT_OVERRIDES : {}), ...cfg.params });
      return {
        params,
        baseParams: params,
        tips: [],
        lateral: LATERAL_MEMORY_INITIAL,
        yieldTo: new Map(),
        standing: new Map(),
        motion: new Map(),
        firstSeen: new Map(),
        lastTS: first.tS,
        egoSM: Number.NaN,
        // per-map indexes are built once here, not in the first plan
        scorer: cfg.reflection && deps.rollout ? new ProposalScorer(ctx, REFLECTION_CANDIDATES) : undefined,
        accelHistory: emptyAccelHistory(),
        gateCap: GATE_CAP_MEMORY_INITIAL,
        llmPausedUntilS: Number.NEGATIVE_INFINITY,
        llmVetoedAtS: Number.NaN,
        stats: {
          plans: 0,
          replans: 0,
          reflections: 0,
          revisions: 0,
          llmConsults: 0,
          llmAnswers: 0,
          fallbacks: {},
          llmChanged: 0,
          lastFallback: '',
        },
      };
    },
    plan(
      st: HierarchicalState,
      req: PlanRequest,
      ctx: PlannerContext,
    ): CommandPlanStep<HierarchicalState> | Promise<CommandPlanStep<HierarchicalState>> {
      const snap = req.snapshot;
      st.stats.plans++;
      if (!req.scene) throw new Error('hierarchical planner needs the scene (needsScene)');
      const dt = Math.max(0, snap.tS - st.lastTS);
      st.lastTS = snap.tS;
      recordAccel(st.accelHistory, snap.tS, snap.ego.accelMps2);
      if (cfg.tips) {
        st.tips = matchTips(cfg.tips, sceneFeatures(snap, ctx.map, ctx.route, ctx.vehicle));
        st.params = nudgedParams(st.baseParams, st.tips, cfg.tips.radius);
      }
      const platform = ctx.vehicle.kind === 'robot' ? 'robot' : 'car';
      const view = buildWorldView(
        snap,
        req.scene.laneGraph,
        platform,
        ctx.map,
        ctx.route,
        ctx.vehicle,
        st.standing,
        req.feedback ? 0 : dt,
        st.params.curveLatAccelMps2,
        st.motion,
        {
          latAccelMps2: st.params.horizonLatAccelMps2,
          holdS: st.params.commandHoldS,
          decelMps2: st.params.horizonDecelMps2,
        },
        st.egoSM,
        st.params.curveYawRateRadps,
        st.firstSeen,
      );
      st.egoSM = view.egoSM;
      if (req.feedback) {
        st.stats.replans++;
        return {
          state: st,
          output: replan(
            st,
            req.feedback,
            view,
            snap,
            ctx,
            (d, s) => finish(st, d, view, snap, ctx, s).plan,
            rulesChain,
          ),
        };
      }
      const rules = rulesChain(view, st);
      // while the model is paused after an instruction-bearing reply, the rules' plans say so
      const paused = usesLlm && snap.tS < st.llmPausedUntilS;
      const r = finish(
        st,
        rules,
        view,
        snap,
        ctx,
        paused ? `hierarchical/rules+${steeredTag(st)}` : 'hierarchical/rules',
      );
      const why = cfg.assistAlways
        ? 'always'
        : cfg.assistOnUnusual && rules.analysis.unusual
          ? 'unusual'
          : r.reflection !== undefined && r.reflection.score < cfg.assistScoreBelow
            ? 'reflection'
            : undefined;
      const wantsLlm = usesLlm && snap.tS >= st.llmPausedUntilS && why !== undefined;
      if (!wantsLlm) return { state: st, output: r.plan };
      return consult(st, rules, view, req, ctx, r.plan, why).then((output) => ({ state: st, output }));
    },
  };
}

/** The rule that vetoes a command whose text carries instructions (its planner was steered). */
const INSTRUCTION_RULE = 'input.instruction';

/**
 * What a command planned by the rules because of such a veto carries in its source: the rule and
 * the veto's time (a run's summary counts the vetoes by it; the vetoed command itself never drives).
 */
const steeredTag = (st: HierarchicalState): string =>
  `llm-vetoed:${INSTRUCTION_RULE}@${st.llmVetoedAtS.toFixed(1)}s`;

/**
 * Re-plan after the gate vetoed or repaired the previous command: a model command vetoed as
 * instruction-bearing gives way to the rules' plan (the fallback; no model is asked for that
 * command's lifetime); a vetoed manoeuvre off the lane is dropped (back to FOLLOW_LANE, the borrow
 * forgotten) and the speed re-decided; a vetoed speed decision gives way to the gate's repair, or
 * a firm stop when it offered none. A rationale names the rules that fired, never the verdict's
 * words: those quote the flagged text, and the gate would veto the re-plan for carrying it.
 */
function replan(
  st: HierarchicalState,
  feedback: NonNullable<PlanRequest['feedback']>,
  view: WorldView,
  snap: WorldSnapshot,
  ctx: PlannerContext,
  finishWith: (d: Decided, source: string) => CommandPlan,
  rulesChain: (view: WorldView, st: HierarchicalState) => Decided,
): CommandPlan {
  const fired = feedback.verdict.rules.filter((r) => r.decision !== 'ALLOW').map((r) => r.rule);
  const why = `rules ${[...new Set(fired)].join(', ') || 'none named'}`.slice(0, 160);
  const steered = fired.includes(INSTRUCTION_RULE) && feedback.command.source.includes('/llm:');
  if (steered) {
    st.llmPausedUntilS = Math.max(
      st.llmPausedUntilS,
      feedback.command.expiresAtS,
      snap.tS + Math.max(st.params.commandLifetimeS, st.params.llmSteeredPauseS),
    );
    st.llmVetoedAtS = snap.tS;
    const plan = finishWith(rulesChain(view, st), `hierarchical/replan+${steeredTag(st)}`);
    return { ...plan, info: { ...plan.info, replan: true, llm: 'vetoed' } };
  }
  // (a nudge within the lane is a manoeuvre off the lane's centre too: given up as a borrow is)
  const nudgeVetoed = !!st.lateral.borrow?.inLane && feedback.command.lateralOffsetM !== undefined;
  if (feedback.command.path !== 'FOLLOW_LANE' || nudgeVetoed) {
    // the borrow or change is given up; the gap committed to for the route's change stands (the
    // speed keeps fitting it while the change waits)
    st.lateral = { borrow: null, merge: st.lateral.merge ?? null };
    const d = rulesChain(view, st);
    const lateral: LateralChoice = {
      path: 'FOLLOW_LANE',
      targetLaneId: null,
      reason: `rule:replan — the gate rejected ${feedback.command.path}: ${why}`,
      ...(d.lateral.merge ? { merge: d.lateral.merge } : {}),
    };
    const longitudinal = decideLongitudinal(view, d.analysis, lateral, st.params, st);
    const plan = finishWith(
      {
        analysis: d.analysis,
        lateral,
        longitudinal,
        memory: { borrow: null, merge: d.memory.merge ?? null },
      },
      'hierarchical/replan',
    );
    return { ...plan, info: { ...plan.info, replan: true } };
  }
  const repaired = feedback.verdict.modified;
  // a repair that slowed the command down again, soon after another for the same rule, caps the
  // plans of its lifetime (a veto, or a repair that slowed nothing, leaves the memory as it was)
  st.gateCap = gateCapStep(st.gateCap, feedback, snap.tS, st.params.gateCapHoldS, st.params.gateCapRepeatS);
  const command: MidLevelCommand = repaired
    ? {
        ...repaired,
        issuedAtS: snap.tS,
        expiresAtS: snap.tS + st.params.commandLifetimeS,
        source: 'hierarchical/replan',
      }
    : {
        speed: 'STOP',
        path: 'FOLLOW_LANE',
        targetSpeedMps: 0,
        decelMps2: Math.max(3, feedback.verdict.mrm?.decelMps2 ?? 0),
        horizonS: st.params.horizonS,
        rationale: `rule:replan — the gate rejected ${feedback.command.speed}: ${why}`,
        issuedAtS: snap.tS,
        expiresAtS: snap.tS + st.params.commandLifetimeS,
        source: 'hierarchical/replan',
      };
  void ctx;
  return { command, info: { replan: true, path: command.path, speed: command.speed } };
}

/** The three decisions as one command (stop distance → a map point on the route line). */
function compose(
  d: Decided,
  view: WorldView,
  snap: WorldSnapshot,
  ctx: PlannerContext,
  p: HierarchicalParams,
  source: string,
): MidLevelCommand {
  const lon = d.longitudinal;
  const lat = d.lateral;
  const cmd: MidLevelCommand = {
    speed: lon.speed,
    path: lat.path,
    targetSpeedMps: Math.min(ctx.vehicle.maxSpeedMps, Math.max(0, lon.targetSpeedMps)),
    horizonS: p.horizonS,
    rationale: `${summary(d.analysis)} | lateral: ${lat.reason} | longitudinal: ${lon.reason}`.slice(0, 2000),
    issuedAtS: snap.tS,
    expiresAtS: snap.tS + p.commandLifetimeS,
    source,
  };
  if (lat.targetLaneId && lat.path !== 'FOLLOW_LANE') cmd.targetLaneId = lat.targetLaneId;
  if (lat.offsetM != null && (lat.path === 'LEFT_BORROW' || lat.path === 'RIGHT_BORROW'))
    cmd.lateralOffsetM = lat.offsetM;
  // through a tight bend the rear axle runs toward its inside, so that the outer front corner
  // stays in the lane (the gate rolls the offset out as the controller tracks it), and back to the
  // centre where the bend ends (`lateralOffsetEndAt`, a point on the route line)
  // (a nudge within the lane past a blocker is that offset: LateralAgent `inLaneNudge`)
  if (lat.path === 'FOLLOW_LANE' && lat.offsetM != null && lat.passingId) cmd.lateralOffsetM = lat.offsetM;
  else if (lat.path === 'FOLLOW_LANE') {
    const inset = routeCurveInset(view, ctx, p);
    if (inset.offsetM !== 0) {
      cmd.lateralOffsetM = inset.offsetM;
      if (inset.endSM !== undefined) {
        const at = ctx.route.line.poseAt(inset.endSM);
        cmd.lateralOffsetEndAt = { x: Math.round(at.x * 1000) / 1000, y: Math.round(at.y * 1000) / 1000 };
      }
    }
  }
  if (lon.decelMps2 !== null && (lon.speed === 'DECELERATE' || lon.speed === 'STOP'))
    cmd.decelMps2 = Math.min(12, Math.max(0.1, lon.decelMps2));
  if (lon.onsetJerkMps3 !== undefined && lon.speed === 'DECELERATE' && cmd.decelMps2 !== undefined)
    cmd.jerkMps3 = lon.onsetJerkMps3;
  // a stop point under a metre ahead at walking pace: brake at the given rate instead (a stop point
  // at the bumper makes the executor brake as hard as it can, and the jerk limit then holds the ego
  // still for seconds after the way is clear)
  const creepStop =
    lon.stopDistanceM !== null && lon.stopDistanceM < CREEP_STOP_M && view.egoSpeedMps < CREEP_STOP_MPS;
  if (lon.speed === 'STOP' && lon.stopDistanceM !== null && !creepStop) {
    const line = ctx.route.line;
    const s = view.egoSM + view.egoFrontM + Math.max(0, lon.stopDistanceM);
    if (line.length > 0 && s <= line.length) {
      const pose = line.poseAt(s);
      cmd.stopAt = { x: pose.x, y: pose.y };
    }
  }
  if (cmd.stopAt && view.platform === 'car') builtUpStop(cmd, lon, view, snap, p);
  return cmd;
}

/** Braking this close to the built-up stop's is built up: the stop point takes over (m/s²). */
const BUILT_UP_TOLERANCE_MPS2 = 0.2;

/**
 * A stop at a point decided while the ego's braking is still below what it needs, and reachable at
 * `comfortDecelMps2` with the braking grown at `stopOnsetJerkMps3`: commanded without its point, at
 * that held braking with that onset (`StopOnset.ts`). Updates `cmd` in place.
 */
function builtUpStop(
  cmd: MidLevelCommand,
  lon: RuleLongitudinalDecision,
  view: WorldView,
  snap: WorldSnapshot,
  p: HierarchicalParams,
): void {
  if (!(p.stopOnsetJerkMps3 > 0) || lon.stopDistanceM === null) return;
  const v = view.egoSpeedMps;
  const braking = Math.max(0, -(snap.ego.accelMps2 ?? 0));
  const roomM = lon.stopDistanceM - EXECUTOR_STOP_SHORT_M - EXECUTOR_STOP_SHORT_S * v;
  const b = rampedStopDecelMps2(v, braking, roomM, p.stopOnsetJerkMps3, p.comfortDecelMps2);
  if (b === null || braking >= b - BUILT_UP_TOLERANCE_MPS2) return;
  delete cmd.stopAt;
  cmd.decelMps2 = b;
  cmd.jerkMps3 = p.stopOnsetJerkMps3;
}

function summary(a: SceneAnalysis): string {
  const hz = a.hazards
    .slice(0, 3)
    .map((h) => `${h.kind}${h.agentId ? ` ${h.agentId}` : ''} ${h.distanceM.toFixed(0)} m`)
    .join(', ');
  return `scene: ${hz || 'clear'}; intent ${a.routeIntent}${a.unusual ? '; unusual' : ''}`;
}

function ruleOf(reason: string): string {
  const m = /^(rule:[\w-]+)/.exec(reason);
  return m ? m[1]! : 'model';
}

/** Longest `info.fallbackWhy`, characters (the run log keeps one per fallen-back plan). */
const FALLBACK_WHY_CHARS = 240;

/** The fallbacks' reasons as the clients said them, on one short line. */
function fallbackWhy(whys: string[]): string {
  const t = whys.join('; ').replace(/\s+/g, ' ');
  return t.length > FALLBACK_WHY_CHARS ? `${t.slice(0, FALLBACK_WHY_CHARS - 1)}…` : t;
}

/** One model call as the run log and the audit log keep it (the reply cut to its bound). */
function callRecord<T>(
  agent: AgentName,
  backend: string,
  promptVersion: string,
  latencyMs: number,
  a: AgentAnswer<T>,
): LlmCallRecord {
  const reply =
    a.text === undefined
      ? undefined
      : a.text.length > LLM_REPLY_RECORD_CHARS
        ? `${a.text.slice(0, LLM_REPLY_RECORD_CHARS)}…`
        : a.text;
  return {
    agent,
    backend: backend.slice(0, 256),
    promptVersion,
    latencyMs: Math.max(0, latencyMs),
    ok: a.ok,
    ...(a.ok
      ? { parsed: a.value as Record<string, unknown> }
      : { code: a.code, message: a.message.slice(0, 300) }),
    ...(reply !== undefined ? { reply } : {}),
  };
}
