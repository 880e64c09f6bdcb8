/**
 * Parameters of the safety gate, as data (STYLE habit 7): one zod schema with units, defaults
 * and the source of each number. The README's Parameters table mirrors it.
 */
import { z } from 'zod';
import { defaultDynamics, RssDynamicsSchema } from './rss.ts';

const pos = () => z.number().finite().positive();
const nonNeg = () => z.number().finite().nonnegative();

export const SafetyParamsSchema = z.object({
  /** Roll-out horizon, s (issue 7: ≥ 3 s). */
  horizonS: pos().min(3).default(4),
  /** Roll-out step, s (coarser than the 0.1 s sim step to keep a check under 0.5 ms). */
  stepS: pos().default(0.2),
  /** RSS dynamics of the ego and of other vehicles (ad-rss-lib defaults). */
  rssEgo: RssDynamicsSchema.default(defaultDynamics.ego),
  rssOther: RssDynamicsSchema.default(defaultDynamics.other),
  /** Lateral overlap margin for "in my corridor", m (our choice: half a typical lane-keeping error). */
  corridorMarginM: nonNeg().default(0.3),
  /** nuPlan `time_to_collision_within_bound`: least_min_ttc 0.95 s. */
  ttcBoundS: pos().default(0.95),
  /** Lane-change gap acceptance: headway to the front / from the rear vehicle in the target lane, s (critical lag ≈ 1 s, Ahmed 1999). */
  gapFrontHeadwayS: nonNeg().default(1.0),
  gapRearHeadwayS: nonNeg().default(1.0),
  /** Minimum bumper gap in the target lane, m (our choice). */
  gapMinM: nonNeg().default(4),
  /** Vulnerable road users: distance within which speed is capped, m, and the cap, m/s (10 km/h; our choice after EU GSR 2019/2144 proximity speeds). */
  vruNearM: pos().default(4),
  vruNearSpeedMps: pos().default(2.8),
  /** ISO/TS 15066 SSM: human approach speed 1.6 m/s (ISO 13855), robot reaction 0.1 s, intrusion C 0.2 m, position uncertainties 0.1 m each, robot braking 1.0 m/s². */
  ssmHumanSpeedMps: nonNeg().default(1.6),
  ssmReactionS: nonNeg().default(0.1),
  ssmIntrusionM: nonNeg().default(0.2),
  ssmUncertaintyM: nonNeg().default(0.2),
  ssmRobotBrakeMps2: pos().default(1.0),
  /** Yellow light: may pass if a stop would need more than this deceleration, m/s² (ITE dilemma-zone 3.0 m/s²). */
  yellowStopDecelMps2: pos().default(3.0),
  /** Speed-limit tolerance, m/s (nuPlan speed-limit metric counts any excess; we allow 0.5 m/s of tracking noise). */
  speedLimitToleranceMps: nonNeg().default(0.5),
  /** Comfort limits (nuPlan ego_is_comfortable: lon accel 2.40, decel 4.05, |jerk| 4.13, lat accel 4.89). */
  maxLonAccelMps2: pos().default(2.4),
  maxLatAccelMps2: pos().default(4.89),
  maxJerkMps3: pos().default(4.13),
  /** Roll-out of a command: accelerate / decelerate to a target speed, m/s² (below the comfort limits). */
  commandAccelMps2: pos().default(1.5),
  commandDecelMps2: pos().default(2.0),
  /** ACCELERATE / DECELERATE without a target speed change the speed by this much, m/s. */
  speedStepMps: pos().default(5),
  /** The sim's tracker as a first-order speed loop: nuPlan LQR q_lon 10, r_lon 1 over a 1 s horizon → gain 10/11 per s. */
  trackingGainPerS: pos().default(10 / 11),
  /** Actuator acceleration lag, s (nuPlan kinematic bicycle accel_time_constant 0.2 s). */
  accelLagS: pos().default(0.2),
  /** Lane-change duration, s (NGSIM mean ≈ 4–5 s; Toledo & Zohar 2007). */
  laneChangeS: pos().default(4),
  /** Inputs older than this are stale, s (two planning ticks at 10 Hz). */
  maxInputAgeS: pos().default(0.25),
  /** The MRM comfortable stop, m/s² (issue 7). */
  comfortStopDecelMps2: pos().default(1.0),
  /** Rail crossing: length of the track area after a `rail` stop line, m (our choice: two tracks). */
  railCrossingLengthM: pos().default(8),
  /** School bus: pass a stopped one only below this speed, and count it within this distance, m/s and m. */
  schoolBusRangeM: pos().default(40),
  /** Cyclist blind spot for a lane change: from this far behind to this far ahead of the ego centre, m. */
  blindSpotBehindM: pos().default(15),
  blindSpotAheadM: pos().default(5),
  /** Agents farther than v·H + this are culled before any check, m. */
  cullMarginM: pos().default(30),
});
export type SafetyParams = z.infer<typeof SafetyParamsSchema>;
export type SafetyParamsInput = z.input<typeof SafetyParamsSchema>;
