/**
 * A commanded speed at or below this is a stop, m/s: the executor brings the vehicle to a stand and
 * holds it there with the brake (no creep at the target, as Autoware's longitudinal controller's
 * STOPPING / STOPPED states), and reflection keeps a decision that stands to alternatives that stand
 * too. A target of a few centimetres per second is no speed a driver holds: followed by the speed
 * law it was a creep (CARLA ScenarioRunner PedestrianCrossingFront: 0.09 m/s for 37 s before a
 * walker who waited for the ego to stand).
 */
export const STANDSTILL_TARGET_MPS = 0.1;

/**
 * The least braking the executor keeps while it brings a stop to a stand below the speed law's
 * own, m/s² (Autoware's `smooth_stop_weak_acc` is −0.3 m/s²): the speed law toward 0 (gain × v) fades as
 * the speed does, and left a tail that crept on for seconds.
 */
export const STANDSTILL_BRAKE_MPS2 = 0.3;
