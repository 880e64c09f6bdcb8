/**
 * An ego that faces against its lane (the wrong way down it: a car placed reversed, a wrong-way
 * start) goes on along its own heading in the gate's roll-outs and in the trajectories the gate hands
 * the tracker: its lane's path leads the other way, and a stop rolled along it turned the ego round
 * into the next lane (esmini full_e6mini_reverse and traj_use_cases: at-fault lateral collisions
 * with the car alongside, caused by the gate's repair and MRM).
 */
import { describe, expect, it } from 'vitest';
import { cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { LanePathCache, Rollout, rolloutCommand } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';

const P = SafetyParamsSchema.parse({});

/** Two lanes along +x; the ego on R0 at s 100 heading −x at 10 m/s, a car alongside on R1 going its way. */
function wrongWay() {
  const map = roadMap({ lanes: 2 });
  const sc = scene({
    map,
    s: 100,
    speed: 10,
    agents: [{ id: 'beside', lane: 'R1', s: 100, speed: 10, dh: Math.PI }],
  });
  const ego = { ...sc.snapshot.ego, headingRad: Math.PI };
  return { map, sc: { ...sc, snapshot: { ...sc.snapshot, ego } }, ego };
}

describe('roll-out of an ego facing against its lane', () => {
  it('goes straight on along its heading (never turned round onto the lane direction)', () => {
    const { map, sc, ego } = wrongWay();
    const r = new Rollout(128);
    rolloutCommand(
      cmd({ speed: 'STOP', decelMps2: 4 }),
      ego,
      map,
      ['R0'],
      sc.vehicle,
      P,
      new LanePathCache(map),
      r,
    );
    expect(r.path).toBeDefined();
    for (let k = 0; k < r.n; k++) {
      expect(r.h[k]).toBeCloseTo(Math.PI, 9);
      expect(r.y[k]).toBeCloseTo(ego.y, 9);
      if (k > 0) expect(r.x[k]!).toBeLessThanOrEqual(r.x[k - 1]! + 1e-9);
    }
    // it moves: 10 m/s braking at 4 m/s² covers metres, backwards along the lane's arc length
    expect(r.x[0]! - r.x[r.n - 1]!).toBeGreaterThan(5);
    expect(r.s[r.n - 1]!).toBeLessThan(r.s[0]! - 5);
  });

  it('stops at a stop point ahead along its heading as far on as an ego going the lane’s way does', () => {
    const { map, sc, ego } = wrongWay();
    const front = sc.vehicle.rearAxleToCenterM + sc.vehicle.lengthM / 2;
    const paths = new LanePathCache(map);
    // the front bumper to stop 10 m ahead of where it is now (the ego's pose is its rear axle)
    const against = new Rollout(128);
    const stopBehind = { x: ego.x - front - 10, y: ego.y };
    rolloutCommand(
      cmd({ speed: 'STOP', stopAt: stopBehind }),
      ego,
      map,
      ['R0'],
      sc.vehicle,
      P,
      paths,
      against,
    );
    const egoFwd = { ...ego, headingRad: 0 };
    const fwd = new Rollout(128);
    const stopAhead = { x: ego.x + front + 10, y: ego.y };
    rolloutCommand(cmd({ speed: 'STOP', stopAt: stopAhead }), egoFwd, map, ['R0'], sc.vehicle, P, paths, fwd);
    expect(against.v[against.n - 1]).toBeLessThan(0.3);
    expect(against.x[0]! - against.x[against.n - 1]!).toBeCloseTo(fwd.x[fwd.n - 1]! - fwd.x[0]!, 6);
  });
});

describe('the gate with an ego facing against its lane', () => {
  it('hands the tracker a stop straight on in its own lane, never a turn towards the car alongside', () => {
    const { sc, ego } = wrongWay();
    const gate = createSafetyGate();
    const verdict = gate.checkCommand(cmd(), sc);
    // no repair drives the wrong way on: the gate stops it
    expect(verdict.decision).toBe('VETO');
    expect(verdict.rules.find((x) => x.rule === 'map.drivingDirection')?.decision).not.toBe('ALLOW');
    const stop = cmd({ speed: 'STOP', decelMps2: 4, source: 'mrm:EMERGENCY_STOP' });
    const traj = gate.trajectoryFor(stop, sc, { commandDecelMps2: 4 });
    for (const p of traj.points) {
      expect(Math.abs(p.y - ego.y)).toBeLessThan(1e-6);
      expect(Math.cos(p.headingRad)).toBeLessThan(-0.9999);
    }
  });
});
