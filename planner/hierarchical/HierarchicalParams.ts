/**
 * Parameters of the hierarchical planner's rules backend and reflection (STYLE habit 7: one zod
 * schema, units in names, the source of each number). Robots override the distances (`ROBOT_OVERRIDES`).
 */
import { z } from 'zod';

const pos = () => z.number().finite().positive();
const nonNeg = () => z.number().finite().nonnegative();

export const HierarchicalParamsSchema = z.object({
  /**
   * Evasive steering (AES): a change, borrow or the rest of one around a standing object in the
   * ego's path that no emergency stop clears (the actuator's lag `evasiveReactS` at the speed, then
   * the vehicle's hardest braking) is commanded at this peak lateral acceleration, m/s² — 0.5 g, the
   * gate's `evasiveLatAccelMps2` (Euro NCAP AES ≈ 0.5 g; within the tyres' 0.8 g) …
   */
  evasiveLatAccelMps2: pos().default(0.5 * 9.81),
  /** … braking with the grip the friction circle leaves, m/s² (√(0.8² − 0.5²)·g ≈ 6.1; the gate's `evasiveDecelMps2`). */
  evasiveDecelMps2: pos().default(Math.sqrt((0.8 * 9.81) ** 2 - (0.5 * 9.81) ** 2)),
  /** Time before braking takes hold, s (nuPlan bicycle accel_time_constant 0.2 s + one 0.1 s plan tick). */
  evasiveReactS: pos().default(0.3),
  /** Lateral clearance the move must open to the object, m (the gate's footprint margins are tighter). */
  evasiveClearM: pos().default(0.3),
  /** IDM desired time headway, s (nuPlan idm_planner.yaml: 1.5). */
  headwayS: pos().default(1.5),
  /** IDM minimum gap to the lead, m (nuPlan: 1.0; 2.0 leaves room to steer around a blocker). */
  minGapM: pos().default(2.0),
  /**
   * Standstill gap behind a vehicle standing in a queue (`inTrafficQueue`: stopped in traffic, or
   * queued before a stop line or a junction), m: IDM's s0 against it and the stop behind it. Nothing
   * is planned round such a car, so `minGapM`'s steering room buys nothing; what is kept is the
   * controller's stop accuracy and the lead's roll-back. nuPlan's IDM planner (idm_planner.yaml
   * `min_gap_to_lead_agent`) and its stop-line stop (a stop lead's s0 here) use 1 m; behind a walker
   * or a car that may turn out parked (a blocker to pass later) `minGapM` stays.
   */
  standstillGapM: pos().default(1.0),
  /** IDM maximum acceleration, m/s² (nuPlan comfort bound 2.40 → 1.5 as PDM). */
  accelMaxMps2: pos().default(1.5),
  /** IDM comfortable braking, m/s² (nuPlan idm: 3.0). */
  comfortDecelMps2: pos().default(3.0),
  /** Hardest braking the planner commands (nuPlan comfort bound min lon accel −4.05; the gate may go harder). */
  maxDecelMps2: pos().default(6.0),
  /** Horizon over which the target speed is read off the IDM profile, s (the controller re-targets every plan). */
  targetLookS: pos().default(1.0),
  /**
   * ACC model's coolness c (Kesting, Treiber, Helbing 2010, Phil. Trans. R. Soc. A 368: 0.99): where
   * IDM brakes harder than the constant-acceleration heuristic says the lead's motion needs (a close
   * lead pulling away), the following is blended toward that heuristic; 0: plain IDM.
   */
  accCoolness: z.number().min(0).max(1).default(0.99),
  /**
   * Jerk at which braking builds up behind a lead pulling away (the ACC blend above), m/s³
   * (ISO 15622:2018 ACC: mean jerk over 1 s ≤ 2.5 m/s³ above 20 m/s, ≤ 5 m/s³ below 5 m/s; the
   * stricter bound everywhere).
   */
  accOnsetJerkMps3: pos().default(2.5),
  /**
   * Gap recovery behind a vehicle lead that is not braking (its acceleration > −0.5 m/s²), m/s²: a
   * headway deficit (the gap under IDM's desired s0 + v·T) whose closing the lead's motion leaves
   * little to brake for is recovered braking at most max(this, 1.5 × the kinematic need) — the
   * need being the constant braking that, from after `GAP_RECOVERY_LAG_S`, keeps the bumper gap
   * at `GAP_RECOVERY_MIN_M` with the lead holding its speed. IDM (and the ACC blend, which brakes
   * `comfortDecelMps2` beyond its heuristic) forced the 1.5 s headway back at up to 6 m/s² where real
   * traffic follows at 0.5–1 s: ESP_Toledo-11_5_T-1, a lead 3.2 m ahead 0.56 m/s slower and speeding
   * up, braked the ego from 5.1 to 1.5 m/s; the driver eased to 3.7. A need above
   * `comfortDecelMps2` leaves IDM as it is; 0: off. Our choice (half the horizon cap's approach braking).
   */
  gapRecoveryDecelMps2: z.number().min(0).default(1),
  /**
   * Jerk at which a stop at a point is braked up to while the ego's braking is still below what the
   * stop needs, m/s³ (`StopOnset.ts`; reflection's comfortable stop's onset, which nuPlan's
   * Savitzky–Golay jerk reads as ≈ 3.5 m/s³ at a run's first tick, under its 4.13); 0: off (the stop
   * point braked onto at once).
   */
  stopOnsetJerkMps3: nonNeg().default(3),
  /**
   * Room kept behind a blocker to steer out around it, m (the wait point): no nearer than where
   * braking at `comfortDecelMps2` stops the ego (a wait point inside that would brake hard for
   * steering room alone), and at least `stopMarginM`.
   */
  blockerRoomM: pos().default(18),
  /**
   * Lateral acceleration the curve cap allows in a bend, m/s²: √(a / |κ|) on the route centreline's
   * curvature (4 m window), approached braking at 2 m/s². 0.8 × nuPlan's comfort bound 4.89
   * (`ego_is_comfortable` max |lat accel|, also the gate's): the margin is for the tracker, which
   * overshoots in a curvature transition; on a smooth bend the tracked path is gentler than the
   * centreline's peak (`unprotected_left`'s ≈ 13 m junction turn: peak yaw rate 0.46 rad/s at
   * 7.3 m/s, ≈ 3.3 m/s² = 0.68 of the bound, where the expert turns at ≈ 3.3). (Was 3.0, with a 3.5
   * horizon cap: the turn at 6.8 m/s, the expert at 7.2–7.9.)
   */
  curveLatAccelMps2: pos().default(0.8 * 4.89),
  /**
   * Yaw rate the curve cap allows in a bend, rad/s: v ≤ ω / |κ| as well (binds in bends tighter than
   * a / ω², ≈ 6.8 m radius). 0.8 × nuPlan's comfort bound 0.95 (max |yaw rate|), the margin as above.
   */
  curveYawRateRadps: pos().default(0.8 * 0.95),
  /**
   * Lateral acceleration the command's target speed may ask for anywhere its roll-out reaches
   * (the target held for `commandHoldS`; the yaw rate too is bounded as above), m/s² (the curve
   * cap's: a command whose roll-out holds its target into a bend is judged there, by reflection and
   * by the gate against its 4.89).
   */
  horizonLatAccelMps2: pos().default(0.8 * 4.89),
  /** How long the roll-out that judges a command holds its target speed, s (reflection's and the gate's 4 s). */
  commandHoldS: pos().default(4.0),
  /**
   * Braking with which the horizon cap is approached, m/s² (`horizonCapAt`: the speed profile slows
   * down early enough that no point of it, held for `commandHoldS`, meets a bend too fast). The curve
   * cap's approach braking (`DEFAULT_CURVE_SPEED.decelMps2`), half nuPlan's comfort bound −4.05: the
   * IDM that follows the cap lags it and brakes harder than the cap falls.
   */
  horizonDecelMps2: pos().default(2.0),
  /** A vehicle standing this long with nothing in front of it and no signal is parked, s. */
  parkedAfterS: pos().default(4.0),
  /**
   * A vehicle whose centre is this far from where the planner first saw it was seen driving, m
   * (Autoware static_obstacle_avoidance `avoidance_for_ambiguous_vehicle.condition.th_moving_distance`
   * 1.0): stopped in the lane without pulling over (`pulledOverOffsetM`) and with no hazard lights,
   * it is traffic that has stopped, waited behind, never a blocker to pass (`isBlocker`).
   */
  seenDrivingM: nonNeg().default(1.0),
  /**
   * Pulled over to the kerb (parked): its centre at least this far from its lane's centre towards a
   * side with no lane, m (Autoware `parked_vehicle.th_offset_from_centerline` 1.0) …
   */
  pulledOverOffsetM: nonNeg().default(1.0),
  /**
   * … and that offset over the most it could move over — half the lane width less half its own, plus
   * `pulledOverShoulderM` — above this (Autoware `parked_vehicle.th_shiftable_ratio` 0.8) …
   */
  pulledOverRatio: nonNeg().default(0.8),
  /** … with this much shoulder assumed beyond the lane's edge, m (Autoware `min_road_shoulder_width` 0.5). */
  pulledOverShoulderM: nonNeg().default(0.5),
  /** Blocker closer than this is planned around (borrow / change), m. */
  borrowLookM: pos().default(45),
  /** Extra clear length the oncoming lane must offer beyond the pass, m. */
  borrowMarginM: nonNeg().default(20),
  /**
   * Speed while passing in the oncoming lane (and the most at which a whole-lane borrow starts),
   * m/s. nuPlan's driving_direction_compliance sums the ego centre's travel against its lane's
   * direction over a 1 s window (11 ticks here: 1.1 s of travel) and scores 0 from 6 m, 0.5 from
   * 2 m: 6 m/s gave 6.6 m (0), 5 m/s gives 5.5 m (0.5).
   */
  borrowSpeedMps: pos().default(5.0),
  /** Nudge past a blocker (centre kept in lane): lateral room left beside the blocker, m (the expert of parked_truck_borrow leaves 0.25). */
  nudgeClearanceM: nonNeg().default(0.45),
  /** … and how far inside its own lane the ego's centre must stay, m. */
  nudgeCentreMarginM: nonNeg().default(0.1),
  /**
   * An in-lane nudge (`inLaneNudge`: the body kept inside the ego's lane) keeps the body this far
   * inside the lane's edge, m (the gate's `inLaneShiftMarginM`, the tracker's overshoot of a shift).
   */
  nudgeEdgeMarginM: nonNeg().default(0.15),
  /** … and moves over at least this far, m (the borrow nudge's least offset). */
  nudgeMinM: nonNeg().default(0.2),
  /** Speed while nudging past (not in the oncoming lane), m/s. */
  nudgeSpeedMps: pos().default(8.0),
  /** … and while swinging out to the nudge's offset, m/s (the borrow speed until it fell to 5 m/s: parked_truck_borrow's 93.8). */
  nudgeSwingOutSpeedMps: pos().default(6.0),
  /** Back in lane once the rear axle is this far past the blocker's far end, m. */
  borrowReturnM: nonNeg().default(4.0),
  /**
   * Room between a pass's end (where the swing back into the lane begins) and the next junction,
   * m: the swing back at the borrow speed (~3 s at 5 m/s) plus 10 m. A pass that ends later swings
   * back in the junction's mouth or enters it on the oncoming lane (CARLA InitAddEntityAction: the
   * swing back 10 m before it put two corners off the road).
   */
  borrowJunctionM: nonNeg().default(25),
  /** A borrow's blocker moving off faster than this before the ego is alongside ends the borrow, m/s. */
  borrowMovedMps: pos().default(1.0),
  /** Gap acceptance for a crossing / oncoming agent at a conflict point: time after the ego clears, s. */
  yieldGapS: pos().default(3.0),
  /** … and time before the ego arrives (the agent has already passed), s. */
  yieldBeforeS: pos().default(1.0),
  /**
   * At or below this speed the ego holds a standstill while a faster car merging into its lane is
   * still beside it (its rear behind our front bumper, closing in sideways), m/s: moving off into
   * where it goes only turns its side-swipe of a standing car into ours (nuPlan counts the ego as
   * stopped below 0.05 m/s; the creep a brief move-off leaves is above it).
   */
  mergeHoldMps: nonNeg().default(0.5),
  /** … plus this when starting from (near) standstill: the time lost getting going, s (HCM start-up lost time ≈ 2 s for a queue; one car ≈ 1). */
  startUpLostS: nonNeg().default(1.0),
  /**
   * A crossing vehicle has gone by once its rear is this far past every part of our footprint that
   * lies in its path (the yield to it ends then, whatever perception still lists), m (a margin for
   * the box's position and size as perception reports them).
   */
  gapRearMarginM: nonNeg().default(1.0),
  /**
   * How far a pedestrian's or cyclist's body must be past our footprint's part in its path (that
   * part already widened by the planner's 0.3 m strip margin), walking away, for the yield to it to
   * end, m. 0: as soon as it is out; passing near it is the gate's VRU rules' to cap (vru.proximity:
   * 2.8 m/s within 1 m).
   */
  vruGoneByMarginM: nonNeg().default(0),
  /** … and the ego enters its path no sooner than this after its rear has got that far, s (the reactive agents' own crossing margin, `crossingMarginS`). */
  gapRearS: nonNeg().default(1.0),
  /**
   * Timed approach to the vehicles yielded to (rolling on to meet their gap as it opens): the
   * braking it slows down with, m/s² (under `comfortDecelMps2`).
   */
  rollDecelMps2: pos().default(2.0),
  /**
   * While a vehicle yielded to is still to pass, the ego approaches its path no faster than
   * reaching it (less `yieldShowMarginM`) in this time, and does not speed up: a car that would be
   * in the path sooner looks as if it pulls out, and its driver brakes, s (the reactive agents
   * forecast the ego along its route over `horizonS`, 4 s).
   */
  yieldShowS: pos().default(4.0),
  /** … m. */
  yieldShowMarginM: nonNeg().default(1.0),
  /**
   * A crossing vehicle yields to us when it brakes at least this hard and stops (at that braking)
   * before our path with `yieldingMarginM` to spare, or stands before our path, m/s² (a driver who
   * lets us turn brakes visibly: 0.5 m/s² is above coasting and rolling resistance).
   */
  yieldingDecelMps2: pos().default(0.5),
  /** … the room it must leave before the strip our body sweeps, m. */
  yieldingMarginM: nonNeg().default(1.0),
  /** Braking kept in hand while approaching a vehicle we may have to yield to: decide late, stop at this, m/s² (nuPlan comfort bound −4.05). */
  yieldBrakeMps2: pos().default(2.0),
  /**
   * A vehicle in the ego lane driving at the ego this fast along it, m/s (a wrong-way driver, a
   * head-on cut-in): no lead to follow — the gap closes at both speeds, so the ego stops short of
   * where the two would meet. 1 m/s: above the along-lane speed a car standing askew shows.
   */
  oncomingLeadMps: pos().default(1.0),
  /** Stop this far before a conflict point / stop line / crosswalk, m. */
  stopMarginM: nonNeg().default(2.0),
  /** Lane-change gap acceptance (MOBIL-style): gap to the target lane's lead / follower, m and time, s. */
  changeGapFrontM: pos().default(6.0),
  changeGapRearM: pos().default(5.0),
  changeTimeS: pos().default(1.0),
  /**
   * Acceleration while a lane change begins, m/s² — from `changeOnsetLeadS` before the change may
   * start until the body has moved `changeOnsetM` over. nuPlan's longitudinal comfort signal is the
   * centre's acceleration a + d·(ω² + α) (d: rear axle to centre, 1.46 m; bound 2.40), and the
   * controller's change path starts at its full curvature, reached at the steering rate: the yaw
   * acceleration of that onset is ≈ 1 rad/s² at 6 m/s (CARLA Town06 route 47, a change begun at a
   * bend's exit while speeding up at 1.4 m/s²: 2.42 > 2.40, `ego_lon_acceleration`). 2.40 − 1.46 ·
   * 1.05 leaves 0.87; half a metre per second squared keeps the controller's lag and the jerk limit's
   * ramp-down inside it (our choice, measured on that route).
   */
  changeOnsetAccelMps2: nonNeg().default(0.5),
  changeOnsetLeadS: nonNeg().default(1.0),
  changeOnsetM: pos().default(1.0),
  /**
   * Where the route's lane changes must be made before a broken line turns solid
   * (`RouteChange.crossBy`): the time from one change's start to the next one's, s (2.5: measured
   * 2.0–2.5 s on CARLA Town06 route 48), the time from the last one's start until its body has
   * cleared the line, s (3.0: the gate rolls a change out over 4 s and the body is over the line
   * until about 70 % of it), and the least speed the ego slows to for them, m/s (our choice: a crawl
   * on a highway is the greater risk). The ego keeps to v ≤ room / ((n − 1)·routeChangeS + routeChangeCrossS).
   */
  routeChangeS: pos().default(2.5),
  routeChangeCrossS: pos().default(3.0),
  routeChangeMinMps: pos().default(6.0),
  /**
   * Fitting the speed to the gap committed to for the route's lane change: a critically damped pull
   * towards the gap's middle at its speed, with this natural frequency (rad/s) — the lower bound far
   * from the change, rising to the upper as the change nears (1.5 / time to go).
   */
  mergeOmegaMinRadps: pos().default(0.2),
  mergeOmegaMaxRadps: pos().default(0.6),
  /** … the braking it may use for that, m/s² (gentle: the expert eases off at ≈ 1.2). */
  mergeDecelMps2: pos().default(1.5),
  /** Time headway kept to the vehicle we merge behind while merging and settling, s (a dense stream's gaps hold ≈ 0.7 s a side). */
  mergeHeadwayS: pos().default(0.6),
  /** A follower in our lane this close in time (gap / speed) keeps the close-neighbour cap from slowing us below its speed, s. */
  followerHorizonS: pos().default(3.0),
  /** Occlusion: parked objects within this lateral distance of the lane edge hide walkers, m. */
  occluderLateralM: pos().default(2.5),
  /** Occlusion: speed allowed when passing an occluder close to the lane, m/s (a walker stepping out 1 m ahead). */
  occlusionSpeedMps: pos().default(5.0),
  /**
   * A pedestrian standing beside the path and facing it may step out (the gate's vru.stepOut, same
   * numbers): it reaches `stepOutSpeedMps` at `stepOutAccelMps2`; the ego must either stop short of
   * it (reaction `stepOutReactionS`, then `stepOutDecelMps2`) or be past before it gets there, m/s, m/s², s, m/s².
   */
  stepOutSpeedMps: pos().default(2.5),
  stepOutAccelMps2: pos().default(2.0),
  stepOutReactionS: nonNeg().default(0.5),
  stepOutDecelMps2: pos().default(4.0),
  /** Yellow light: stop when it can be done with at most this braking, m/s² (else go on through). */
  yellowStopDecelMps2: pos().default(3.0),
  /**
   * Clearing a junction on red: a crossing driver whose light is red and who comes to rest over its
   * line (braking at `yellowStopDecelMps2`) this far or more short of our path lets us go, m
   * (Autoware's `ignore_on_red_traffic_light.object_margin_to_path`, 2 m).
   */
  clearingOvershootMarginM: nonNeg().default(2.0),
  /** Command lifetime, s (AD-H: the controller keeps executing it until then). */
  commandLifetimeS: pos().default(1.0),
  /**
   * After the gate vetoed a model command as instruction-bearing (`input.instruction`), no model is
   * asked for this long, s (at least the vetoed command's lifetime); the rules drive. Our choice: the
   * flagged text sits in the model's input (a sign, a V2X or operator message) while it is in view;
   * asked again after one command lifetime, the model was vetoed again and each veto's comfort stop
   * drove 98 of 151 ticks of builtin crosswalk_pedestrian (progress 0.586 vs the rules' 0.771).
   */
  llmSteeredPauseS: nonNeg().default(10),
  /**
   * Once the gate has repaired the speed twice for one rule (`gateCapRepeatS`), the plans ask for no
   * more than the repair's target speed for this long (or until the agents the failing rules named
   * are gone), s; 0: off. The repaired command's lifetime (`commandLifetimeS`): the gate let it run
   * that long.
   */
  gateCapHoldS: nonNeg().default(1.0),
  /**
   * … twice: the second repair within this of the first, s (three plan periods: the rules asked
   * again at once for what the gate had just taken away). A lone repair caps nothing: capping the
   * first move after a yield (builtin unprotected_left: one repair, the next ask allowed) cost 0.21
   * of its progress.
   */
  gateCapRepeatS: nonNeg().default(0.35),
  /**
   * Clearance the swept-path inset keeps between the outer front corner and the lane edge in a tight
   * bend, m (`CurveInset.ts`): FOLLOW_LANE runs the rear axle toward the inside of a bend where the
   * corner would otherwise sweep over the edge (the gate's footprint check allows no overhang). Room
   * for the tracker, which the gate's roll-out does not model: pure pursuit held the rear axle within
   * 0.2 m of the centreline through `traffic_lights.xosc`'s ≈ 9.9 m turn.
   */
  curveInsetMarginM: nonNeg().default(0.15),
  /**
   * How far ahead of the rear axle the inset looks for a bend, s of travel (at least
   * `curveInsetLookMinM`): the gate rolls an in-lane shift out over max(2.6 s, 21 m of travel)
   * (`inLaneShiftTrackS` / `inLaneShiftTrackM`), so the inset is commanded that far before the bend.
   */
  curveInsetLookS: pos().default(3),
  curveInsetLookMinM: pos().default(25),
  /** Command horizon, s. */
  horizonS: pos().default(6.0),
});
export type HierarchicalParams = z.infer<typeof HierarchicalParamsSchema>;
export type HierarchicalParamsInput = z.input<typeof HierarchicalParamsSchema>;

/** Robots on aisles: metres, not tens of metres (ISO 3691-4 speeds ≤ 2 m/s). */
export const ROBOT_OVERRIDES: HierarchicalParamsInput = {
  minGapM: 0.8,
  standstillGapM: 0.8,
  headwayS: 1.0,
  accelMaxMps2: 0.8,
  comfortDecelMps2: 1.0,
  maxDecelMps2: 2.0,
  borrowLookM: 8,
  borrowMarginM: 4,
  borrowSpeedMps: 0.8,
  borrowReturnM: 1.0,
  borrowJunctionM: 3,
  borrowMovedMps: 0.3,
  nudgeClearanceM: 0.2,
  nudgeMinM: 0.1,
  nudgeSpeedMps: 0.8,
  nudgeSwingOutSpeedMps: 0.8,
  stopMarginM: 0.6,
  changeGapFrontM: 1.5,
  changeGapRearM: 1.5,
  occluderLateralM: 1.0,
  occlusionSpeedMps: 0.8,
  yellowStopDecelMps2: 1.0,
};
