/**
 * Parameters of the interaction-aware reactive agents (`--agents interactive`), as data: one zod
 * schema with units, defaults and where each number comes from. nuPlan's IDM agents
 * (`--agents idm`) take none of these.
 */
import { z } from 'zod';

export const InteractiveAgentParamsSchema = z.object({
  /** How far ahead other bodies are predicted along their path / the ego's route, s. */
  horizonS: z.number().positive().default(4),
  /**
   * How far ahead a body without a known path (the ego off its route, replayed agents) is
   * extrapolated at constant velocity along its heading, s. Shorter than `horizonS`: a 2° heading
   * wobble at 20 m/s drifts 2.8 m in 4 s, a lane change that is not happening.
   */
  kinematicHorizonS: z.number().positive().default(2.5),
  /** Step between predicted samples, s. */
  sampleDtS: z.number().positive().default(0.5),
  /**
   * Hardest braking of a reactive vehicle, m/s². IDM's comfortable b (2 m/s², nuPlan) holds in
   * normal following; when a conflict needs more, people brake up to about 0.6–0.7 g on dry roads.
   */
  emergencyDecelMps2: z.number().positive().default(6),
  /**
   * A reactive vehicle keeps going at a crossing conflict with the ego only if it clears the
   * conflict this long before the ego arrives there (a defensive driver's margin), s.
   */
  crossingMarginS: z.number().nonnegative().default(1),
  /**
   * A scripted lane change is abandoned while not yet committed when the new follower would have
   * to brake harder than this to avoid it, m/s² (MOBIL's safe braking b_safe, Kesting et al. 2007).
   */
  safeBrakingMps2: z.number().positive().default(4),
  /**
   * A scripted vehicle stops braking as scripted and matches the speed of a follower closing in
   * with a time to collision below this, s (it "adjusts" rather than being run into).
   */
  escapeTtcS: z.number().positive().default(3),
  /**
   * …or closer than this time headway of the follower, s; it then also speeds up to win back that
   * headway within 2 s (half a second is where tailgating starts in most driving codes' guidance).
   */
  escapeHeadwayS: z.number().nonnegative().default(0.5),
  /** Acceleration a scripted vehicle uses to get back to its scripted speed, m/s². */
  scriptedRecoveryAccelMps2: z.number().positive().default(2),
  /** Room a vehicle needs beyond a junction's exit before it enters the junction, besides its length, m. */
  junctionExitRoomM: z.number().nonnegative().default(2),
  /** A lead slower than this beyond a junction blocks the exit (queue), m/s. */
  queueSpeedMps: z.number().nonnegative().default(2),
  /**
   * A pedestrian at the kerb starts crossing only when every approaching vehicle either yields or
   * reaches the crossing this long after the pedestrian has cleared the road, s (accepted gap; the
   * mean accepted gap in field studies is 4–6 s for the whole crossing, Brewer et al. 2006).
   */
  pedestrianGapMarginS: z.number().nonnegative().default(1.5),
  /**
   * A pedestrian looks before walking the last this many metres to the kerb, and waits where it
   * stands if the road is not clear (one does not step out from behind a parked van first), m.
   */
  pedestrianLookM: z.number().nonnegative().default(2),
  /**
   * A vehicle counts as yielding to a pedestrian when it is slower than this, m/s, or braking so
   * that it stops before the crossing.
   */
  yieldingSpeedMps: z.number().nonnegative().default(1),
  /** A vehicle braking harder than this counts as braking (for a pedestrian's judgement), m/s². */
  brakingMps2: z.number().positive().default(0.5),
});
export type InteractiveAgentParams = z.infer<typeof InteractiveAgentParamsSchema>;

export const DEFAULT_INTERACTIVE_PARAMS: InteractiveAgentParams = InteractiveAgentParamsSchema.parse({});
