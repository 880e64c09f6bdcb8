/**
 * Parameters of the safety gate, as data (STYLE habit 7): one zod schema with units, defaults
 * and the source of each number. The README's Parameters table mirrors it.
 */
import { z } from 'zod';
import { defaultDynamics, RssDynamicsSchema } from './rss.ts';

const pos = () => z.number().finite().positive();
const nonNeg = () => z.number().finite().nonnegative();

/**
 * A command's `lateralAccelMps2` may exceed the evasive limit by this much, m/s²: the planner rounds
 * it to 0.01 (planner/hierarchical/Evasive.ts sends 4.91 for 0.5 g = 4.905).
 */
export const EVASIVE_ROUNDING_MPS2 = 0.01;

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
  /**
   * RSS dynamics assumed for a vehicle behind in the target lane of a lane change (the follower):
   * ρ 1 s (it sees the ego's indicator and is already attentive), α_accel 1.0 (nuPlan IDM accel_max),
   * braking ≥ 5 m/s² for a vehicle merging ahead (our choice between ad-rss-lib's α_brake,min 4 and
   * α_brake,max 8; with 4 a 2.4 s time gap at 25 m/s would be refused); the ego as leader may brake
   * at its b_max 8. Also the follower model of the rear-aware MRM.
   */
  rssFollower: RssDynamicsSchema.default({
    ...defaultDynamics.other,
    responseTimeS: 1,
    accelMaxMps2: 1,
    brakeMinMps2: 5,
  }),
  /** Vulnerable road users: the cap applies within this clearance of the ego's footprint, m (a VRU *in* the path; our choice), and the cap, m/s (10 km/h; EU GSR 2019/2144 proximity speeds). */
  vruNearM: pos().default(1.0),
  vruNearSpeedMps: pos().default(2.8),
  /**
   * Overtaking a cyclist or a pedestrian on the carriageway in town leaves at least this much between
   * the bodies, m (StVO §5(4): 1.5 m in town; UK Highway Code rule 163: 1.5 m up to 30 mph).
   */
  cyclistPassClearanceM: pos().default(1.5),
  /**
   * The same out of town, m (StVO §5(4): 2 m; the Highway Code asks more room above 30 mph): where the
   * lane the cyclist rides (else the ego's) is of a rural or motorway road (`Lane.roadClass`), or,
   * where the map gives no class, its limit is above 50 km/h (`drivingSide.ts`, `outOfTown`).
   */
  cyclistPassClearanceOutOfTownM: pos().default(2.0),
  /** A child (subclass `child`) counts as in the path within this clearance, m (children dart out: our choice). */
  childNearM: pos().default(2.5),
  /**
   * A pedestrian beside the path may step out: it crosses its clearance at this speed (a hurried
   * step-out; ISO 13855's walking 1.6 m/s is too slow for a person who runs), m/s; a child faster.
   * The ego must be able to stop short of it after the reaction time with the deceleration (RSS
   * b_min), or clear its crossing point first, or pass at walking pace (our choices).
   */
  vruStepOutSpeedMps: pos().default(2.5),
  childStepOutSpeedMps: pos().default(3.0),
  /** It speeds up to that pace at most this fast from where it stands, m/s² (ad-rss-lib / CARLA default pedestrian dynamics: alphaLon.accelMax 2.0). */
  vruStepOutAccelMps2: pos().default(2.0),
  /**
   * The ego's reaction to a person who steps out, s: the next snapshot shows it moving (0.1 s), the
   * gate's critical stop goes out on that tick, the actuator's lag (0.2 s), and 0.1 s for the
   * tracker's onset (our choice). Then the ego brakes at the repair ladder's hardest rung, 0.75 of the
   * platform's maximum (never below `vruStepOutDecelMps2`, RSS b_min).
   */
  vruStepOutReactionS: nonNeg().default(0.4),
  /**
   * The ego slows for a pedestrian that could step out at this deceleration, as late as that still
   * works, m/s² (our choice: as gently as a lead that is not braking, comfortLeadDecelMps2; braking
   * harder towards a waiting pedestrian reads as yielding to it).
   */
  vruStepOutSlowDecelMps2: pos().default(1.0),
  vruStepOutDecelMps2: pos().default(4),
  /** A pedestrian walking towards a crosswalk within this distance counts as stepping onto it, m. */
  crosswalkNearM: pos().default(1.5),
  /** A pedestrian on a crosswalk farther than this from the ego's side, not walking towards its path, no longer conflicts, m (our choice). */
  crosswalkClearM: pos().default(2.0),
  /** Signals, stop lines, crosswalks, school buses: the ego must stay able to stop for them with at most this, m/s² (ITE dilemma-zone 3.0). */
  signalStopDecelMps2: pos().default(3.0),
  /** ISO/TS 15066 SSM: human approach speed 1.6 m/s (ISO 13855), robot reaction 0.1 s, intrusion C 0.2 m, position uncertainties 0.1 m each, robot braking 1.0 m/s². */
  ssmHumanSpeedMps: nonNeg().default(1.6),
  /** A monitored person speeds up from its speed to ssmHumanSpeedMps at most this fast, m/s² (ad-rss-lib / CARLA default pedestrian dynamics: alphaLon.accelMax 2.0). */
  ssmHumanAccelMps2: pos().default(2.0),
  ssmReactionS: nonNeg().default(0.1),
  ssmIntrusionM: nonNeg().default(0.2),
  ssmUncertaintyM: nonNeg().default(0.2),
  ssmRobotBrakeMps2: pos().default(1.0),
  /** Yellow light: may pass if a stop would need more than this deceleration, m/s² (ITE dilemma-zone 3.0 m/s²). */
  yellowStopDecelMps2: pos().default(3.0),
  /**
   * A vehicle seen braking over several snapshots (`AgentState.sustainedDecelMps2`) and crossing
   * the ego's way is forecast to rest at this share of its weakest observed braking, not driven on
   * at constant speed (our choice: half, the margin for a driver who eases off; one who releases
   * shows it within a step and is forecast at constant speed again).
   */
  observedBrakeShare: z.number().min(0).max(1).default(0.5),
  /** …not for a vehicle heading within this of the ego's heading or of head-on: a lead keeps RSS's worst case, a follower and an oncoming vehicle their constant speed, rad (our choice, 45°). */
  observedBrakeSameWayRad: nonNeg().default(Math.PI / 4),
  /** Speed-limit tolerance, m/s (nuPlan speed-limit metric counts any excess; we allow 0.5 m/s of tracking noise). */
  speedLimitToleranceMps: nonNeg().default(0.5),
  /** Comfort limits (nuPlan ego_is_comfortable: lon accel 2.40, decel 4.05, |jerk| 4.13, lat accel 4.89). */
  maxLonAccelMps2: pos().default(2.4),
  maxLatAccelMps2: pos().default(4.89),
  maxJerkMps3: pos().default(4.13),
  /**
   * Lateral acceleration the control-level check lets the steering ask for, m/s²: the tyres' grip
   * (peak road friction ≈ 0.8 on dry asphalt × g; Wong, Theory of Ground Vehicles, Table 1.4), not
   * the comfort bound above — a curve the road bends through at more than 4.89 m/s² must still be
   * steered through while the command brakes (STYLE 9: the gate is no comfort filter; clamping the
   * steering to comfort drove the ego off a 100 m radius bend at 30 m/s, esmini
   * distance_with_trailers.xosc).
   */
  maxTyreLatAccelMps2: pos().default(0.8 * 9.81),
  /**
   * Evasive steering (AES): the peak lateral acceleration of the lane change / borrow the gate
   * proposes when no stop avoids a blocker ahead, m/s² — 0.5 g, what emergency lane changes on dry
   * roads reach (Euro NCAP AEB/AES tests drive ≈ 0.5 g avoidance; below the tyres' 0.8 g above, so
   * braking still has grip left). Equal to nuPlan's comfort bound 4.89 (the ego_is_comfortable
   * metric fails beyond it).
   */
  evasiveLatAccelMps2: pos().default(0.5 * 9.81),
  /**
   * …combined with braking at this rate, m/s²: what the friction circle leaves at the evasive
   * lateral rate (√(0.8 g)² − (0.5 g)²) ≈ 6.1; Kamm's circle, Wong Table 1.4 μ ≈ 0.8).
   */
  evasiveDecelMps2: pos().default(Math.sqrt((0.8 * 9.81) ** 2 - (0.5 * 9.81) ** 2)),
  /**
   * The controller (pure pursuit on the evasive cubic, re-planned every tick) and the sim's steering
   * start an evasive change this late, s: rolled out without it the check ran up to 0.3 m ahead of
   * the driven move at 20 m/s (measured, controller/evasiveTracking.test.ts).
   */
  evasiveLagS: nonNeg().default(0.15),
  /** Roll-out of a command: accelerate / decelerate to a target speed, m/s² (below the comfort limits). */
  commandAccelMps2: pos().default(1.5),
  commandDecelMps2: pos().default(2.0),
  /**
   * `crossing.mayTurn`: a vehicle that may turn across the ego's way is seen turning this long
   * after it starts (its heading ≈ 0.1 rad off its lane: two snapshots), plus the check's tick and
   * the actuator's lag, s (our choice); the ego then brakes at the repair ladder's hardest rung.
   */
  mayTurnReactionS: nonNeg().default(0.5),
  /** ACCELERATE / DECELERATE without a target speed change the speed by this much, m/s. */
  speedStepMps: pos().default(5),
  /** The sim's tracker as a first-order speed loop: nuPlan LQR q_lon 10, r_lon 1 over a 1 s horizon → gain 10/11 per s. */
  trackingGainPerS: pos().default(10 / 11),
  /** Below this speed (with a reference as slow) the tracker stops proportionally, at this gain: nuPlan LQR stopping_velocity 0.2 m/s, stopping_proportional_gain 0.5 /s. */
  trackerStopSpeedMps: pos().default(0.2),
  trackerStopGainPerS: pos().default(0.5),
  /**
   * Braking onset of the gate's braking repairs and of the ramped proper response to a headway
   * deficit, m/s³ (our choice: the tracked jerk then stays below nuPlan's 4.13 comfort bound).
   */
  brakeOnsetJerkMps3: pos().default(1.5),
  /**
   * A repair for an RSS danger that arises only later in the roll-out builds its braking up from the
   * actuator's lag to reach the proper response this long before it is due (danger + ρ), s (our
   * choice: the roll-out's tracker reaches a commanded deceleration ≈ 0.3 s after its reference).
   */
  laterOnsetMarginS: nonNeg().default(0.5),
  /** A lead whose estimated acceleration (`AgentState.accelMps2`) is above minus this is not braking: the ramped RSS response applies, m/s² (unknown: full strength; our choice). */
  comfortLeadDecelMps2: nonNeg().default(1),
  /**
   * A vehicle coming the other way into the ego's lane is answered with RSS's correct-lane proper
   * response while the predicted conflict is farther off than this and than the ego's time to rest
   * at RSS's b_min after the lag (`rules/CheckContext` `oncomingMitigateS`); closer, at full
   * strength to mitigate, s (our choice: the other driver's ρ of 2 s has then mostly passed).
   */
  oncomingMitigateS: pos().default(1.5),
  /**
   * Post-encroachment time a command may not speed up into (nor turn into across a vehicle going
   * straight on, at any speed): the ego and a vehicle crossing its path pass the same spot less
   * than this far apart, s (PET below 1 s marks a serious conflict in the
   * traffic-conflict technique: Allen, Shin & Cooper 1978; Hydén 1987).
   */
  crossingPetS: nonNeg().default(1.0),
  /** Actuator acceleration lag, s (nuPlan kinematic bicycle accel_time_constant 0.2 s). */
  accelLagS: pos().default(0.2),
  /**
   * A borrow may cross a painted centre line that forbids crossing (solid, double solid, the solid
   * half of a double line; not a kerb or grass) to pass a stationary obstruction that blocks the
   * lane, while the oncoming lane is clear by the borrow's own rules (Highway Code rule 129 "to pass
   * a stationary vehicle … provided the road is clear"; Uniform Vehicle Code §11-301(a)(2) with
   * §11-307's exception). false: the letter of StVO Anlage 2 Zeichen 295, which names no exception —
   * every crossing of a solid line is refused.
   */
  solidLineObstructionPass: z.boolean().default(true),
  /**
   * The obstruction that lets a borrow cross a solid centre line lies no farther ahead than this,
   * rear to the ego's front bumper, m (our choice: a borrow begun `laneChangeS` before it at 50 km/h,
   * 56 m, plus a margin): a blocker far ahead is no reason to drive on the wrong side now.
   */
  obstructionPassAheadM: pos().default(60),
  /** Lane-change duration, s (NGSIM mean ≈ 4–5 s; Toledo & Zohar 2007). */
  laneChangeS: pos().default(4),
  /**
   * An in-lane shift (`lateralOffsetM` on FOLLOW_LANE) is rolled out as a cubic whose peak lateral
   * acceleration 6·Δd/T² is this, m/s² (our choice: an evasive swerve within nuPlan's 4.89 comfort
   * bound, well above RSS's lateral b_min of 0.8; the sim's tracker follows it, `Rollout.test.ts`).
   */
  inLaneShiftLatAccelMps2: pos().default(3),
  /**
   * The sim's tracker follows an in-lane shift this late, s (its lateral LQR weighs heading error 10×
   * lateral error: it starts to turn only as the reference's heading departs; measured, `Rollout.test.ts`).
   */
  inLaneShiftLagS: nonNeg().default(0.3),
  /**
   * After the lag the tracked shift closes like a cubic over this long, s, and over no less than
   * `inLaneShiftTrackM` of travel (the lateral LQR is slower at low speed): 0.45 m at 15 m/s is half
   * done 1.3 s after the command, at 6 m/s 1.85 s (measured, `Rollout.test.ts`).
   */
  inLaneShiftTrackS: pos().default(2.6),
  inLaneShiftTrackM: pos().default(21),
  /**
   * The gate's own in-lane shift stays this far inside the lane's limit, m (the tracker overshoots
   * a 0.45 m shift by ≈ 0.13 m at 15 m/s; measured, `Rollout.test.ts`).
   */
  inLaneShiftMarginM: nonNeg().default(0.15),
  /**
   * A planned trajectory that follows its lane stays in it (an in-lane shift, no lane change) while
   * the ego's body is over the lane's line by no more than this, m (our choice: esmini
   * trajectory-test's PDM-Closed plan kept the ego's centre 0.5–1 m left of its 3.5 m lane's centre,
   * a 2 m-wide body up to 0.25 m over the line; one drifting 1.7 m off, 0.7 m into the next lane, is
   * a lane change — review 13).
   */
  plannedLaneOverM: nonNeg().default(0.3),
  /** Inputs older than this are stale, s (two planning ticks at 10 Hz). */
  maxInputAgeS: pos().default(0.25),
  /**
   * A command issued longer ago than this is stale whatever its expiry, s (our choice: twice an LLM
   * planner's slowest answer, 5 s, on top of the planners' 1 s command lifetime would be 11 s; 10 s
   * keeps a round number that no planner in the repo comes near).
   */
  maxCommandAgeS: pos().default(10),
  /** The MRM comfortable stop, m/s² (issue 7). */
  comfortStopDecelMps2: pos().default(1.0),
  /** Rail crossing: length of the track area after a `rail` stop line, m (our choice: two tracks). */
  railCrossingLengthM: pos().default(8),
  /**
   * Rail crossing: room the ego needs beyond the track area, past its own length, before a vehicle
   * standing or queueing (≤ `railQueueSpeedMps`) there, to enter the crossing at all, m (our
   * choice; traffic codes: do not enter a crossing without room to clear it).
   */
  railClearRoomM: pos().default(1),
  /** Rail crossing: a vehicle beyond it this slow counts as a queue the ego could not clear, m/s (our choice). */
  railQueueSpeedMps: pos().default(2),
  /**
   * Junction: room the ego needs past a junction's exit, beyond its own length, before a vehicle
   * standing or queueing (≤ `railQueueSpeedMps`) there, to enter the junction at all, m (our choice,
   * as at a rail crossing; traffic codes: do not enter a junction you cannot leave).
   */
  junctionClearRoomM: pos().default(1),
  /**
   * Junction: when the ego's rear would not leave the junction within the roll-out, a vehicle past
   * its exit creeping slower than `junctionCreepSpeedMps` is taken where its forecast puts it
   * `junctionQueueForecastMaxS` from now at most, s / m/s (our choice: forecast on at 1 m/s to the
   * horizon's end, a queue was counted gone and a KEEP at 3 m/s rolled into a 30 m junction it could
   * not leave; a cyclist or car moving off at 1.9 m/s still counts as leaving; review 4).
   */
  junctionQueueForecastMaxS: pos().default(2),
  junctionCreepSpeedMps: pos().default(1.5),
  /** School bus with red lights: counts within this lateral offset of the path (own, adjacent, oncoming lane), and the ego stops this far behind it, m. */
  schoolBusLateralM: pos().default(6),
  schoolBusStopGapM: pos().default(5),
  /**
   * Beyond `schoolBusLateralM`, a school bus on a lane running along the path up to this far off is
   * on the same undivided road when lanes tile the ground between (no `medianMinM` strip): every
   * lane stops for it, linked or not, m (our choice: the far lane of a 4 + turn-lane + 4 arterial
   * is ≈ 28 m off). A map without links across a centre turn lane left a bus 7 m off unstopped for
   * (red team 7; US codes: a painted centre turn lane does not divide a highway).
   */
  schoolBusUndividedM: pos().default(30),
  /**
   * A median: a lane parallel to the ego's path, with no side-by-side link to the ego's carriageway
   * and a lane-free strip at least this wide between its carriageway and the ego's, is on another
   * carriageway of a divided road, m. A school bus loading there, or an emergency vehicle standing or coming the other way
   * there, asks nothing of the ego (US codes: traffic on the other roadway of a divided highway does
   * not stop for a school bus; move-over duties are for the lanes beside the vehicle). Our choice: a
   * lane map does not say whether the strip is a barrier, grass or paint; lanes of an undivided road
   * touch (0 m), imported ones within a few centimetres.
   */
  medianMinM: pos().default(1.0),
  /**
   * A bus at its stop with hazard lights on (StVO §20(4)): passed only at walking pace
   * (Schrittgeschwindigkeit, commonly read as 4–7 km/h; our choice: 7 km/h), in both directions on
   * the carriageway, from `busStopZoneM` before its rear to its front (our choice: people step out
   * behind it), m/s and m.
   */
  busStopPassSpeedMps: pos().default(7 / 3.6),
  busStopZoneM: pos().default(10),
  /** Emergency vehicle on a run: counts within this distance, m; passed standing at ≤ this speed, m/s (20 mph; move-over laws). */
  emergencyRangeM: pos().default(150),
  emergencyPassSpeedMps: pos().default(8.9),
  /**
   * A lane that ends within this of a junction the ego's path enters ahead feeds it: an emergency
   * vehicle on a run there, or a hidden region over it, concerns that junction, m (our choice: at the
   * 13.9 m/s urban limit ≈ 3.6 s, within the roll-out's 4 s; red team 9).
   */
  junctionFeedM: pos().default(50),
  /** Hidden region within this clearance of the path: pass at ≤ occludedSpeedMps, m and m/s (30 km/h zone speed). */
  occlusionNearM: pos().default(2.0),
  occludedSpeedMps: pos().default(8.3),
  /**
   * The plausible speed of an agent whose speed nobody measured (`AgentState.speedKnown: false`),
   * per kind, m/s: the gate checks such an agent both at rest and at this speed along its heading
   * (and its lane). A vehicle on a lane at that lane's speed limit where it is higher (as a vehicle
   * hidden in an oncoming lane is taken, `situational.occlusion`). Vehicle: the urban limit (50 km/h);
   * cyclist: a fast urban rider (8 m/s ≈ 29 km/h); pedestrian: a running step-out (`vruStepOutSpeedMps`);
   * robot: the robot profile's 2 m/s; static: 0 (our choices; the ROS bridge's first sightings
   * carried these as invented speeds before).
   */
  unknownSpeedMps: z
    .object({ vehicle: nonNeg(), cyclist: nonNeg(), pedestrian: nonNeg(), robot: nonNeg(), static: nonNeg() })
    .default({ vehicle: 13.9, cyclist: 8, pedestrian: 2.5, robot: 2, static: 0 }),
  /** Cyclist blind spot for a lane change: from this far behind to this far ahead of the ego centre, m. */
  blindSpotBehindM: pos().default(15),
  blindSpotAheadM: pos().default(5),
  /** Agents farther than v·H + this are culled before any check, m. */
  cullMarginM: pos().default(30),
  /**
   * A footprint corner in the crack between two lanes the map declares side by side (left / right
   * neighbours) is on the road while that crack is at most this wide, m. Lanelet neighbours share
   * their bound (no gap); imported at one mean width per lane, their polygons leave cracks of mm–cm
   * (over the 10 loadable CommonRoad maps: median 7 mm, 90 % ≤ 9 cm; USA_Peach-4_8_T-1's junction
   * 10 mm). Only between neighbours: never beyond a road's outer edge (our choice).
   */
  drivableSeamMaxGapM: nonNeg().default(0.1),
  /**
   * A footprint corner this close to the drivable area is on it, at any edge: the map's import
   * precision, m. The importer draws each lanelet as its centre ± its mean width, so the real bound
   * may lie outside the drawn outline: over the 10 loadable CommonRoad maps 11.1 % of the real bound
   * points lie outside it (median 11 mm, 75 % ≤ 22 mm) and 96.7 % of all within 2 cm of it
   * (`npx tsx scripts/commonroad-edge-precision.ts`). A corner 4–8 mm over an imported lane edge,
   * where the expert drives, stopped the ego (USA_Lanker-2_23_T-1 reactive). Far below nuPlan's
   * drivable_area_compliance `max_violation_threshold` 0.3 m; beyond it the rule holds, at a road's
   * outer edge too.
   */
  drivableEdgeToleranceM: nonNeg().default(0.02),
});
export type SafetyParams = z.infer<typeof SafetyParamsSchema>;
export type SafetyParamsInput = z.input<typeof SafetyParamsSchema>;
