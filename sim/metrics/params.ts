/**
 * Every threshold of the nuPlan closed-loop score (CLS-NR / CLS-R), with the nuplan-devkit file it
 * comes from (mirror commit e9241677997dd86bfc0bcd44817ab04fe631405b). Abbreviations:
 * `SM/` = nuplan/planning/script/config/common/simulation_metric/,
 * `AGG/` = nuplan/planning/script/config/simulation/metric_aggregator/,
 * `M/` = nuplan/planning/metrics/evaluation_metrics/common/.
 */
export const NUPLAN_METRIC_PARAMS = {
  collisions: {
    /** SM/high_level/no_ego_at_fault_collisions_statistics.yaml: max_violation_threshold_vru. */
    maxViolationsVru: 0,
    /** SM/high_level/no_ego_at_fault_collisions_statistics.yaml: max_violation_threshold_vehicle. */
    maxViolationsVehicle: 0,
    /** SM/high_level/no_ego_at_fault_collisions_statistics.yaml: max_violation_threshold_object. */
    maxViolationsObject: 1,
    /** M/no_ego_at_fault_collisions.py::_get_collision_type default stopped_speed_threshold, m/s. */
    egoStoppedSpeedMps: 5e-2,
    /** nuplan/planning/simulation/observation/idm/utils.py::is_track_stopped default, m/s. */
    trackStoppedSpeedMps: 5e-2,
    /** idm/utils.py::is_agent_behind default angle_tolerance, deg. */
    behindAngleDeg: 150,
    /** U/collision_utils.py::ego_delta_v_collision default masses, kg (informational delta-v only). */
    egoMassKg: 2000,
    agentMassKg: 2000,
  },
  drivableArea: {
    /** SM/high_level/drivable_area_compliance_statistics.yaml: max_violation_threshold, m. */
    maxViolationM: 0.3,
  },
  drivingDirection: {
    /** SM/high_level/driving_direction_compliance_statistics.yaml: driving_direction_compliance_threshold, m. */
    complianceThresholdM: 2,
    /** SM/high_level/driving_direction_compliance_statistics.yaml: driving_direction_violation_threshold, m. */
    violationThresholdM: 6,
    /** SM/high_level/driving_direction_compliance_statistics.yaml: time_horizon, s. */
    timeHorizonS: 1,
  },
  makingProgress: {
    /** SM/high_level/ego_is_making_progress_statistics.yaml: min_progress_threshold (ratio). */
    minProgressRatio: 0.2,
  },
  ttc: {
    /** SM/high_level/time_to_collision_within_bound_statistics.yaml: time_step_size, s. */
    timeStepS: 0.1,
    /** SM/high_level/time_to_collision_within_bound_statistics.yaml: time_horizon, s. */
    timeHorizonS: 3.0,
    /** SM/high_level/time_to_collision_within_bound_statistics.yaml: least_min_ttc, s. */
    leastMinTtcS: 0.95,
    /** M/time_to_collision_within_bound.py::compute_time_to_collision default stopped_speed_threshold, m/s. */
    egoStoppedSpeedMps: 5e-3,
    /** idm/utils.py::is_agent_ahead default angle_tolerance, deg. */
    aheadAngleDeg: 30,
    /** idm/utils.py::is_agent_behind default angle_tolerance, deg. */
    behindAngleDeg: 150,
  },
  progress: {
    /** SM/low_level/ego_progress_along_expert_route_statistics.yaml: score_progress_threshold, m. */
    scoreProgressThresholdM: 2,
  },
  speedLimit: {
    /** SM/high_level/speed_limit_compliance_statistics.yaml: max_overspeed_value_threshold, m/s. */
    maxOverspeedValueMps: 2.23,
  },
  laneAssignment: {
    /** U/route_extractor.py::get_route: keep previous lane connectors closer than this, m. */
    proximalConnectorM: 5,
  },
  comfort: {
    /** SM/low_level/ego_lon_acceleration_statistics.yaml: min_lon_accel, m/s². */
    minLonAccelMps2: -4.05,
    /** SM/low_level/ego_lon_acceleration_statistics.yaml: max_lon_accel, m/s². */
    maxLonAccelMps2: 2.4,
    /** SM/low_level/ego_lat_acceleration_statistics.yaml: max_abs_lat_accel, m/s². */
    maxAbsLatAccelMps2: 4.89,
    /** SM/low_level/ego_lon_jerk_statistics.yaml: max_abs_lon_jerk, m/s³. */
    maxAbsLonJerkMps3: 4.13,
    /** SM/low_level/ego_jerk_statistics.yaml: max_abs_mag_jerk, m/s³. */
    maxAbsMagJerkMps3: 8.37,
    /** SM/low_level/ego_yaw_rate_statistics.yaml: max_abs_yaw_rate, rad/s. */
    maxAbsYawRateRadps: 0.95,
    /** SM/low_level/ego_yaw_acceleration_statistics.yaml: max_abs_yaw_accel, rad/s². */
    maxAbsYawAccelRadps2: 1.93,
    /** U/state_extractors.py::extract_ego_acceleration: savgol window 8 (even), poly 2. */
    accelWindow: 8,
    accelPolyOrder: 2,
    /** U/state_extractors.py::extract_ego_jerk: window 15, poly 2, deriv 1. */
    jerkWindow: 15,
    jerkPolyOrder: 2,
    /**
     * U/state_extractors.py::extract_ego_yaw_rate → approximate_derivatives default window 5 (its own
     * window_length=15 argument is not passed on). Yaw rate poly 2; yaw accel poly 3
     * (M/ego_yaw_acceleration.py extract_function_params).
     */
    yawWindow: 5,
    yawRatePolyOrder: 2,
    yawAccelPolyOrder: 3,
    /** U/state_extractors.py: np.round(..., decimals=8) after each filter. */
    roundDecimals: 8,
  },
  aggregate: {
    /** AGG/closed_loop_{non,}reactive_agents_weighted_average.yaml: metric_weights. */
    weights: {
      ego_progress_along_expert_route: 5,
      time_to_collision_within_bound: 5,
      speed_limit_compliance: 4,
      ego_is_comfortable: 2,
    },
    /** AGG/closed_loop_{non,}reactive_agents_weighted_average.yaml: multiple_metrics. */
    multipliers: [
      'no_ego_at_fault_collisions',
      'drivable_area_compliance',
      'ego_is_making_progress',
      'driving_direction_compliance',
    ],
  },
} as const;

export type NuplanMetricParams = typeof NUPLAN_METRIC_PARAMS;
