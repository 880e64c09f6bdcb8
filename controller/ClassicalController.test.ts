import { describe, expect, it } from 'vitest';
import { type Control, VehicleParamsSchema } from '../core/index.ts';
import { RoadMap, RoutePath } from '../core/map/index.ts';
import { FORK_ROUTE, forkMapData, LOOP_ROUTE, loopMapData, overpassRoad } from '../core/map/testFixtures.ts';
import type { PlannerContext } from '../core/planning/index.ts';
import { egoOn } from '../scenarios/builtin/build.ts';
import { road, warehouse } from '../scenarios/builtin/maps.ts';
import { command, driveController, testScenario } from '../stack/testing/simScene.ts';
import { createClassicalController, followLaneId, lanePath } from './ClassicalController.ts';
import { frontOnR0M, map, straightScene, windingScene, worstOffsetM } from './testFixtures.ts';

describe('classical command tracker', () => {
  it('holds the lane centre on a winding road at the commanded speed', () => {
    const scene = windingScene(20);
    const egos = driveController(scene, createClassicalController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 10 }),
    );
    expect(worstOffsetM(scene.map, 'R0', egos.slice(40))).toBeLessThan(0.35);
    expect(egos[egos.length - 1]!.speedMps).toBeCloseTo(10, 0);
  });

  it('stops at a commanded stop point without passing it', () => {
    const scene = straightScene(10, 12, 15);
    const stopAt = map.mustLane('R0').line.poseAt(80);
    const egos = driveController(scene, createClassicalController(), () =>
      command({ speed: 'STOP', stopAt: { x: stopAt.x, y: stopAt.y }, targetSpeedMps: 0 }),
    );
    const last = egos[egos.length - 1]!;
    expect(last.speedMps).toBeLessThan(0.05);
    // the front bumper stops just short of the point
    const front = frontOnR0M(last);
    expect(front).toBeLessThan(80);
    expect(front).toBeGreaterThan(79);
  });

  it('brakes with the commanded intensity on DECELERATE', () => {
    const scene = straightScene(10, 15, 6);
    const decel = (d: number) => {
      const egos = driveController(scene, createClassicalController(), () =>
        command({ speed: 'DECELERATE', targetSpeedMps: 5, decelMps2: d }),
      );
      // speed after 2 s: the harder the commanded braking, the slower
      return egos.find((e) => e.tS >= 2)!.speedMps;
    };
    const gentle = decel(1);
    const firm = decel(4);
    expect(gentle).toBeGreaterThan(12);
    expect(firm).toBeLessThan(9);
    expect(firm).toBeGreaterThanOrEqual(5 - 0.3);
  });

  it('comes to a stand on a speed target near zero, and on a STOP without a point from a creep', () => {
    // from a creep (0.04 m/s: a STOP without a point braked only above 0.05 m/s) and from a walk
    // (a DECELERATE / KEEP to 0.08 m/s: the speed law toward it crept on at it): stands within 2 s
    for (const [v0, cmd] of [
      [0.04, command({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 3 })],
      [1, command({ speed: 'DECELERATE', targetSpeedMps: 0.08, decelMps2: 1.5 })],
      [0.09, command({ speed: 'KEEP', targetSpeedMps: 0.09 })],
    ] as const) {
      const egos = driveController(straightScene(10, v0, 6), createClassicalController(), () => cmd);
      const after = egos.filter((e) => e.tS >= 2);
      expect(Math.max(...after.map((e) => e.speedMps)), `${cmd.speed} from ${v0} m/s`).toBeLessThan(1e-3);
    }
  });

  it('changes into the left lane on LEFT_CHANGE and settles on its centre', () => {
    const scene = straightScene(10, 10, 10);
    const egos = driveController(scene, createClassicalController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 10, path: 'LEFT_CHANGE', targetLaneId: 'R1' }),
    );
    const last = egos[egos.length - 1]!;
    expect(map.locate(last.x, last.y, last.headingRad)?.laneId).toBe('R1');
    expect(Math.abs(map.mustLane('R1').line.project(last.x, last.y).dM)).toBeLessThan(0.3);
  });

  it('keeps its lane on FOLLOW_LANE where the route changes lanes: the move waits for a change command', () => {
    // the route's reference line moves from R0 into R1 8–48 m into R0
    const scene = straightScene(2, 10, 8, ['R0', 'R1']);
    const egos = driveController(scene, createClassicalController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 10 }),
    );
    expect(worstOffsetM(map, 'R0', egos)).toBeLessThan(0.2);
  });

  it('moves over on a re-planned LEFT_CHANGE within the comfort bounds and settles in the target lane', () => {
    const scene = straightScene(10, 15, 8);
    // a new command every plan (10 Hz), as a planner issues them
    const egos = driveController(scene, createClassicalController(), (tS) =>
      command({
        speed: 'KEEP',
        targetSpeedMps: 15,
        path: 'LEFT_CHANGE',
        targetLaneId: 'R1',
        issuedAtS: Math.floor(tS * 10 + 1e-9) / 10,
      }),
    );
    // lateral acceleration v · yaw rate under nuPlan's comfort bound (4.89 m/s²), with room
    let worstLat = 0;
    for (let i = 1; i < egos.length; i++) {
      const a = egos[i - 1]!;
      const b = egos[i]!;
      const dt = b.tS - a.tS;
      if (dt <= 0) continue;
      worstLat = Math.max(worstLat, Math.abs((b.speedMps * (b.headingRad - a.headingRad)) / dt));
    }
    expect(worstLat).toBeLessThan(3);
    const last = egos[egos.length - 1]!;
    expect(Math.abs(map.mustLane('R1').line.project(last.x, last.y).dM)).toBeLessThan(0.3);
  });

  it('borrows the oncoming lane on LEFT_BORROW (shifted path, same direction of travel)', () => {
    const data = road({ lanes: 1, oncoming: true, dashedCentre: true, lengthM: 400 });
    const m = new RoadMap(data);
    const scene = testScenario({ map: data, ego: egoOn(m, 'R0', 10, 8), routeLaneIds: ['R0'], durationS: 8 });
    const egos = driveController(scene, createClassicalController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 8, path: 'LEFT_BORROW' }),
    );
    const last = egos[egos.length - 1]!;
    const d = m.mustLane('R0').line.project(last.x, last.y).dM;
    expect(d).toBeGreaterThan(3);
    expect(Math.abs(last.headingRad)).toBeLessThan(0.1);
  });

  it('nudges only as far as lateralOffsetM on a borrow (centre stays in its own lane)', () => {
    const data = road({ lanes: 1, oncoming: true, dashedCentre: true, lengthM: 400 });
    const m = new RoadMap(data);
    const scene = testScenario({ map: data, ego: egoOn(m, 'R0', 10, 8), routeLaneIds: ['R0'], durationS: 8 });
    const egos = driveController(scene, createClassicalController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 8, path: 'LEFT_BORROW', lateralOffsetM: 1.5 }),
    );
    const last = egos[egos.length - 1]!;
    const d = m.mustLane('R0').line.project(last.x, last.y).dM;
    expect(Math.abs(d - 1.5)).toBeLessThan(0.2);
  });

  it("joins its lane's centre from a borrow along a change path, not by pure pursuit straight at it", () => {
    // back from the oncoming lane (3.5 m over) at 6 m/s: FOLLOW_LANE re-issued every plan, as the
    // planner's borrow return (CARLA StoryAddEntityAction: pure pursuit at the centre 4 m over
    // turned the car 0.56 rad off the lane at 6 m/s and on over the far edge)
    const data = road({ lanes: 1, oncoming: true, dashedCentre: true, lengthM: 400 });
    const m = new RoadMap(data);
    const scene = testScenario({
      map: data,
      ego: egoOn(m, 'R0', 10, 6),
      routeLaneIds: ['R0'],
      durationS: 16,
    });
    const egos = driveController(scene, createClassicalController(), (t) =>
      command({
        speed: 'KEEP',
        targetSpeedMps: 6,
        path: t < 6 ? 'LEFT_BORROW' : 'FOLLOW_LANE',
        issuedAtS: Math.floor(t * 10 + 1e-9) / 10,
      }),
    );
    const line = m.mustLane('R0').line;
    const back = egos.filter((e) => e.tS >= 6);
    expect(line.project(back[0]!.x, back[0]!.y).dM).toBeGreaterThan(3);
    let worstHeading = 0;
    let worstLat = 0;
    let worstD = 0;
    for (let i = 1; i < back.length; i++) {
      const a = back[i - 1]!;
      const b = back[i]!;
      const p = line.project(b.x, b.y);
      worstHeading = Math.max(worstHeading, Math.abs(b.headingRad - line.headingAt(p.sM)));
      worstLat = Math.max(worstLat, Math.abs((b.speedMps * (b.headingRad - a.headingRad)) / (b.tS - a.tS)));
      worstD = Math.min(worstD, p.dM);
    }
    // a lane change's shape: heading within 0.3 rad (pure pursuit: 0.5), lateral acceleration
    // within the join's bound with the tracker's error (1.5 m/s² + 0.5), no overshoot past the centre
    expect(worstHeading).toBeLessThan(0.3);
    expect(worstLat).toBeLessThan(2);
    expect(worstD).toBeGreaterThan(-0.3);
    const last = back[back.length - 1]!;
    expect(Math.abs(line.project(last.x, last.y).dM)).toBeLessThan(0.2);
  });

  it('shifts within its lane by a signed lateralOffsetM on FOLLOW_LANE, and back to the centre without it', () => {
    const data = road({ lanes: 1, oncoming: true, lengthM: 400 });
    const m = new RoadMap(data);
    const scene = testScenario({
      map: data,
      ego: egoOn(m, 'R0', 10, 10),
      routeLaneIds: ['R0'],
      durationS: 12,
    });
    const egos = driveController(scene, createClassicalController(), (t) =>
      command({ speed: 'KEEP', targetSpeedMps: 10, ...(t < 6 ? { lateralOffsetM: -0.45 } : {}) }),
    );
    const dAt = (t: number) => {
      const e = egos.find((x) => x.tS >= t - 1e-9)!;
      return m.mustLane('R0').line.project(e.x, e.y).dM;
    };
    expect(Math.abs(dAt(5.9) + 0.45)).toBeLessThan(0.08);
    // the footprint never leaves the lane (half width 1.75 m less the car's half width)
    for (const e of egos) expect(Math.abs(m.mustLane('R0').line.project(e.x, e.y).dM)).toBeLessThan(0.6);
    expect(Math.abs(dAt(12))).toBeLessThan(0.08);
  });

  it('ends an in-lane shift at lateralOffsetEndAt: the offset up to it, then back to the centre', () => {
    const data = road({ lanes: 1, oncoming: true, lengthM: 400 });
    const m = new RoadMap(data);
    const line = m.mustLane('R0').line;
    const endS = 100;
    const end = line.poseAt(endS);
    const scene = testScenario({
      map: data,
      ego: egoOn(m, 'R0', 10, 10),
      routeLaneIds: ['R0'],
      durationS: 14,
    });
    const egos = driveController(scene, createClassicalController(), () =>
      command({
        speed: 'KEEP',
        targetSpeedMps: 10,
        lateralOffsetM: 0.45,
        lateralOffsetEndAt: { x: end.x, y: end.y },
      }),
    );
    const at = (s: number) => {
      const e = egos.find((x) => line.project(x.x, x.y).sM >= s)!;
      return line.project(e.x, e.y).dM;
    };
    // the shift stands before the end, and the ego is back on the centre once the return (over the
    // controller's change length at 10 m/s, 30 m) is done
    expect(Math.abs(at(endS - 5) - 0.45)).toBeLessThan(0.08);
    expect(Math.abs(at(endS + 45))).toBeLessThan(0.08);
    // it returns from the end on, not before, and the footprint stays in the lane
    expect(at(endS + 15)).toBeLessThan(at(endS - 5) - 0.1);
    for (const e of egos) expect(Math.abs(line.project(e.x, e.y).dM)).toBeLessThan(0.6);
  });

  it('drives a robot by speed and yaw rate within its limits', () => {
    const data = warehouse();
    const m = new RoadMap(data);
    const first = m.lanes[0]!;
    const p = first.line.poseAt(1);
    const ego = {
      tS: 0,
      x: p.x,
      y: p.y,
      headingRad: p.headingRad,
      speedMps: 0,
      accelMps2: 0,
      steerRad: 0,
      yawRateRadps: 0,
    };
    const scene = testScenario({
      map: data,
      ego,
      routeLaneIds: [first.data.id],
      durationS: 6,
      vehicle: {
        kind: 'robot',
        lengthM: 0.9,
        widthM: 0.6,
        rearAxleToCenterM: 0,
        wheelBaseM: 0.5,
        maxSpeedMps: 1.5,
        maxAccelMps2: 0.8,
        maxDecelMps2: 1.5,
      },
    });
    const controls: Control[] = [];
    const egos = driveController(
      scene,
      createClassicalController(),
      () => command({ speed: 'ACCELERATE', targetSpeedMps: 1.2 }),
      {
        onControl: (c) => controls.push(c),
      },
    );
    expect(controls.every((c) => c.kind === 'unicycle' && Math.abs(c.omegaRadps) <= 1.5 + 1e-9)).toBe(true);
    expect(egos[egos.length - 1]!.speedMps).toBeGreaterThan(1.0);
    expect(egos[egos.length - 1]!.speedMps).toBeLessThanOrEqual(1.2 + 1e-6);
  });

  it('never commands a jerk above its limit outside hard braking', () => {
    const scene = straightScene(10, 5, 8);
    const accels: number[] = [];
    driveController(
      scene,
      createClassicalController({ jerkMaxMps3: 4 }),
      (t) =>
        command({
          speed: t < 3 ? 'ACCELERATE' : 'DECELERATE',
          targetSpeedMps: t < 3 ? 12 : 6,
          decelMps2: 2,
          issuedAtS: t < 3 ? 0 : 3,
        }),
      { onControl: (c) => c.kind === 'ackermann' && accels.push(c.accelMps2) },
    );
    for (let i = 1; i < accels.length; i++)
      expect(Math.abs(accels[i]! - accels[i - 1]!)).toBeLessThanOrEqual(4 * 0.05 + 1e-9);
  });

  it('lets go of an emergency stop no longer asked for fast, down to the comfortable braking', () => {
    // an 8 m/s² stop for 0.5 s, then a KEEP at 6 m/s: the brake beyond 2 m/s² is let go at 10 m/s³
    // (at the 4 m/s³ comfort jerk the ego went on braking hard for 1.5 s and stopped outright)
    const scene = straightScene(10, 15, 4);
    const accels: number[] = [];
    const egos = driveController(
      scene,
      createClassicalController(),
      (t) =>
        t < 0.5
          ? command({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 8 })
          : command({ speed: 'KEEP', targetSpeedMps: 6, issuedAtS: 0.5 }),
      { onControl: (c) => c.kind === 'ackermann' && accels.push(c.accelMps2) },
    );
    const dtS = 0.05;
    const at = (tS: number) => accels[Math.round(tS / dtS)]!;
    expect(at(0.45)).toBeLessThan(-7.9);
    // 0.6 s after the KEEP the hard brake is gone (8 → 2 m/s² at 10 m/s³), never released faster
    expect(at(1.15)).toBeGreaterThanOrEqual(-2 - 1e-9);
    for (let i = 1; i < accels.length; i++)
      expect(accels[i]! - accels[i - 1]!).toBeLessThanOrEqual(10 * dtS + 1e-9);
    expect(Math.min(...egos.map((e) => e.speedMps))).toBeGreaterThan(3);
  });

  it('starts from rest after a hard stop without first winding that braking back', () => {
    // a 6 m/s² stop from 3 m/s (at rest by 0.5 s), then an ACCELERATE from 1 s: standing, the brake
    // has nothing left to let go, and the start builds up from rest at the comfort jerk (it stood
    // 1.1 s after a 4.4 m/s² stop, CommonRoad USA_Peach-4_8_T-1)
    const accels: number[] = [];
    const egos = driveController(
      straightScene(10, 3, 3),
      createClassicalController(),
      (t) =>
        t < 1
          ? command({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 6 })
          : command({ speed: 'ACCELERATE', targetSpeedMps: 3, issuedAtS: 1 }),
      { onControl: (c) => c.kind === 'ackermann' && accels.push(c.accelMps2) },
    );
    const dtS = 0.05;
    expect(egos.find((e) => e.tS >= 0.95)!.speedMps).toBeLessThan(0.01);
    // moving within 0.3 s of the command
    expect(egos.find((e) => e.tS >= 1.3)!.speedMps).toBeGreaterThan(0.05);
    // the start itself at no more than the comfort jerk (4 m/s³)
    const i0 = Math.round(1 / dtS);
    expect(accels[i0]!).toBeGreaterThan(0);
    for (let i = i0 + 1; i < accels.length; i++)
      expect(accels[i]! - accels[i - 1]!).toBeLessThanOrEqual(4 * dtS + 1e-9);
  });

  it('builds a commanded braking onset up at its jerk and releases it at the target speed', () => {
    const scene = straightScene(10, 15, 10);
    const run = (jerkMps3?: number) => {
      const accels: number[] = [];
      const egos = driveController(
        scene,
        createClassicalController(),
        () =>
          command({
            speed: 'DECELERATE',
            targetSpeedMps: 5,
            decelMps2: 4,
            ...(jerkMps3 !== undefined ? { jerkMps3 } : {}),
          }),
        { onControl: (c) => c.kind === 'ackermann' && accels.push(c.accelMps2) },
      );
      return { accels, egos };
    };
    const ramped = run(1.5);
    const dtS = 0.05;
    // the deceleration builds up no faster than 1.5 m/s³
    for (let i = 1; i < ramped.accels.length; i++)
      expect(ramped.accels[i]!).toBeGreaterThanOrEqual(ramped.accels[i - 1]! - 1.5 * dtS - 1e-9);
    // it does build up to (nearly) the commanded intensity, and releases it: 5 m/s held at the end
    expect(Math.min(...ramped.accels)).toBeLessThan(-3.3);
    expect(Math.min(...ramped.accels)).toBeGreaterThanOrEqual(-4 - 1e-9);
    expect(Math.abs(ramped.accels[ramped.accels.length - 1]!)).toBeLessThan(0.2);
    const vEnd = ramped.egos[ramped.egos.length - 1]!.speedMps;
    expect(vEnd).toBeCloseTo(5, 0);
    expect(Math.min(...ramped.egos.map((e) => e.speedMps))).toBeGreaterThan(4.7);
    // without an onset the commanded braking is there at once
    const abrupt = run();
    expect(abrupt.accels[1]!).toBeLessThan(-3.9);
    expect(ramped.accels[1]!).toBeGreaterThan(-0.2);
  });
});

describe('classical command tracker on a lane path that passes over itself', () => {
  it('follows its own stretch under the later pass, not the crossing pass', () => {
    // E east along y = 0 to x = 100; L turns back (up to y = 40, west to x = 70, a left quarter
    // turn) and runs south along x = 50, over E at (50, 0) ≈ 244 m on: within E's path (E + 200 m)
    const data = overpassRoad({ eastM: 100, radiusM: 20, topM: 30, stepRad: 0.1, southToYM: -300 });
    const m = new RoadMap(data);
    // rear axle 0.3 m right of E's centre, right under the later pass (x = 50)
    const ego = { ...egoOn(m, 'E', 50, 8), x: 50, y: -0.3 };
    const scene = testScenario({ map: data, ego, routeLaneIds: ['E', 'L'], durationS: 4 });
    const egos = driveController(scene, createClassicalController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 8 }),
    );
    for (const e of egos) expect(Math.abs(e.y)).toBeLessThan(0.5);
    expect(egos[egos.length - 1]!.x).toBeGreaterThan(70);
  });
});

describe('classical command tracker on a route that uses a lane twice (a loop)', () => {
  const map = new RoadMap(loopMapData(['LOOP', 'OUT']));
  const ctx: PlannerContext = {
    map,
    route: RoutePath.build(map, LOOP_ROUTE),
    vehicle: VehicleParamsSchema.parse({}),
    dtS: 0.1,
    seed: 0,
  };
  const keep = command({ speed: 'KEEP', targetSpeedMps: 10 });
  /** The highest point of the path FOLLOW_LANE builds on A, at the route position given. */
  const pathTop = (routeIndex: number | undefined) => {
    const c = createClassicalController();
    const ego = { ...egoOn(map, 'A', 50, 10), tS: 0 };
    const snapshot = { tS: 0, ego, agents: [], lights: [], route: { laneIds: LOOP_ROUTE } };
    const req = {
      ego,
      command: keep,
      snapshot,
      dtS: 0.05,
      ...(routeIndex !== undefined ? { routeIndex } : {}),
    };
    const path = c.step(c.init(ctx), req, ctx).state.path!;
    return { top: Math.max(...path.ys), endX: path.xs[path.xs.length - 1]! };
  };

  it("builds A's path the route's way on from the pass the request's routeIndex names", () => {
    // first pass (and without a position, the first occurrence): round the loop
    expect(pathTop(1).top).toBeGreaterThan(50);
    expect(pathTop(undefined).top).toBeGreaterThan(50);
    // second pass: out along OUT, never up into the loop
    const second = pathTop(3);
    expect(second.top).toBeLessThan(0.5);
    expect(second.endX).toBeGreaterThan(300);
  });

  it('lanePath follows the occurrence nearest the route position given', () => {
    expect(Math.max(...lanePath(map, 'A', LOOP_ROUTE, 300, 3)!.ys)).toBeLessThan(0.5);
    expect(Math.max(...lanePath(map, 'A', LOOP_ROUTE, 300, 1)!.ys)).toBeGreaterThan(50);
  });
});

describe('classical command tracker where the route turns at a junction it goes straight through on another pass', () => {
  const map = new RoadMap(forkMapData());
  const ctx: PlannerContext = {
    map,
    route: RoutePath.build(map, FORK_ROUTE),
    vehicle: VehicleParamsSchema.parse({}),
    dtS: 0.1,
    seed: 0,
  };
  const keep = command({ speed: 'KEEP', targetSpeedMps: 8 });
  const request = (x: number, y: number, routeIndex: number) => {
    const ego = { tS: 0, x, y, headingRad: 0, speedMps: 8, accelMps2: 0, steerRad: 0, yawRateRadps: 0 };
    const snapshot = { tS: 0, ego, agents: [], lights: [], route: { laneIds: FORK_ROUTE } };
    return { ego, command: keep, snapshot, dtS: 0.05, routeIndex };
  };

  it('leaving the lane it kept, it follows the lane the route takes next from it (T turning, S straight on)', () => {
    const c = createClassicalController();
    // on A (route positions 5 and 8), then 1.5 m into the junction, on S and T alike
    const pass = (onA: number, inJunction: number) => {
      const kept = c.step(c.init(ctx), request(95, 0, onA), ctx).state;
      return c.step(kept, request(101.5, 0, inJunction), ctx).state.key;
    };
    expect(pass(5, 6)).toBe('lane:T');
    expect(pass(8, 9)).toBe('lane:S');
  });

  it('with no lane kept (a fresh controller: reflection roll-outs), the branch the route takes soonest from the route position', () => {
    const ego = request(101.5, 0, 6).ego;
    expect(followLaneId(ctx, ego, 6)).toBe('T');
    expect(followLaneId(ctx, ego, 9)).toBe('S');
    // without a position, the route lane located best (here the straight one, first in the map)
    expect(followLaneId(ctx, ego)).toBe('S');
  });

  it("places the ego on a fresh lane path's first lane, not on the straight extension past its end", () => {
    // on the turning pass A's path runs A, T, TURN and ends back at A's start heading a little
    // north of east: its straight extension passes nearer a pose 20 m along A and 0.6 m left of it
    // than A does
    const c = createClassicalController();
    const st = c.step(c.init(ctx), request(80, 0.6, 5), ctx).state;
    expect(st.path!.length).toBeGreaterThan(200);
    expect(st.sM).toBeCloseTo(20, 0);
  });
});

describe("classical command tracker: speeding up holds the centre's longitudinal acceleration", () => {
  const scene = straightScene(10, 3, 6);
  const ctx: PlannerContext = {
    map: scene.map,
    route: RoutePath.build(scene.map, ['R0']),
    vehicle: VehicleParamsSchema.parse({}),
    dtS: 0.1,
    seed: 0,
  };
  const go = command({ speed: 'ACCELERATE', targetSpeedMps: 12 });
  /** The acceleration commanded at a step whose yaw rate went from w0 to w1 over 0.05 s. */
  const accelAt = (w0: number | undefined, w1: number) => {
    const c = createClassicalController();
    const ego = { ...egoOn(scene.map, 'R0', 20, 3), tS: 0, yawRateRadps: w1, accelMps2: 1.5 };
    const snapshot = { tS: 0, ego, agents: [], lights: [], route: { laneIds: ['R0'] } };
    const state = { ...c.init(ctx), accelMps2: 1.5, ...(w0 !== undefined ? { yawRateRadps: w0 } : {}) };
    const step = c.step(state, { ego, command: go, snapshot, dtS: 0.05 }, ctx);
    const ctl = step.control as Extract<Control, { kind: 'ackermann' }>;
    return { a: ctl.accelMps2, d: ctx.vehicle.rearAxleToCenterM, state: step.state };
  };

  it('on a straight, the comfortable acceleration', () => {
    expect(accelAt(0, 0).a).toBeCloseTo(1.5, 6);
    expect(accelAt(undefined, 0).state.yawRateRadps).toBe(0);
  });

  it("out of a turn while the steering unwinds (CARLA Town02's corners at 3–5 m/s), a + d·(ω² + α) ≤ 2.0 m/s²", () => {
    // ω −0.45 → −0.42 rad/s over 0.05 s: α = 0.6 rad/s²
    const { a, d } = accelAt(-0.45, -0.42);
    expect(a).toBeCloseTo(2.0 - d * (0.42 * 0.42 + 0.6), 6);
    expect(a).toBeLessThan(1.5);
    // a turn tightening the other way (α < 0 on a right turn's entry) is held by ω² alone
    expect(accelAt(-0.4, -0.42).a).toBeCloseTo(Math.min(1.5, 2.0 - d * 0.42 * 0.42), 6);
  });
});
