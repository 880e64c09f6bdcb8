/**
 * The gated planner's arbitration between the minimal-risk manoeuvre and a repair (MODIFY): with
 * no MRM running a repair is driven; once an MRM runs it stays in control unless a repair brakes
 * harder (the MRM never slows a response). The gate's verdicts are scripted per tick so that each
 * case is exactly the situation it names; trajectories come from the real gate.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EgoState, MidLevelCommand, Trajectory, Verdict, WorldSnapshot } from '../core/index.ts';
import { RoadMap, RoutePath } from '../core/map/index.ts';
import { LOOP_ROUTE, loopMapData } from '../core/map/testFixtures.ts';
import { LqrTracker, stepBicycle } from '../core/vehicle/index.ts';
import type { Planner, PlannerContext } from '../planner/index.ts';
import { AuditLog } from '../safety/AuditLog.ts';
import { readAuditRecords } from '../safety/auditReader.ts';
import { createSafetyGate, type SafetyGate } from '../safety/SafetyGate.ts';
import { createGatedPlanner } from './GatedPlanner.ts';
import { CAR, cmd, junctionMap, ROBOT, roadMap, scene } from './testing/safetyScenes.ts';

const map = roadMap({ lanes: 1 });
const real = createSafetyGate();
const ctx: PlannerContext = { map, route: RoutePath.build(map, ['R0']), vehicle: CAR, dtS: 0.1, seed: 0 };
/** Ego on R0 at s = 50 m, 10 m/s, at time tS. */
const snapAt = (tS: number): WorldSnapshot => scene({ map, s: 50, speed: 10, tS }).snapshot;
const sceneAt = (tS: number) => ({ snapshot: snapAt(tS), map, vehicle: CAR });

/** Inner planner: always KEEP in lane, with the gate's own trajectory for it. */
const keep: Planner<null> = {
  name: 'keep',
  init: () => null,
  step: (_s, snap) => {
    const command = cmd({ issuedAtS: snap.tS, expiresAtS: snap.tS + 1 });
    return { state: null, output: { command, trajectory: real.trajectoryFor(command, sceneAt(snap.tS)) } };
  },
};

const veto: Verdict = {
  decision: 'VETO',
  rules: [{ rule: 'rss.longitudinal', decision: 'VETO', values: {}, message: 'scripted' }],
  explanation: 'scripted veto',
  mrm: { kind: 'COMFORT_STOP', decelMps2: 1 },
};
const modify = (modified: MidLevelCommand): Verdict => ({
  decision: 'MODIFY',
  rules: [{ rule: 'signal.redLight', decision: 'MODIFY', values: {}, message: 'scripted' }],
  explanation: 'scripted repair',
  modified,
});

/** The real gate with `checkCommand` answering from `script` (one verdict per tick). */
function scripted(script: Verdict[]): SafetyGate {
  let k = 0;
  return { ...real, checkCommand: () => script[Math.min(k++, script.length - 1)]! };
}

/** Runs the gated `keep` planner for the scripted ticks; returns each tick's output. */
function drive(script: Verdict[]) {
  const p = createGatedPlanner(keep, { gate: scripted(script) });
  let st = p.init(ctx, snapAt(0));
  return script.map((_, k) => {
    const r = p.step(st, snapAt(k * 0.1), ctx);
    st = r.state;
    return r.output;
  });
}

const speedAfter1s = (o: { trajectory: { points: { tS: number; speedMps: number }[] } }, t0: number) =>
  o.trajectory.points.find((p) => p.tS >= t0 + 1 - 1e-9)!.speedMps;

// A hard repair: stop 15 m ahead from 10 m/s (≈ 3.3 m/s², harder than the 1 m/s² comfort stop).
const hardStop = (tS: number) =>
  cmd({ speed: 'STOP', stopAt: { x: 65, y: 0 }, source: 'repair', issuedAtS: tS, expiresAtS: tS + 1 });
// A soft repair: keep going at a lower target speed.
const softSlow = (tS: number) =>
  cmd({ speed: 'DECELERATE', targetSpeedMps: 9, source: 'repair', issuedAtS: tS, expiresAtS: tS + 1 });

describe('gated planner: MRM vs repair', () => {
  it('drives the repaired command of a MODIFY when no MRM runs', () => {
    const [out] = drive([modify(softSlow(0))]);
    expect(out!.command).toEqual(softSlow(0));
    expect(out!.verdict?.decision).toBe('MODIFY');
  });

  it('a VETO hands control to the MRM stop (comfort, 1 m/s²)', () => {
    const [out] = drive([veto]);
    expect(out!.command).toMatchObject({ speed: 'STOP', path: 'FOLLOW_LANE', source: 'mrm:COMFORT_STOP' });
    // 1 m/s² from 10 m/s: the reference is led by 1/gain (tracker gain 10/11 per s on the speed
    // one second ahead), 10 − 1.1 = 8.9 m/s after 1 s, so that the tracker brakes at 1 m/s².
    expect(speedAfter1s(out!, 0)).toBeCloseTo(8.9, 1);
  });

  it('a running MRM keeps control over a later repair that brakes less', () => {
    const outs = drive([veto, modify(softSlow(0.1))]);
    expect(outs[1]!.command?.source).toBe('mrm:COMFORT_STOP');
    expect(outs[1]!.verdict?.decision).toBe('MODIFY');
  });

  it('a repair that brakes harder than the running MRM wins', () => {
    // The premise, measured on the gate's own roll-outs: the repair is slower after 1 s.
    const mrmOnly = drive([veto, veto])[1]!;
    const repairTraj = real.trajectoryFor(hardStop(0.1), sceneAt(0.1));
    expect(speedAfter1s({ trajectory: repairTraj }, 0.1)).toBeLessThan(speedAfter1s(mrmOnly, 0.1) - 1);
    const outs = drive([veto, modify(hardStop(0.1))]);
    expect(outs[1]!.command).toEqual(hardStop(0.1));
    expect(speedAfter1s(outs[1]!, 0.1)).toBeCloseTo(speedAfter1s({ trajectory: repairTraj }, 0.1), 6);
  });
});

describe('gated planner: the release wait after an emergency stop', () => {
  const emergency: Verdict = { ...veto, mrm: { kind: 'EMERGENCY_STOP', decelMps2: 8 } };
  const allow: Verdict = { decision: 'ALLOW', rules: [], explanation: 'scripted allow' };
  /** Inner planner: a stop 9.6 m past the front bumper from 10 m/s (≈ 5.2 m/s², harder than b_min 4). */
  const braking: Planner<null> = {
    name: 'braking',
    init: () => null,
    step: (_s, snap) => {
      const command = cmd({
        speed: 'STOP',
        stopAt: { x: 62, y: 0 },
        issuedAtS: snap.tS,
        expiresAtS: snap.tS + 1,
      });
      return { state: null, output: { command, trajectory: real.trajectoryFor(command, sceneAt(snap.tS)) } };
    },
  };
  const run = (inner: Planner<null>, script: Verdict[]) => {
    const p = createGatedPlanner(inner, { gate: scripted(script) });
    let st = p.init(ctx, snapAt(0));
    return script.map((_, k) => {
      const r = p.step(st, snapAt(k * 0.1), ctx);
      st = r.state;
      return r.output;
    });
  };

  it("on an allowed tick the emergency stop brakes at the comfortable stop's rate where the gate passes it, not at its 8 m/s²", () => {
    const outs = run(keep, [emergency, allow]);
    expect(outs[1]!.command?.source).toBe('mrm:EMERGENCY_STOP');
    expect(outs[1]!.command?.decelMps2).toBe(1);
    expect(outs[0]!.command?.decelMps2).toBe(8);
  });

  it('the stop eases only where the gate passes the eased stop: a stopped car 20 m ahead keeps the 8 m/s²', () => {
    // the planner's commands are answered from the script (VETO, then ALLOW); the eased stop itself
    // by the real gate — at 12 m/s, 4 m/s² does not stop short of a car standing 20 m ahead
    const withCar = (tS: number, carS: number) =>
      scene({ map, s: 50, speed: 12, tS, agents: [{ id: 'obs', lane: 'R0', s: carS, speed: 0 }] }).snapshot;
    const outsWith = (carS: number) => {
      let k = 0;
      const gate: SafetyGate = {
        ...real,
        checkCommand: (c, sc, o) =>
          (c as MidLevelCommand).source.startsWith('mrm:')
            ? real.checkCommand(c, sc, o)
            : k++ === 0
              ? emergency
              : allow,
      };
      const p = createGatedPlanner(keep, { gate });
      let st = p.init(ctx, withCar(0, carS));
      return [0, 0.1].map((tS) => {
        const r = p.step(st, withCar(tS, carS), ctx);
        st = r.state;
        return r.output;
      });
    };
    expect(outsWith(70)[1]!.command?.decelMps2).toBe(8);
    // with the car far off, the eased stop passes (and the planner's KEEP, slower in 1 s than the
    // comfortable stop, drives instead of it)
    expect(outsWith(200)[1]!.command).not.toMatchObject({ source: 'mrm:EMERGENCY_STOP', decelMps2: 8 });
  });

  it("the audit log records the stop driven at each tick: the VETO's 8 m/s², then the eased 1 m/s²", () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-gated-audit-'));
    const path = join(dir, 'audit.jsonl');
    const opened = AuditLog.open(path, { keyPath: join(dir, 'k.pem') });
    if (!opened.ok) throw new Error(opened.error.message);
    const p = createGatedPlanner(keep, { gate: scripted([emergency, allow]), audit: opened.value.log });
    let st = p.init(ctx, snapAt(0));
    for (const tS of [0, 0.1]) st = p.step(st, snapAt(tS), ctx).state;
    opened.value.log.close();
    const recs = readAuditRecords(path);
    if (!recs.ok) throw new Error(recs.error.message);
    expect(
      recs.value.map((r) => [r.verdict.decision, r.command?.source, r.driven?.reason, r.driven?.decelMps2]),
    ).toEqual([
      ['VETO', 'test', 'MRM_VETO', 8],
      ['ALLOW', 'test', 'MRM_EASED', 1],
    ]);
    expect(recs.value[1]!.driven!.command).toMatchObject({
      speed: 'STOP',
      source: 'mrm:EMERGENCY_STOP',
      decelMps2: 1,
    });
  });

  it("the planner's own allowed command that brakes harder than b_min is driven (the MRM never slows a response)", () => {
    const outs = run(braking, [emergency, allow]);
    // the premise: the planner's stop is slower after 1 s than the eased emergency stop
    expect(speedAfter1s(outs[1]!, 0.1)).toBeLessThan(
      speedAfter1s(run(keep, [emergency, allow])[1]!, 0.1) - 0.5,
    );
    expect(outs[1]!.command?.speed).toBe('STOP');
    expect(outs[1]!.command?.source).not.toMatch(/^mrm:/);
  });
});

// The repair's reference: led by decel/gain below the speed the tracker should have while it
// brakes, back at the target once that speed reaches it (it used to hold target − decel/gain for
// the whole horizon, taking the ego ≈ 3.3 m/s below a 3 m/s² DECELERATE's target).
describe('the gate trajectory of a braking repair', () => {
  // the ego drives at 10 m/s (snapAt); the sim's tracker follows gain·(v_ref(t + 1 s) − v)
  const speedAt = (traj: { points: ReadonlyArray<{ tS: number; speedMps: number }> }, tS: number) =>
    traj.points.reduce((best, p) => (Math.abs(p.tS - tS) < Math.abs(best.tS - tS) ? p : best)).speedMps;

  it('leads the tracked speed while braking and returns to the target, never holding below it', () => {
    const traj = real.trajectoryFor(
      cmd({ speed: 'DECELERATE', targetSpeedMps: 7, decelMps2: 3 }),
      sceneAt(0),
    );
    // led by decel/gain below the tracked speed while braking (10 − 3·1 − 3.3 at t = 1 s)
    expect(speedAt(traj, 1)).toBeLessThan(7);
    // back at the target once the tracked speed (10 − 3t) has reached it (t = 1 s), one second later
    for (const t of [2.5, 4, 8]) expect(speedAt(traj, t)).toBeCloseTo(7, 6);
  });

  it('a repair whose target is already met does not brake', () => {
    const traj = real.trajectoryFor(
      cmd({ speed: 'DECELERATE', targetSpeedMps: 10, decelMps2: 3 }),
      sceneAt(0),
    );
    for (const t of [0, 1, 4, 8]) expect(speedAt(traj, t)).toBeCloseTo(10, 6);
  });
});

// The sim's own tracker (nuPlan LQR + kinematic bicycle) driving the repair's trajectory, which
// the gated planner rebuilds every 0.1 s tick from where the ego is: what the ego actually does.
describe('the tracker on a braking repair', () => {
  const tracker = new LqrTracker();
  /** The ego's speed every tick over `seconds` while `command`'s trajectory is tracked. */
  const tracked = (command: MidLevelCommand, seconds: number, vehicle = CAR): number[] => {
    const base = scene({ map, s: 50, speed: 10, vehicle });
    let ego: EgoState = { ...base.snapshot.ego };
    const speeds = [ego.speedMps];
    const xs = new Float64Array(81);
    const ys = new Float64Array(81);
    const hs = new Float64Array(81);
    const out = { accelMps2: 0, steerRateRadps: 0 };
    for (let k = 0; k < Math.round(seconds / 0.1); k++) {
      const sc = { ...base, snapshot: { ...base.snapshot, tS: ego.tS, ego } };
      const pts = real.trajectoryFor(command, sc).points;
      const n = Math.min(81, pts.length);
      for (let i = 0; i < n; i++) {
        xs[i] = pts[i]!.x;
        ys[i] = pts[i]!.y;
        hs[i] = pts[i]!.headingRad;
      }
      tracker.command(ego, xs, ys, hs, n, vehicle, out);
      ego = stepBicycle(ego, out, vehicle, 0.1, { ...ego });
      speeds.push(ego.speedMps);
    }
    return speeds;
  };

  it('brakes at the commanded deceleration down to the target and holds it there', () => {
    const v = tracked(cmd({ speed: 'DECELERATE', targetSpeedMps: 7, decelMps2: 3 }), 6);
    // 1 s at 3 m/s² (the actuator's 0.2 s lag aside)
    expect(v[10]!).toBeLessThan(7.8);
    expect(v[10]!).toBeGreaterThan(7);
    // then at the target, not 3.3 m/s below it (the old floor)
    for (const u of v.slice(25)) expect(Math.abs(u - 7)).toBeLessThan(0.3);
  });

  it('a car brakes at the commanded deceleration down to the stop, not at 0.9·v near it', () => {
    const v = tracked(cmd({ speed: 'STOP', decelMps2: 6 }), 4);
    // 10 m/s at 6 m/s² is 1.7 s, the lag 0.2 s more; a reference at rest would still roll at ≈ 1 m/s
    expect(v[22]!).toBeLessThan(0.2);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
  });

  it("a robot's braking reference never goes below zero (its tracker would reverse)", () => {
    const sc = scene({ map, s: 50, speed: 1.5, vehicle: ROBOT });
    const traj = real.trajectoryFor(cmd({ speed: 'STOP', decelMps2: 2 }), sc);
    for (const p of traj.points) expect(p.speedMps).toBeGreaterThanOrEqual(0);
    const carTraj = real.trajectoryFor(
      cmd({ speed: 'STOP', decelMps2: 2 }),
      scene({ map, s: 50, speed: 1.5 }),
    );
    expect(Math.min(...carTraj.points.map((p) => p.speedMps))).toBeLessThan(0);
  });
});

// In a junction the connectors of one lane overlap for their first metres, and the located lane is
// the one that heads best: at the start of a left turn the straight one. The repair and the MRM
// follow the branch the planner is driving (its trajectory), or without one the route's.
describe('the gate trajectory through a junction turn', () => {
  const junction = junctionMap();
  const LEFT = ['IN3', 'C32', 'OUT2'];
  const STRAIGHT = ['IN3', 'C31', 'OUT1'];
  const RIGHT = ['IN3', 'C30', 'OUT0'];
  // the ego at the junction's entry, heading straight on, where the three connectors overlap
  const at = (route: string[]) => scene({ map: junction, lane: 'C31', s: 3, speed: 6, route });
  const brake = cmd({ speed: 'DECELERATE', targetSpeedMps: 3, decelMps2: 2 });
  /**
   * Largest distance of the trajectory's poses from lane `id`'s centreline (or its successor's),
   * m, from 1.5 s (the ego starts on the straight connector's centre) to 4 s.
   */
  const offLane = (traj: Trajectory, id: string): number => {
    const line = junction.mustLane(id).line;
    const next = junction.mustLane(junction.mustLane(id).data.successors[0]!).line;
    let worst = 0;
    for (const p of traj.points.filter((q) => q.tS >= 1.5 - 1e-9 && q.tS <= 4 + 1e-9))
      worst = Math.max(
        worst,
        Math.min(Math.abs(line.project(p.x, p.y).dM), Math.abs(next.project(p.x, p.y).dM)),
      );
    return worst;
  };

  it('the premise: the ego is located on the straight connector', () => {
    const e = at(LEFT).snapshot.ego;
    expect(junction.locate(e.x, e.y, e.headingRad, 5)?.laneId).toBe('C31');
  });

  it("a repair follows the branch of the planner's trajectory, whatever the route says", () => {
    for (const [route, lane] of [
      [LEFT, 'C32'],
      [STRAIGHT, 'C31'],
      [RIGHT, 'C30'],
    ] as const) {
      // the planner's plan along `lane` (the gate's own roll-out of a KEEP along that route)
      const plan = real.trajectoryFor(cmd(), at([...route]));
      expect(offLane(plan, lane)).toBeLessThan(0.3);
      for (const other of [LEFT, STRAIGHT, RIGHT]) {
        const repair = real.trajectoryFor(brake, at(other), {}, plan);
        expect(offLane(repair, lane), `${lane} under route ${other.join(',')}`).toBeLessThan(0.3);
      }
    }
  });

  it("without the planner's trajectory the repair follows the route's branch", () => {
    expect(offLane(real.trajectoryFor(brake, at(LEFT)), 'C32')).toBeLessThan(0.3);
    expect(offLane(real.trajectoryFor(brake, at(RIGHT)), 'C30')).toBeLessThan(0.3);
  });

  it("the MRM stops on the planner's turn, not straight on", () => {
    const left = at(LEFT);
    const turning: Planner<null> = {
      name: 'turning',
      init: () => null,
      step: (_s, snap) => ({
        state: null,
        output: {
          trajectory: real.trajectoryFor(cmd(), {
            ...left,
            snapshot: { ...snap, route: left.snapshot.route },
          }),
        },
      }),
    };
    const gate = { ...real, checkCommand: () => veto };
    const p = createGatedPlanner(turning, { gate });
    const jctx: PlannerContext = { ...ctx, map: junction, route: RoutePath.build(junction, STRAIGHT) };
    // the route says straight on; the planner turns left
    const snap = at(STRAIGHT).snapshot;
    const out = p.step(p.init(jctx, snap), snap, jctx).output;
    expect(out.command?.source).toBe('mrm:COMFORT_STOP');
    expect(offLane(out.trajectory, 'C32')).toBeLessThan(0.3);
    expect(offLane(out.trajectory, 'C31')).toBeGreaterThan(0.5);
  });

  it('a stop does not slide sideways or turn on the spot once the ego stands', () => {
    const plan = real.trajectoryFor(cmd(), at(LEFT));
    const stop = real.trajectoryFor(cmd({ speed: 'STOP' }), at(LEFT), { commandDecelMps2: 4 }, plan);
    const still = stop.points.filter((p) => p.speedMps === 0);
    expect(still.length).toBeGreaterThan(10);
    for (const p of still) {
      expect(p.x).toBeCloseTo(still[0]!.x, 6);
      expect(p.y).toBeCloseTo(still[0]!.y, 6);
      expect(p.headingRad).toBeCloseTo(still[0]!.headingRad, 6);
    }
  });
});

describe('gated planner on a route that uses a lane twice (a loop)', () => {
  it("tracks the ego's route position and tells the gate which pass it is at", () => {
    const loop = new RoadMap(loopMapData(['LOOP', 'OUT']));
    const lctx: PlannerContext = {
      map: loop,
      route: RoutePath.build(loop, LOOP_ROUTE),
      vehicle: CAR,
      dtS: 0.1,
      seed: 0,
    };
    const seen: (number | undefined)[] = [];
    const gate: SafetyGate = {
      ...real,
      checkCommand: (c, sc, o) => {
        seen.push(sc.routeIndex);
        return real.checkCommand(c, sc, o);
      },
    };
    const inner: Planner<null> = {
      name: 'keep',
      init: () => null,
      step: (_s, snap) => {
        const command = cmd({ issuedAtS: snap.tS, expiresAtS: snap.tS + 1 });
        const trajectory = real.trajectoryFor(command, { snapshot: snap, map: loop, vehicle: CAR });
        return { state: null, output: { command, trajectory } };
      },
    };
    const p = createGatedPlanner(inner, { gate });
    // the ego moved along the route 10 m/s, every 0.1 s, from 50 m along IN to 50 m along OUT
    const line = lctx.route.line;
    const at = (k: number): WorldSnapshot => {
      const pose = line.poseAt(50 + k);
      const ego = { tS: k * 0.1, ...pose, speedMps: 10, accelMps2: 0, steerRad: 0, yawRateRadps: 0 };
      return { tS: k * 0.1, ego, agents: [], lights: [], route: { laneIds: LOOP_ROUTE } };
    };
    let st = p.init(lctx, at(0));
    const end = Math.floor(lctx.route.pieces[4]!.fromS);
    for (let k = 0; k <= end; k++) st = p.step(st, at(k), lctx).state;
    expect(seen[0]).toBe(0);
    // on A's second pass the gate is told position 3 (the first pass is 1), and at the end 4
    const onA = seen.filter((i) => i === 1 || i === 3);
    expect(onA.includes(1) && onA.includes(3)).toBe(true);
    expect(seen[seen.length - 1]).toBe(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });
});
