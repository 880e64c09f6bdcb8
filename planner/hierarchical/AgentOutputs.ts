/**
 * What each agent of the hierarchical planner decides (PlanAgent's hierarchical chain of thought):
 * scene analyst → lateral → longitudinal. One zod schema per agent output; the rules backend
 * returns these objects and a model's reply is parsed with the same schemas (its JSON schema is
 * generated from them), so a model can answer for any one agent and nothing downstream changes.
 * Distances are along the ego lane from the front bumper, m; speeds m/s. Every field is required
 * (null where absent) so the generated JSON schema suits strict structured-output modes.
 */
import { z } from 'zod';

/*
 * Bounds on what a model may answer (the rules backend's objects are not parsed with these
 * schemas). They make every reply finite in length: the in-process llama path compiles them into
 * its grammar and sizes its token budget from them; OpenAI / Ollama pass them on as JSON Schema.
 */
/** Beyond any perception range the scene text describes, m. */
const MAX_DISTANCE_M = 1000;
/** Longer than any planning horizon, s. */
const MAX_TIME_S = 120;
/** 252 km/h: above any posted limit (the longitudinal agent's target speed has the same cap), m/s. */
const MAX_SPEED_MPS = 70;

export const HazardKindSchema = z.enum([
  'lead',
  'stopped_lead',
  'blocked_lane',
  'crossing_vehicle',
  'crossing_vru',
  'red_light',
  'yellow_light',
  'stop_sign',
  'crosswalk_occupied',
  'occlusion',
  'oncoming_traffic',
  'cut_in',
]);
export type HazardKind = z.infer<typeof HazardKindSchema>;

export const HazardSchema = z.object({
  kind: HazardKindSchema,
  /** The agent behind it, when one is. */
  agentId: z.string().max(120).nullable(),
  /** Distance ahead along the ego lane from the front bumper, m (negative: beside or behind it). */
  distanceM: z.number().finite().min(-MAX_DISTANCE_M).max(MAX_DISTANCE_M),
  /** Time to collision or to the conflict, s, when known. */
  timeS: z.number().finite().min(0).max(MAX_TIME_S).nullable(),
});
export type Hazard = z.infer<typeof HazardSchema>;

export const RouteIntentSchema = z.enum([
  'KEEP_LANE',
  'CHANGE_LEFT',
  'CHANGE_RIGHT',
  'TURN_LEFT',
  'TURN_RIGHT',
  'STRAIGHT',
]);
export type RouteIntent = z.infer<typeof RouteIntentSchema>;

export const SceneAnalysisSchema = z.object({
  /** Most urgent first. */
  hazards: z.array(HazardSchema).max(16),
  /** Speed limit in force, m/s. */
  speedLimitMps: z.number().finite().nonnegative().max(MAX_SPEED_MPS),
  /** What the route asks for next. */
  routeIntent: RouteIntentSchema,
  /** Distance to the point where the route's lane change must be done, m (null: none pending). */
  changeByM: z.number().finite().min(-MAX_DISTANCE_M).max(MAX_DISTANCE_M).nullable(),
  /** Something the rules may not cover (a model is consulted when LLM-Assist is on). */
  unusual: z.boolean(),
  notes: z.array(z.string().max(200)).max(8),
});
export type SceneAnalysis = z.infer<typeof SceneAnalysisSchema>;

export const LateralDecisionSchema = z.object({
  path: z.enum(['FOLLOW_LANE', 'LEFT_CHANGE', 'RIGHT_CHANGE', 'LEFT_BORROW', 'RIGHT_BORROW']),
  targetLaneId: z.string().max(120).nullable(),
  reason: z.string().max(300),
});
export type LateralDecision = z.infer<typeof LateralDecisionSchema>;

export const LongitudinalDecisionSchema = z.object({
  speed: z.enum(['KEEP', 'ACCELERATE', 'DECELERATE', 'STOP']),
  targetSpeedMps: z.number().finite().min(0).max(MAX_SPEED_MPS),
  /** Braking intensity for DECELERATE / STOP, m/s² (null: the controller's comfortable default). */
  decelMps2: z.number().finite().positive().max(12).nullable(),
  /** STOP: where the front bumper stops, distance ahead along the path, m (null: as soon as comfortable). */
  stopDistanceM: z.number().finite().min(0).max(300).nullable(),
  reason: z.string().max(300),
});
export type LongitudinalDecision = z.infer<typeof LongitudinalDecisionSchema>;
