/**
 * What one closed-loop run records, tick by tick: enough to compute every metric, replay the run
 * in the viewer, and check bit-for-bit reproducibility. Plain JSON-serialisable data.
 */
import type {
  AgentState,
  DrivenReason,
  EgoState,
  LlmCallRecord,
  MidLevelCommand,
  TrackPoint,
  TrafficLightState,
  VehicleParams,
  Verdict,
} from '../core/index.ts';

export type AgentMode = 'nonreactive' | 'reactive';
/** The reactive agent model: nuPlan's IDM agents, or interaction-aware agents (agents/AgentFleet.ts). */
export type AgentModel = 'idm' | 'interactive';

export interface SimTick {
  /** Simulation time, s (0 at scenario start). */
  tS: number;
  /** Ego state at tS (pose = rear axle). */
  ego: EgoState;
  /** Every agent present at tS (pose = footprint centre). */
  agents: AgentState[];
  lights: TrafficLightState[];
  /** The command the planner issued at this tick, if it issues mid-level commands. */
  command?: MidLevelCommand;
  /** The safety gate's verdict on that command, when the run was gated. */
  verdict?: Verdict;
  /**
   * Command stacks: why `command` drives (the checked command, its repair, the MRM's stop held or
   * eased, …: `Driven.reason`), and every command that took over at a later control step of this
   * tick (a gate MODIFY or VETO between 0.1 s ticks), with the time it took over, why, and the
   * verdict then — `command` is the one in force at the tick's start.
   */
  drivenReason?: DrivenReason;
  laterCommands?: { tS: number; command: MidLevelCommand; reason: DrivenReason; verdict?: Verdict }[];
  /** The planner's BEV input as a PNG data URL, when recorded (viewer inset). */
  bevPng?: string;
  /** Planned rear-axle poses from this tick (x, y, heading triples), for the viewer; optional. */
  plan?: number[];
  /** The controller that produced this tick's first control (command stacks). */
  controller?: {
    controller: string;
    /** Early-exit networks: the exit taken (1-based) and how many there are. */
    exit?: number;
    exits?: number;
    computeFraction?: number;
    fallback?: string;
    verifiedPath?: string;
  };
  /**
   * The planner's commands the gate vetoed during this tick (command stacks): a vetoed command never
   * drives, so `command` never shows it — its issue time, source and the rules that failed.
   */
  vetoed?: { issuedAtS: number; source: string; rules: string[] }[];
  /**
   * Command stacks: the diagnostics (`CommandPlan.info`: which agent decided, LLM-Assist, tips
   * matched, reflection) of each plan gated during this tick, in order; `assistSummary` counts them.
   */
  plans?: Record<string, number | string | boolean>[];
  /** The model calls behind the plans gated in this tick (an LLM-driven planner): agent, backend, prompt version, latency, reply, parsed decision. */
  llm?: LlmCallRecord[];
  /** A plan that landed at this tick failed (command stacks): the planner's error message. */
  plannerError?: string;
  /** Planner wall time for this tick, ms (excluded from determinism checks). */
  planMs?: number;
}

export interface SimLog {
  scenarioId: string;
  planner: string;
  mode: AgentMode;
  /** The reactive agent model of a reactive run. */
  agents?: AgentModel;
  seed: number;
  dtS: number;
  vehicle: VehicleParams;
  routeLaneIds: string[];
  /** The expert (logged human) ego trajectory, rear-axle poses. */
  expert: TrackPoint[];
  ticks: SimTick[];
  /** Ids of agents that are static obstacles (for the collision classification). */
  staticAgentIds: string[];
  /**
   * The run ended before the scenario's duration because the ego reached the end of its route
   * (`SimEngine.atRouteEnd`); the metrics then score the expert over the same time span.
   */
  endedAtRouteEnd?: boolean;
  /** A live storyboard's events that started during the run, in order (`Scenario.storyboard`). */
  storyboardEvents?: { name: string; tS: number }[];
}
