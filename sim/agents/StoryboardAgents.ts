/**
 * Agents a storyboard drives live against the ego the planner drives: an OpenSCENARIO storyboard
 * whose conditions read an ego the file itself does not move (CARLA ScenarioRunner's hero under
 * `external_control`, esmini's ego under an external controller), run during the simulation with
 * the simulated ego fed in (`Scenario.storyboard`). sim/ imports no importer: whoever loads the
 * scenario builds the source and hands it in (`EngineOptions.storyboard`, as maps and planners are
 * handed in); the fleet takes each storyboard agent's pose, speed and presence from it instead of
 * its replay track, in both modes (the storyboard is the agents' reaction to the ego, as in
 * ScenarioRunner, where actors follow their story).
 */
import type { AgentKind, EgoState, Scenario } from '../../core/index.ts';

/** One storyboard agent at a tick (its footprint centre, map frame; m, rad, m/s). */
export interface StoryboardAgent {
  /** In the scene (an entity an AddEntityAction has not yet brought in, or one deleted, is not). */
  present: boolean;
  kind: AgentKind;
  x: number;
  y: number;
  headingRad: number;
  speedMps: number;
}

/** A storyboard event that started during the run, and when (s). */
export interface StoryboardEventStart {
  name: string;
  tS: number;
}

/**
 * A storyboard run frame by frame with the simulated ego. Deterministic: the same ego states give
 * the same agents (a run replays bit for bit from its log).
 */
export interface StoryboardAgentSource {
  /** The scenario agent ids it drives (the others keep their behaviour). */
  readonly agentIds: ReadonlySet<string>;
  /** The agents at t = 0 with the ego at its start (called once, before any `step`). */
  start(ego: EgoState): ReadonlyMap<string, StoryboardAgent>;
  /**
   * Runs the storyboard from t to t + dt, the ego at `egoFrom` at t and at `egoTo` at t + dt (its
   * frames between read the ego in between); returns the agents at t + dt.
   */
  step(tS: number, dtS: number, egoFrom: EgoState, egoTo: EgoState): ReadonlyMap<string, StoryboardAgent>;
  /** The events started so far, in order (for the run's log). */
  eventStarts(): StoryboardEventStart[];
}

/** Builds a fresh source for one run of `scenario` (each run starts its storyboard anew). */
export type StoryboardSourceFactory = (scenario: Scenario) => StoryboardAgentSource;
