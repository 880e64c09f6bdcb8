/**
 * An in-lane offset that ends (`MidLevelCommand.lateralOffsetEndAt`): the gate's roll-out returns
 * to the lane's centre from there (as the command without the offset does once past it), so that
 * a bend's inset toward the oncoming lane is not carried onto the straight after a left turn, into
 * the corridor of a car standing on that lane's centre (CommonRoad DEU_Flensburg-68_1, round 26).
 */
import { describe, expect, it } from 'vitest';
import {
  inLaneOffsetLimitM,
  type MidLevelCommand,
  MidLevelCommandSchema,
  RoadMapSchema,
  type Vec2,
} from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { CAR, cmd, scene } from '../stack/testing/safetyScenes.ts';
import { LanePathCache, Rollout, rolloutCommand } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';

const R = 8;
/** The left turn's centreline: a quarter circle of radius R from (0, 0) heading east to (R, R) heading north. */
function arc(): Vec2[] {
  const pts: Vec2[] = [];
  for (let k = 0; k <= 24; k++) {
    const a = (k / 24) * (Math.PI / 2);
    pts.push({ x: R * Math.sin(a), y: R * (1 - Math.cos(a)) });
  }
  return pts;
}
/** Our lane 3.5 m wide, the oncoming one 2.8 m: their centres 3.15 m apart. */
const ONCOMING_W = 2.8;
const APART = (3.5 + ONCOMING_W) / 2;
const map = new RoadMap(
  RoadMapSchema.parse({
    id: 'left-turn',
    lanes: [
      {
        id: 'A',
        centerline: [
          { x: -80, y: 0 },
          { x: 0, y: 0 },
        ],
        widthM: 3.5,
        speedLimitMps: 14,
        successors: ['T'],
      },
      { id: 'T', centerline: arc(), widthM: 3.5, speedLimitMps: 14, predecessors: ['A'], successors: ['B'] },
      {
        id: 'B',
        centerline: [
          { x: R, y: R },
          { x: R, y: R + 100 },
        ],
        widthM: 3.5,
        speedLimitMps: 14,
        predecessors: ['T'],
        left: { laneId: 'BO', changeAllowed: false, opposite: true },
      },
      {
        id: 'BO',
        centerline: [
          { x: R - APART, y: R + 100 },
          { x: R - APART, y: R },
        ],
        widthM: ONCOMING_W,
        speedLimitMps: 14,
        left: { laneId: 'B', changeAllowed: false, opposite: true },
      },
    ],
  }),
);
const ROUTE = ['A', 'T', 'B'];
const gate = createSafetyGate();
/** The gate's parameters over the 8 s of the trajectory it hands the tracker (`trajectoryFor`). */
const P = SafetyParamsSchema.parse({ horizonS: 8 });
/** The inset: as far in as the lane allows (0.6 m for the 2.3 m car in a 3.5 m lane). */
const INSET = Math.floor(inLaneOffsetLimitM(3.5, CAR.widthM) * 100) / 100;
/** Where the bend ends: 1 m up the straight. */
const END = { x: R, y: R + 1 };
const inset = (end?: Vec2): MidLevelCommand =>
  cmd({ targetSpeedMps: 5, lateralOffsetM: INSET, ...(end ? { lateralOffsetEndAt: end } : {}) });

describe('an in-lane offset that ends: the roll-out', () => {
  const ego = scene({ map, lane: 'T', s: 4, speed: 5, route: ROUTE }).snapshot.ego;
  const roll = (c: MidLevelCommand): Rollout => {
    const r = new Rollout(64);
    rolloutCommand(c, ego, map, ROUTE, CAR, P, new LanePathCache(map), r, true, 'T');
    return r;
  };

  it('holds the offset through the bend and returns to the centre on the straight after it', () => {
    const held = roll(inset());
    const ending = roll(inset(END));
    // the check starts the return the tracker's lag after the end (0.3 s at 5 m/s)
    const endS = map.mustLane('T').line.length + 1 + 5 * P.inLaneShiftLagS;
    let returned = false;
    for (let k = 0; k < ending.n; k++) {
      // within the bend (the rear axle before the end), the same path as the offset held on
      if (ending.s[k]! < endS) expect(ending.d[k]).toBeCloseTo(held.d[k]!, 9);
      // past it, closer to the centre than the held one, and back on it once the close is done
      if (ending.s[k]! > endS + 0.5) expect(Math.abs(ending.d[k]!)).toBeLessThan(Math.abs(held.d[k]!) - 0.01);
      if (ending.s[k]! > endS + 2 * 5 + 1) {
        expect(Math.abs(ending.d[k]!)).toBeLessThan(0.02);
        returned = true;
      }
    }
    expect(returned).toBe(true);
    // the held one is still at the offset at the horizon
    expect(held.d[held.n - 1]!).toBeGreaterThan(INSET - 0.05);
  });

  it('an end behind the ego rolls out as FOLLOW_LANE without the offset does', () => {
    const past = scene({ map, lane: 'B', s: 20, speed: 5, route: ROUTE }).snapshot.ego;
    const off = { ...past, x: past.x - 0.4 };
    const a = new Rollout(64);
    const b = new Rollout(64);
    rolloutCommand(inset(END), off, map, ROUTE, CAR, P, new LanePathCache(map), a);
    rolloutCommand(cmd({ targetSpeedMps: 5 }), off, map, ROUTE, CAR, P, new LanePathCache(map), b);
    for (let k = 0; k < a.n; k++) expect(a.d[k]).toBeCloseTo(b.d[k]!, 9);
    expect(Math.abs(a.d[a.n - 1]!)).toBeLessThan(0.05);
  });
});

describe('after a left turn, a car standing on the oncoming lane', () => {
  const oncoming = (overM: number) =>
    scene({
      map,
      lane: 'T',
      s: 4,
      speed: 5,
      route: ROUTE,
      // BO runs south from y = R + 100: 34 m up the straight after the bend
      agents: [{ id: 'parked', lane: 'BO', s: 100 - 34, d: overM, speed: 0 }],
    });
  const fires = (c: MidLevelCommand, overM: number): boolean =>
    gate
      .checkCommand(c, oncoming(overM))
      .rules.some(
        (r) =>
          r.rule === 'rss.longitudinalOpposite' && r.decision !== 'ALLOW' && r.values.agentId === 'parked',
      );

  it("on its lane's centre is out of the opposite corridor once the inset ends with the bend", () => {
    // held onto the straight, the inset brings the ego within RSS's lateral safe distance of it
    expect(fires(inset(), 0)).toBe(true);
    expect(fires(inset(END), 0)).toBe(false);
  });

  it('one standing over the line (0.9 m into the gap) is still in it', () => {
    expect(fires(inset(END), 0.9)).toBe(true);
  });
});

describe('lateralOffsetEndAt: the contract and its range', () => {
  const base = { speed: 'KEEP', issuedAtS: 0, expiresAtS: 1, lateralOffsetEndAt: END } as const;

  it('parses with an in-lane shift only, naming the field otherwise', () => {
    expect(
      MidLevelCommandSchema.safeParse({ ...base, path: 'FOLLOW_LANE', lateralOffsetM: 0.3 }).success,
    ).toBe(true);
    for (const bad of [
      { ...base, path: 'FOLLOW_LANE' },
      { ...base, path: 'LEFT_BORROW', lateralOffsetM: 0.3 },
    ]) {
      const r = MidLevelCommandSchema.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['lateralOffsetEndAt']);
    }
  });

  it("the gate's input.range refuses an end more than 300 m from the ego", () => {
    const sc = scene({ map, lane: 'T', s: 4, speed: 5, route: ROUTE });
    const far = gate.checkCommand(inset({ x: R, y: R + 400 }), sc);
    expect(far.decision).toBe('VETO');
    expect(far.rules.find((r) => r.rule === 'input.range')?.message).toMatch(/lateralOffsetEndAt/);
    expect(gate.checkCommand(inset(END), sc).rules.find((r) => r.rule === 'input.range')?.decision).toBe(
      'ALLOW',
    );
  });
});
