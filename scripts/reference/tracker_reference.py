"""Reference values for sim/ego/LqrTracker.test.ts, printed by the original code.

Executes, unchanged, nuplan-devkit's LQRTracker (nuplan/planning/simulation/controller/tracker/
lqr.py, tracker_utils.py) and tuplan_garage's BatchLQRTracker + BatchKinematicBicycleModel
(pdm_planner/simulation/batch_lqr.py, batch_lqr_utils.py, batch_kinematic_bicycle.py), with small
stand-ins for the nuPlan types they import (poses every 0.1 s from t = 0, so no interpolation is
involved). Needs only Python 3 and numpy. numpy 2 refuses float() of a 1-element array, which the
devkit does; the executed modules get a float() that accepts it.

  python3 scripts/reference/tracker_reference.py <nuplan-devkit checkout> <tuplan_garage checkout>

A checkout may be a work tree or a bare git directory (files are then read from HEAD).
"""
import ast
import builtins
import json
import math
import os
import subprocess
import sys
import types
import typing

import numpy as np
import numpy.typing as npt


def reader(root):
    if os.path.isdir(os.path.join(root, 'nuplan')) or os.path.isdir(os.path.join(root, 'tuplan_garage')):
        return lambda rel: open(os.path.join(root, rel)).read()
    return lambda rel: subprocess.run(['git', '--git-dir', root, 'show', f'HEAD:{rel}'],
                                      check=True, capture_output=True, text=True).stdout


def fn_from(src, name):
    node = next(n for n in ast.parse(src).body if isinstance(n, ast.FunctionDef) and n.name == name)
    ns = {'math': math, 'np': np, 'npt': npt, 'Union': typing.Union}
    exec(compile(ast.Module(body=[node], type_ignores=[]), name, 'exec'), ns)
    return ns[name]


def module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


def load(name, src):
    m = module(name)
    m.__dict__['float'] = lambda x=0.0: builtins.float(np.asarray(x).reshape(-1)[0]) if np.size(x) == 1 else builtins.float(x)
    exec(compile(src, name, 'exec'), m.__dict__)
    return m


class TimePoint:
    def __init__(self, time_us):
        self.time_us = int(time_us)

    @property
    def time_s(self):
        return self.time_us * 1e-6


class TimeDuration:
    def __init__(self, s):
        self.time_s = s


class StateVector2D:
    def __init__(self, x, y):
        self.x, self.y = x, y


class DynamicCarState:
    @staticmethod
    def build_from_rear_axle(rear_axle_to_center_dist, rear_axle_velocity_2d, rear_axle_acceleration_2d, tire_steering_rate):
        return {'accel': float(rear_axle_acceleration_2d.x), 'steer_rate': float(tire_steering_rate)}


class Pose:
    def __init__(self, x, y, h):
        self.x, self.y, self.heading = x, y, h

    def __iter__(self):
        return iter((self.x, self.y, self.heading))


class State:
    def __init__(self, x, y, h):
        self.rear_axle = Pose(x, y, h)


class Vehicle:  # get_pacifica_parameters(): only the wheel base is read
    wheel_base = 3.089


class Trajectory:
    def __init__(self, poses):
        self.poses = poses

    @property
    def start_time(self):
        return TimePoint(0)

    @property
    def end_time(self):
        return TimePoint(round((len(self.poses) - 1) * 1e5))

    def get_state_at_time(self, tp):
        return State(*self.poses[round(tp.time_us / 1e5)])

    def get_state_at_times(self, tps):
        return [self.get_state_at_time(t) for t in tps]


class Iteration:
    def __init__(self, t_us, index):
        self.time_point = TimePoint(t_us)
        self.index = index


class Ego:
    def __init__(self, x, y, h, v, steer):
        self.rear_axle = Pose(x, y, h)
        self.tire_steering_angle = steer
        self.dynamic_car_state = types.SimpleNamespace(rear_axle_velocity_2d=StateVector2D(v, 0.0))
        self.car_footprint = types.SimpleNamespace(rear_axle_to_center_dist=1.461)


def straight(n=81):
    return [[10 * t + 0.5 * t * t, 0.0, 0.0] for t in (k * 0.1 for k in range(n))]


def arc(n, R=40.0, v=8.0, h0=0.0):
    out = []
    for k in range(n):
        th = v * k * 0.1 / R
        out.append([R * (math.sin(h0 + th) - math.sin(h0)), -R * (math.cos(h0 + th) - math.cos(h0)),
                    math.atan2(math.sin(h0 + th), math.cos(h0 + th))])
    return out


def stopping(n=81):
    return [[(6 * t - 1.5 * t * t) if t < 2 else 6.0, 0.0, 0.0] for t in (k * 0.1 for k in range(n))]


CASES = [
    ('straight, speeding up, ego 0.3 m left', straight(), [0.0, 0.3, 0.02, 9.0, 0.0]),
    ('left arc R 40 m at 8 m/s, ego 0.5 m outside', arc(81), [0.0, -0.5, -0.05, 8.0, 0.05]),
    ('braking to a stop', stopping(), [0.0, 0.0, 0.0, 6.5, 0.0]),
    ('stopped reference, creeping ego', [[5.0, 2.0, 0.5]] * 81, [5.0, 2.0, 0.5, 0.1, 0.0]),
    ('left arc, 11 poses only', arc(11), [0.2, 0.1, 0.03, 7.0, 0.02]),
    ('arc across heading pi', arc(81, R=30.0, v=6.0, h0=3.0), [0.0, 0.3, -3.1, 6.0, 0.0]),
]


def batch_case():
    poses = []
    for k in range(41):
        t = k * 0.1
        th = (8 * t - 0.375 * t * t) / 30.0
        poses.append([30 * math.sin(th), 30 * (1 - math.cos(th)), th])
    return poses, [0.0, -0.4, 0.03, 8.2, -0.5, 0.02]


def main(devkit, garage):
    dk, tg = reader(devkit), reader(garage)
    for pkg in ['nuplan', 'nuplan.common', 'nuplan.common.actor_state', 'nuplan.common.geometry', 'nuplan.database',
                'nuplan.database.utils', 'nuplan.planning', 'nuplan.planning.simulation',
                'nuplan.planning.simulation.controller', 'nuplan.planning.simulation.controller.tracker',
                'nuplan.planning.simulation.simulation_time_controller', 'nuplan.planning.simulation.trajectory',
                'tuplan_garage', 'tuplan_garage.planning', 'tuplan_garage.planning.simulation',
                'tuplan_garage.planning.simulation.planner', 'tuplan_garage.planning.simulation.planner.pdm_planner',
                'tuplan_garage.planning.simulation.planner.pdm_planner.utils',
                'tuplan_garage.planning.simulation.planner.pdm_planner.simulation']:
        module(pkg)
    module('nuplan.common.actor_state.state_representation', TimePoint=TimePoint, StateVector2D=StateVector2D,
           StateSE2=object, TimeDuration=TimeDuration)
    module('nuplan.common.actor_state.dynamic_car_state', DynamicCarState=DynamicCarState)
    module('nuplan.common.actor_state.ego_state', EgoState=object)
    module('nuplan.common.actor_state.vehicle_parameters', VehicleParameters=object, get_pacifica_parameters=Vehicle)
    module('nuplan.common.geometry.compute',
           principal_value=fn_from(dk('nuplan/common/geometry/compute.py'), 'principal_value'))
    module('nuplan.database.utils.measure', angle_diff=fn_from(dk('nuplan/database/utils/measure.py'), 'angle_diff'))
    module('nuplan.planning.simulation.controller.tracker.abstract_tracker', AbstractTracker=object)
    module('nuplan.planning.simulation.simulation_time_controller.simulation_iteration', SimulationIteration=object)
    module('nuplan.planning.simulation.trajectory.abstract_trajectory', AbstractTrajectory=object)
    T = 'nuplan/planning/simulation/controller/tracker/'
    load('nuplan.planning.simulation.controller.tracker.tracker_utils', dk(T + 'tracker_utils.py'))
    lqr = load('nuplan.planning.simulation.controller.tracker.lqr', dk(T + 'lqr.py'))
    P = 'tuplan_garage.planning.simulation.planner.pdm_planner.'
    D = 'tuplan_garage/planning/simulation/planner/pdm_planner/'
    enums = load(P + 'utils.pdm_enums', tg(D + 'utils/pdm_enums.py'))
    load(P + 'utils.pdm_geometry_utils', tg(D + 'utils/pdm_geometry_utils.py'))
    load(P + 'simulation.batch_lqr_utils', tg(D + 'simulation/batch_lqr_utils.py'))
    batch_lqr = load(P + 'simulation.batch_lqr', tg(D + 'simulation/batch_lqr.py'))
    bicycle_mod = load(P + 'simulation.batch_kinematic_bicycle', tg(D + 'simulation/batch_kinematic_bicycle.py'))

    # lqr_tracker.yaml
    tracker = lqr.LQRTracker(q_longitudinal=[10.0], r_longitudinal=[1.0], q_lateral=[1.0, 10.0, 0.0], r_lateral=[1.0],
                             discretization_time=0.1, tracking_horizon=10, jerk_penalty=1e-4,
                             curvature_rate_penalty=1e-2, stopping_proportional_gain=0.5, stopping_velocity=0.2,
                             vehicle=Vehicle())
    single = []
    for name, poses, ego in CASES:
        cmd = tracker.track_trajectory(Iteration(0, 0), Iteration(100000, 1), Ego(*ego), Trajectory(poses))
        single.append({'name': name, 'accelMps2': cmd['accel'], 'steerRateRadps': cmd['steer_rate']})

    SI = enums.StateIndex
    poses, (x, y, h, v, a, steer) = batch_case()
    states = np.zeros((1, len(poses), SI.size()), dtype=np.float64)
    states[0, :, SI.STATE_SE2] = np.array(poses)
    btracker = batch_lqr.BatchLQRTracker()
    btracker._discretization_time = 0.1
    bicycle = bicycle_mod.BatchKinematicBicycleModel(vehicle=Vehicle())
    btracker.update(states)  # as PDMSimulator.simulate_proposals
    sim = np.zeros_like(states)
    sim[0, 0, SI.STATE_SE2] = [x, y, h]
    sim[0, 0, SI.VELOCITY_X] = v
    sim[0, 0, SI.ACCELERATION_X] = a
    sim[0, 0, SI.STEERING_ANGLE] = steer
    for t in range(1, len(poses)):
        cmd = btracker.track_trajectory(Iteration(int((t - 1) * 1e5), t - 1), Iteration(int(t * 1e5), t), sim[:, t - 1])
        sim[:, t] = bicycle.propagate_state(states=sim[:, t - 1], command_states=cmd, sampling_time=TimeDuration(0.1))
    batch = {k: [sim[0, k, SI.X], sim[0, k, SI.Y], sim[0, k, SI.HEADING], sim[0, k, SI.VELOCITY_X]] for k in (1, 10, 20, 40)}
    print(json.dumps({'lqrTracker': single, 'batchSimulation': {str(k): [float(f) for f in v] for k, v in batch.items()}},
                     indent=1))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
