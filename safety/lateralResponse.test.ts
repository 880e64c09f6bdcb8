/**
 * RSS's lateral proper response within the lane: a vehicle coming the other way over the line is
 * moved away from (`lateralOffsetM` on FOLLOW_LANE, signed, left +), as far as the lane allows the
 * ego's footprint; the roll-out of the repair clears it; no shift where the lane leaves no room.
 */
import { describe, expect, it } from 'vitest';
import { inLaneOffsetLimitM, obbOverlap } from '../core/index.ts';
import { CAR, cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { LanePathCache, Rollout, rolloutCommand } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});
// R0 (y = 0, 3.5 m wide) and the oncoming lane O0 on its left (y = 3.5)
const map = roadMap({ lanes: 1, oncoming: true });
/** A car coming the other way at 8 m/s with its centre 1.85 m left of R0's centre: 0.25 m over the ego's side. */
const drifting = (s: number) => ({ id: 'drift', lane: 'R0', s, d: 1.85, speed: 8, dh: Math.PI });

/**
 * Whether the ego's footprint along the roll-out of `command` meets a car that goes on straight
 * (its constant-velocity forecast) coming the other way: centre (x0, y) at t = 0, speed `vo`.
 */
function meets(
  command: ReturnType<typeof cmd>,
  sc: ReturnType<typeof scene>,
  x0: number,
  y: number,
  vo: number,
) {
  const r = new Rollout(64);
  rolloutCommand(command, sc.snapshot.ego, sc.map, ['R0'], sc.vehicle, P, new LanePathCache(sc.map), r);
  const front = sc.vehicle.rearAxleToCenterM;
  for (let k = 0; k < r.n; k++) {
    const c = Math.cos(r.h[k]!);
    const s = Math.sin(r.h[k]!);
    const ex = r.x[k]! + front * c;
    const ey = r.y[k]! + front * s;
    const ax = x0 - vo * k * r.dtS;
    if (obbOverlap(ex, ey, c, s, sc.vehicle.lengthM / 2, sc.vehicle.widthM / 2, ax, y, -1, 0, 2.4, 0.95))
      return true;
  }
  return false;
}

describe('rss.lateralResponse: an in-lane shift away from a vehicle coming over the line', () => {
  it('shifts right within the lane (with the speed response) and the repair roll-out clears the car', () => {
    const sc = scene({ map, s: 50, speed: 12, agents: [drifting(100)] });
    const v = gate.checkCommand(cmd(), sc);
    expect(v.decision, v.explanation).toBe('MODIFY');
    const m = v.modified!;
    expect(m.path).toBe('FOLLOW_LANE');
    // right (away from the car on the left), inside the lane's limit less the overshoot margin
    const limit = inLaneOffsetLimitM(3.5, CAR.widthM);
    expect(m.lateralOffsetM, v.explanation).toBeCloseTo(-(limit - P.inLaneShiftMarginM), 3);
    const named = v.rules.find((r) => r.rule === 'rss.lateralResponse');
    expect(named?.values.agentId).toBe('drift');
    expect(v.explanation).toContain('right within the lane');
    // the repair's roll-out (as the tracker follows it) clears the car; the same speed without the shift does not
    const agent = sc.snapshot.agents[0]!;
    expect(meets(m, sc, agent.x, agent.y, 8)).toBe(false);
    const unshifted = { ...m };
    delete unshifted.lateralOffsetM;
    expect(meets(unshifted, sc, agent.x, agent.y, 8)).toBe(true);
    // and the gate passes the repair as it stands
    expect(gate.checkCommand(m, sc).decision).toBe('ALLOW');
  });

  it('the TTC contact lies beyond the mitigation window: the proper response (b_min,correct) with the shift, no emergency stop', () => {
    // the window at 12 m/s is the time to rest at b_min after the lag, 12 / 4 + 0.2 = 3.2 s. 72 m
    // between the centres, closing at 20 m/s: TTC finds the contact only τ after a roll-out step
    // that lies inside the window; judged by the step alone it was a conflict to mitigate at full strength
    // (VETO, emergency stop), unlike the overlap `collision.predicted` finds at the same time
    const sc = scene({ map, s: 50, speed: 12, agents: [drifting(122)] });
    const v = gate.checkCommand(cmd(), sc);
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(v.modified?.decelMps2, v.explanation).toBeCloseTo(P.rssEgo.brakeMinCorrectMps2 + 0.02, 2);
    expect(v.modified?.lateralOffsetM, v.explanation).toBeLessThan(0);
    const again = gate.checkCommand(v.modified!, sc);
    expect(again.rules.find((r) => r.rule === 'ttc')?.decision, again.explanation).toBe('ALLOW');
  });

  it('nothing passes (the car 1.3 s away): the emergency stop still moves away within the lane', () => {
    const v = gate.checkCommand(cmd(), scene({ map, s: 50, speed: 12, agents: [drifting(76)] }));
    expect(v.decision, v.explanation).toBe('VETO');
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    expect(v.mrm?.lateralOffsetM).toBeCloseTo(
      -(inLaneOffsetLimitM(3.5, CAR.widthM) - P.inLaneShiftMarginM),
      3,
    );
    expect(v.rules.find((r) => r.rule === 'rss.lateralResponse')?.decision).toBe('VETO');
  });

  it('does not shift where the lane leaves the footprint no room (a vehicle as wide as the lane)', () => {
    const wide = { ...CAR, widthM: 3.3 };
    const v = gate.checkCommand(
      cmd(),
      scene({ map, s: 50, speed: 12, agents: [drifting(100)], vehicle: wide }),
    );
    expect(v.decision).not.toBe('ALLOW');
    expect(v.rules.some((r) => r.rule === 'rss.lateralResponse')).toBe(false);
    expect(v.modified?.lateralOffsetM).toBeUndefined();
    expect(v.mrm?.lateralOffsetM).toBeUndefined();
  });

  it('a car coming in from the right is moved away from to the left', () => {
    // the mirror image: on O0's side the ego drives R0 with the car 1.85 m to its right, coming the other way
    const two = roadMap({ lanes: 2 });
    const sc = scene({
      map: two,
      lane: 'R1',
      s: 50,
      speed: 12,
      route: ['R1'],
      agents: [{ id: 'drift', lane: 'R1', s: 100, d: -1.85, speed: 8, dh: Math.PI }],
    });
    const v = gate.checkCommand(cmd(), sc);
    expect(v.modified?.lateralOffsetM ?? v.mrm?.lateralOffsetM, v.explanation).toBeGreaterThan(0.3);
  });
});

describe('rss.longitudinalOpposite: the lateral safe distance to a vehicle coming the other way', () => {
  // its centre d m left of R0's: lateral gap d − 1.15 (ego half width) − 0.95 (its half width)
  const at = (d: number) =>
    gate.checkCommand(
      cmd(),
      scene({ map, s: 50, speed: 4, agents: [{ id: 'on', lane: 'R0', s: 75, d, speed: 7, dh: Math.PI }] }),
    );
  it('0.4 m beside the ego (short of RSS lateral 0.6 m: μ 0.1 + its drift over ρ 2 s) it is a danger', () => {
    const v = at(2.5);
    expect(v.rules.find((r) => r.rule === 'rss.longitudinalOpposite')?.decision, v.explanation).toBe(
      'MODIFY',
    );
  });
  it('0.6 m or more beside it (a car in its own lane: 1.4 m) it is a pass', () => {
    for (const d of [2.7, 3.5]) expect(at(d).decision).toBe('ALLOW');
  });
});

describe('lateralOffsetM: the contract and its range', () => {
  it('an in-lane offset that keeps the footprint in the lane passes input.range; one beyond the lane is vetoed', () => {
    const sc = scene({ map, s: 50, speed: 10 });
    const limit = inLaneOffsetLimitM(3.5, CAR.widthM); // (3.5 − 2.297) / 2 ≈ 0.60 m
    const inside = gate.checkCommand(cmd({ lateralOffsetM: -(limit - 0.05) }), sc);
    expect(inside.rules.find((r) => r.rule === 'input.range')?.decision).toBe('ALLOW');
    const outside = gate.checkCommand(cmd({ lateralOffsetM: limit + 0.1 }), sc);
    expect(outside.decision).toBe('VETO');
    const r = outside.rules.find((x) => x.rule === 'input.range')!;
    expect(r.decision).toBe('VETO');
    expect(r.message).toContain('outside the lane');
    expect(r.values.limitM).toBeCloseTo(limit, 2);
  });

  it('is signed on FOLLOW_LANE, ≥ 0 on a borrow and refused with a lane change', () => {
    const sc = scene({ map: roadMap({ lanes: 2, oncoming: true, dashedCentre: true }), s: 50, speed: 10 });
    const change = gate.checkCommand(cmd({ path: 'LEFT_CHANGE', lateralOffsetM: 0.5 }), sc);
    expect(change.decision).toBe('VETO');
    expect(change.rules[0]!.rule).toBe('input.schema');
    expect(change.rules[0]!.values.path).toBe('command:lateralOffsetM');
    const borrow = gate.checkCommand(cmd({ path: 'LEFT_BORROW', lateralOffsetM: -0.5 }), sc);
    expect(borrow.rules[0]!.rule).toBe('input.schema');
    expect(gate.checkCommand(cmd({ lateralOffsetM: -0.3 }), sc).rules[0]!.decision).toBe('ALLOW');
  });
});

describe('in-lane shift roll-out', () => {
  it('is not a lane change: a FOLLOW_LANE with an offset closes to it within the lane', () => {
    const sc = scene({ map, s: 50, speed: 10 });
    const r = new Rollout(64);
    rolloutCommand(
      cmd({ lateralOffsetM: -0.45 }),
      sc.snapshot.ego,
      map,
      ['R0'],
      CAR,
      P,
      new LanePathCache(map),
      r,
    );
    expect(r.inLaneShift).toBe(true);
    expect(r.targetOffsetM).toBe(-0.45);
    // the tracker's lag: nothing yet after 0.2 s; closed by the horizon (4 s)
    expect(Math.abs(r.d[1]!)).toBeLessThan(0.01);
    expect(r.d[r.n - 1]!).toBeCloseTo(-0.45, 3);
    for (let k = 1; k < r.n; k++) expect(r.d[k]!).toBeLessThanOrEqual(r.d[k - 1]! + 1e-12);
  });
});
