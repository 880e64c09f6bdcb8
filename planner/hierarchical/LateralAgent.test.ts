import { describe, expect, it } from 'vitest';
import { NUPLAN_METRIC_PARAMS } from '../../sim/metrics/params.ts';
import {
  decideLateral,
  LATERAL_MEMORY_INITIAL,
  type LateralMemory,
  oncomingClear,
  wayRoundMayOpen,
} from './LateralAgent.ts';
import { analyseScene } from './SceneAnalyst.ts';
import { laneAgent, obj, PARAMS, view } from './testing/views.ts';
import type { RouteObject } from './WorldView.ts';

const decide = (v: ReturnType<typeof view>, mem = LATERAL_MEMORY_INITIAL) =>
  decideLateral(v, analyseScene(v, PARAMS), mem, PARAMS);
const truck = obj('truck', { kind: 'static', sM: 25, lengthM: 10, widthM: 2.6, dM: 0.3 });

describe('lateral agent (rules)', () => {
  it('follows the lane when nothing calls for leaving it', () => {
    expect(decide(view()).decision).toMatchObject({ path: 'FOLLOW_LANE', targetLaneId: null });
  });

  it('borrows the oncoming lane past a parked truck when the oncoming lane is clear', () => {
    const r = decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [truck] }));
    expect(r.decision).toMatchObject({ path: 'LEFT_BORROW', targetLaneId: 'O0' });
    expect(r.memory.borrow).toMatchObject({ blockerId: 'truck', side: 'LEFT' });
  });

  it('nudges past a truck half on the shoulder with its centre kept in its own lane', () => {
    // the truck's left side on the lane centre: 0 + ego half width + clearance < lane half width − margin
    const shoulder = obj('truck', { kind: 'static', sM: 25, lengthM: 10, widthM: 2.6, dM: -1.3 });
    const v = view({ objects: [shoulder] });
    const r = decide(v);
    expect(r.decision.path).toBe('LEFT_BORROW');
    const want = v.egoWidthM / 2 + PARAMS.nudgeClearanceM;
    expect(r.decision.offsetM).toBeCloseTo(want, 9);
    expect(r.decision.offsetM!).toBeLessThan(v.laneWidthM / 2);
    expect(r.memory.borrow?.offsetM).toBeCloseTo(want, 9);
    // a truck filling the lane leaves no nudge: the whole oncoming lane
    expect(
      decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [truck] })).decision.offsetM,
    ).toBeNull();
  });

  it('nudges within its own lane past a box that blocks only the lane centre, before any borrow or wait', () => {
    // a 2 × 1 m box across the lane, its right end 1.2 m left of the centre: a car (2 m) on the
    // centre passes 0.2 m from it (< nudgeClearanceM), so it blocks; 0.25 m right clears it by
    // the clearance with the body 0.6 m inside the lane's right edge (CARLA Slalom's c3)
    const box = obj('box', {
      kind: 'static',
      sM: 20,
      lengthM: 1,
      widthM: 2,
      dM: 2.2,
      laneSpan: { minM: 1.2, maxM: 3.2 },
    });
    // no oncoming lane to borrow, nothing on the right: before, the rules could only wait
    for (const g of [{}, { left: null, right: null }]) {
      const v = view({ objects: [box] }, g);
      expect(analyseScene(v, PARAMS).hazards[0]).toMatchObject({ kind: 'blocked_lane', agentId: 'box' });
      const r = decide(v);
      expect(r.decision).toMatchObject({ path: 'FOLLOW_LANE', passingId: 'box' });
      expect(r.decision.reason).toMatch(/^rule:nudge —/);
      const want = 1.2 - v.egoWidthM / 2 - PARAMS.nudgeClearanceM;
      expect(r.decision.offsetM).toBeCloseTo(want, 9);
      // the body stays inside the lane with the edge margin
      expect(Math.abs(want) + v.egoWidthM / 2).toBeLessThanOrEqual(
        v.laneWidthM / 2 - PARAMS.nudgeEdgeMarginM,
      );
      expect(r.memory.borrow).toMatchObject({ blockerId: 'box', side: 'RIGHT', laneId: 'R0', inLane: true });
    }
    // the mirror image: passed on the left by as much
    const mirror = obj('box', {
      kind: 'static',
      sM: 20,
      lengthM: 1,
      widthM: 2,
      dM: -2.2,
      laneSpan: { minM: -3.2, maxM: -1.2 },
    });
    const left = decide(view({ objects: [mirror] }));
    expect(left.decision.path).toBe('FOLLOW_LANE');
    expect(left.decision.offsetM).toBeCloseTo(-(1.2 - 1 - PARAMS.nudgeClearanceM), 9);
    // one that leaves no such room in the lane is passed as before (borrow, with or without nudge)
    const deep = obj('box', {
      kind: 'static',
      sM: 20,
      lengthM: 1,
      widthM: 2,
      dM: 1.6,
      laneSpan: { minM: 0.6, maxM: 2.6 },
    });
    expect(decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [deep] })).decision.path).toBe(
      'LEFT_BORROW',
    );
  });

  it('keeps the in-lane nudge until past the box, then returns to the centre', () => {
    const mem: LateralMemory = {
      borrow: { blockerId: 'box', side: 'RIGHT', laneId: 'R0', offsetM: -0.25, inLane: true },
    };
    const beside = obj('box', {
      kind: 'static',
      sM: -1,
      lengthM: 1,
      widthM: 2,
      dM: 2.2,
      laneSpan: { minM: 1.2, maxM: 3.2 },
    });
    const r = decide(view({ egoDM: -0.25, objects: [beside] }), mem);
    expect(r.decision).toMatchObject({ path: 'FOLLOW_LANE', offsetM: -0.25, passingId: 'box' });
    expect(r.decision.reason).toMatch(/^rule:nudge-continue/);
    const past = obj('box', {
      kind: 'static',
      sM: -15,
      lengthM: 1,
      widthM: 2,
      dM: 2.2,
      laneSpan: { minM: 1.2, maxM: 3.2 },
    });
    const back = decide(view({ egoDM: -0.25, objects: [past] }), mem);
    expect(back.decision.path).toBe('FOLLOW_LANE');
    expect(back.decision.offsetM ?? null).toBeNull();
    expect(back.memory.borrow).toBeNull();
  });

  it("the borrow speed, held over nuPlan's driving-direction window (its 1 s is 11 ticks of 0.1 s here), stays under the violation threshold", () => {
    const P = NUPLAN_METRIC_PARAMS.drivingDirection;
    expect(PARAMS.borrowSpeedMps * (P.timeHorizonS + 0.1)).toBeLessThan(P.violationThresholdM);
  });

  it('enters the oncoming lane no faster than the borrow speed: above it, it stays in lane (the stop behind the blocker slows it)', () => {
    const fast = decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps + 0.5, objects: [truck] }));
    expect(fast.decision.path).toBe('FOLLOW_LANE');
    expect(fast.decision.reason).toMatch(/^rule:borrow-slow/);
    expect(fast.memory.borrow).toBeNull();
    // a nudge keeps the centre in its own lane: it starts at any speed
    const shoulder = obj('truck', { kind: 'static', sM: 25, lengthM: 10, widthM: 2.6, dM: -1.3 });
    expect(decide(view({ egoSpeedMps: 10, objects: [shoulder] })).decision.path).toBe('LEFT_BORROW');
  });

  it('waits behind the truck while an oncoming car would meet us in the pass', () => {
    const onc = obj('onc', { sM: 60, dM: 3.5, alongMps: -11, speedMps: 11 });
    const r = decide(view({ objects: [truck, onc] }));
    expect(r.decision.path).toBe('FOLLOW_LANE');
    expect(r.decision.reason).toMatch(/^rule:borrow-wait/);
  });

  it('does not borrow past something standing in the oncoming lane', () => {
    const parked = obj('parked', { kind: 'static', sM: 30, dM: 3.5 });
    expect(decide(view({ objects: [truck, parked] })).decision.path).toBe('FOLLOW_LANE');
  });

  it('does not borrow past a box standing in its own lane across the edge into the oncoming lane along the pass', () => {
    // CARLA Slalom's c5: a 2 m box across the centre line 10 m past the blocker, its centre in our
    // lane's band (it reaches 1.7 m into our 3.5 m lane): the borrow's body in the oncoming lane
    // would hit it, yet only the oncoming lane's band was checked and the pass looked clear
    const box = obj('box', {
      kind: 'static',
      sM: 40,
      lengthM: 1,
      widthM: 2,
      dM: 1.6,
      laneSpan: { minM: 0.6, maxM: 2.6 },
    });
    const r = decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [truck, box] }));
    expect(r.decision.path).toBe('FOLLOW_LANE');
    expect(r.decision.reason).toMatch(/box stands across the lane's edge/);
    // it is static: the way round is barred for good (no room to keep behind the truck)
    expect(oncomingClear(view({ objects: [truck, box] }), truck, 'LEFT', PARAMS).lasting).toBe(true);
    expect(wayRoundMayOpen(view({ objects: [truck, box] }), truck, PARAMS)).toBe(false);
    // the same box well inside our lane (not reaching over its edge) is no part of the pass
    const inLane = { ...box, dM: 0.2, laneSpan: { minM: -0.8, maxM: 1.2 } };
    expect(decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [truck, inLane] })).decision.path).toBe(
      'LEFT_BORROW',
    );
  });

  it('a way round can open while traffic bars it or a neighbour lane may take us; not where statics, the junction or no neighbour bar it', () => {
    const at = (objects: RouteObject[], g: Parameters<typeof view>[1] = {}) =>
      wayRoundMayOpen(view({ objects: [truck, ...objects] }, g), truck, PARAMS);
    expect(at([])).toBe(true);
    expect(at([obj('onc', { sM: 60, dM: 3.5, alongMps: -11, speedMps: 11 })])).toBe(true);
    expect(at([obj('car', { sM: 30, dM: 3.5, standingS: 30 })])).toBe(true);
    expect(at([], { left: { laneId: 'L1', changeAllowed: true, opposite: false } })).toBe(true);
    expect(at([obj('cone', { kind: 'static', sM: 30, dM: 3.5, lengthM: 1, widthM: 1 })])).toBe(false);
    expect(at([], { left: null })).toBe(false);
    expect(at([], { left: { laneId: 'L1', changeAllowed: false, opposite: false } })).toBe(false);
    expect(at([], { nextJunction: { junctionId: 'j', distanceM: 40 } })).toBe(false);
    // a box that a nudge inside the lane passes: that way is open
    const box = obj('box', {
      kind: 'static',
      sM: 25,
      lengthM: 1,
      widthM: 1,
      dM: 1.6,
      laneSpan: { minM: 1.1, maxM: 2.1 },
    });
    expect(wayRoundMayOpen(view({ objects: [box] }, { left: null }), box, PARAMS)).toBe(true);
  });

  it('changes into a same-direction neighbour with a gap instead of borrowing', () => {
    const v = view({ objects: [truck] }, { left: { laneId: 'L1', changeAllowed: true, opposite: false } });
    expect(decide(v).decision).toMatchObject({ path: 'LEFT_CHANGE', targetLaneId: 'L1' });
  });

  it('keeps borrowing until past the blocker, then returns to the lane', () => {
    const mem = { borrow: { blockerId: 'truck', side: 'LEFT' as const, laneId: 'O0', offsetM: null } };
    const alongside = obj('truck', { kind: 'static', sM: -4, lengthM: 10, dM: 0.3 });
    expect(decide(view({ egoDM: 3.5, objects: [alongside] }), mem).decision.path).toBe('LEFT_BORROW');
    const behind = obj('truck', { kind: 'static', sM: -25, lengthM: 10, dM: 0.3 });
    const r = decide(view({ egoDM: 3.5, objects: [behind] }), mem);
    expect(r.decision.reason).toMatch(/^rule:borrow-return/);
    expect(r.memory.borrow).toBeNull();
  });

  it('aborts a borrow before reaching the blocker when oncoming traffic appears', () => {
    const mem = { borrow: { blockerId: 'truck', side: 'LEFT' as const, laneId: 'O0', offsetM: null } };
    const onc = obj('onc', { sM: 50, dM: 3.5, alongMps: -11, speedMps: 11 });
    const r = decide(view({ objects: [truck, onc] }), mem);
    expect(r.decision.reason).toMatch(/^rule:borrow-abort/);
  });

  it('does not borrow past a parked car while traffic waits in the lane before it (a queue is waited in)', () => {
    // a car that has just stopped 11 m ahead (not parked yet), a parked one 30 m ahead
    const stopped = obj('stopped', { sM: 11, dM: 0, standingS: 1 });
    const parked = obj('parked', { sM: 30, dM: 0.2, standingS: 20 });
    const g = { ego: { laneId: 'R0', lead: laneAgent('stopped', { gapM: 11, speedMps: 0 }), follow: null } };
    const r = decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [stopped, parked] }, g));
    expect(r.decision.path).toBe('FOLLOW_LANE');
    expect(r.decision.reason).toMatch(
      /^rule:borrow-wait — parked blocks the lane; stopped is in the lane before it/,
    );
    // the parked car is the lead itself: the borrow goes ahead
    const g2 = { ego: { laneId: 'R0', lead: laneAgent('parked', { gapM: 30, speedMps: 0 }), follow: null } };
    expect(decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [parked] }, g2)).decision.path).toBe(
      'LEFT_BORROW',
    );
  });

  it('does not borrow past a car it saw drive up and stop in the lane: it waits behind it, however long it stands', () => {
    // (CARLA StoryAddEntityAction: the lead drove 10 m at 5 m/s and stopped dead in the lane's
    // middle; 4 s later the ego swung out and drove 5.5 m against the lane in nuPlan's 1 s window)
    const stopped = (movedM: number) =>
      view(
        { egoSpeedMps: PARAMS.borrowSpeedMps, objects: [obj('car', { sM: 20, standingS: 40, movedM })] },
        { ego: { laneId: 'R0', lead: laneAgent('car', { speedMps: 0, gapM: 20 }), follow: null } },
      );
    expect(decide(stopped(10)).decision).toEqual({
      path: 'FOLLOW_LANE',
      targetLaneId: null,
      reason: 'rule:follow — nothing calls for leaving the lane',
    });
    expect(decide(stopped(10)).memory.borrow).toBeNull();
    // the same car first seen standing there is passed, as before
    expect(decide(stopped(0)).decision.path).toBe('LEFT_BORROW');
  });

  it('ends a borrow whose blocker drives off before the ego is alongside: it is traffic, followed in the lane', () => {
    // (CARLA InitAddEntityAction: a car waiting for the ego to come within 20 m, then driving on at
    // 5 m/s, was followed for 20 s in the oncoming lane)
    const mem = { borrow: { blockerId: 'car', side: 'LEFT' as const, laneId: 'O0', offsetM: null } };
    const standing = obj('car', { sM: 20, dM: 0.2, standingS: 10 });
    expect(decide(view({ egoDM: 1, objects: [standing] }), mem).decision.path).toBe('LEFT_BORROW');
    const moving = obj('car', { sM: 20, dM: 0.2, speedMps: 3, alongMps: 3, standingS: 0 });
    const r = decide(view({ egoDM: 1, objects: [moving] }), mem);
    expect(r.decision).toMatchObject({ path: 'FOLLOW_LANE' });
    expect(r.decision.reason).toMatch(/^rule:borrow-abort — car moves off/);
    expect(r.memory.borrow).toBeNull();
    // alongside it already: the pass goes on
    const beside = obj('car', { sM: -2, dM: 0.2, speedMps: 3, alongMps: 3, standingS: 0 });
    expect(decide(view({ egoDM: 3.5, objects: [beside] }), mem).decision.path).toBe('LEFT_BORROW');
  });

  it('does not start a borrow whose swing back would come within borrowJunctionM of the next junction', () => {
    // the pass ends at the truck's far end + the ego's length + the return margin
    const v0 = view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [truck] });
    const passEndM = truck.sM + truck.lengthM + v0.egoLengthM + PARAMS.borrowReturnM;
    const at = (distanceM: number) =>
      decide(
        view(
          { egoSpeedMps: PARAMS.borrowSpeedMps, objects: [truck] },
          { nextJunction: { junctionId: 'j', distanceM } },
        ),
      );
    const near = at(passEndM + PARAMS.borrowJunctionM - 1);
    expect(near.decision.path).toBe('FOLLOW_LANE');
    expect(near.decision.reason).toMatch(/^rule:borrow-wait — truck blocks the lane; the pass ends/);
    expect(at(passEndM + PARAMS.borrowJunctionM + 1).decision.path).toBe('LEFT_BORROW');
    // a nudge keeps the centre in its own lane: no junction limit
    const shoulder = obj('truck', { kind: 'static', sM: 25, lengthM: 10, widthM: 2.6, dM: -1.3 });
    expect(
      decide(view({ objects: [shoulder] }, { nextJunction: { junctionId: 'j', distanceM: 40 } })).decision
        .path,
    ).toBe('LEFT_BORROW');
  });

  it('changes lanes where the route asks, into an accepted gap', () => {
    const g = {
      left: { laneId: 'L1', changeAllowed: true, opposite: false },
      successors: [{ laneId: 'L1', relation: 'left' as const, startM: -10, lengthM: 100 }],
      leftSlot: { laneId: 'L1', lead: laneAgent('a', { gapM: 40 }), follow: laneAgent('b', { gapM: 30 }) },
    };
    expect(decide(view({}, g)).decision).toMatchObject({ path: 'LEFT_CHANGE', targetLaneId: 'L1' });
  });

  it('waits for a gap when the target-lane follower is too close and faster', () => {
    const g = {
      left: { laneId: 'L1', changeAllowed: true, opposite: false },
      successors: [{ laneId: 'L1', relation: 'left' as const, startM: -10, lengthM: 100 }],
      leftSlot: { laneId: 'L1', lead: null, follow: laneAgent('b', { gapM: 4, relSpeedMps: 3 }) },
    };
    const r = decide(view({}, g));
    expect(r.decision.path).toBe('FOLLOW_LANE');
    expect(r.decision.reason).toMatch(/^rule:route-change-wait/);
  });

  describe("the route's lane change (an acceleration lane ACC into L1)", () => {
    // a stream at 14 m/s in L1, 30 m apart: C ahead, A alongside, B behind
    const stream = [
      obj('C', { sM: 30, dM: 3.5, speedMps: 14, alongMps: 14, changeLane: { aheadM: 32, alongMps: 14 } }),
      obj('A', { sM: 0, dM: 3.5, speedMps: 14, alongMps: 14, changeLane: { aheadM: 2, alongMps: 14 } }),
      obj('B', { sM: -30, dM: 3.5, speedMps: 14, alongMps: 14, changeLane: { aheadM: -28, alongMps: 14 } }),
    ];
    const change = (startM: number) => ({
      laneId: 'L1',
      fromLaneId: 'ACC',
      side: 'LEFT' as const,
      startM,
      endM: startM + 120,
      fromContinues: false,
    });
    const inAcc = (over: Record<string, unknown> = {}) => ({
      egoLane: {
        laneId: 'ACC',
        sM: 20,
        dM: 0,
        headingErrRad: 0,
        type: 'driving',
        speedLimitMps: 27,
        onRoute: true,
      },
      left: { laneId: 'L1', changeAllowed: true, opposite: false },
      ...over,
    });

    it('announces the change ahead and commits to the gap behind the car alongside (the merging car yields)', () => {
      const r = decide(view({ egoSpeedMps: 14, objects: stream, routeChange: change(100) }));
      expect(r.decision.path).toBe('FOLLOW_LANE');
      expect(r.decision.reason).toMatch(/^rule:route-change-ahead/);
      expect(r.decision.merge).toMatchObject({ leadId: 'A', followId: 'B' });
      expect(r.memory.merge).toEqual({ leadId: 'A', followId: 'B' });
    });

    it('keeps the gap committed to while it is still there', () => {
      const mem: LateralMemory = { borrow: null, merge: { leadId: 'C', followId: 'A' } };
      const r = decide(view({ egoSpeedMps: 14, objects: stream, routeChange: change(100) }), mem);
      expect(r.decision.merge).toMatchObject({ leadId: 'C', followId: 'A' });
    });

    it('changes from the lane it leaves into an accepted gap, and goes on once moved over', () => {
      const gap = { laneId: 'L1', lead: laneAgent('A', { gapM: 12 }), follow: laneAgent('B', { gapM: 12 }) };
      const r = decide(view({ egoSpeedMps: 10, routeChange: change(-20) }, inAcc({ leftSlot: gap })));
      expect(r.decision).toMatchObject({ path: 'LEFT_CHANGE', targetLaneId: 'L1' });
      expect(r.memory.change).toEqual({ laneId: 'L1' });
      // half-way over, the follower now close: the change goes on rather than turning back
      const closing = { ...gap, follow: laneAgent('B', { gapM: 3, relSpeedMps: 2 }) };
      const egoLane = { ...inAcc().egoLane, dM: 1.2 };
      const on = decide(view({ routeChange: change(-20) }, inAcc({ leftSlot: closing, egoLane })), r.memory);
      expect(on.decision.path).toBe('LEFT_CHANGE');
      expect(on.decision.reason).toMatch(/under way/);
    });

    it('waits in the lane it leaves while the gap is short', () => {
      const short = { laneId: 'L1', lead: laneAgent('A', { gapM: 3 }), follow: laneAgent('B', { gapM: 20 }) };
      const r = decide(view({ routeChange: change(-20) }, inAcc({ leftSlot: short })));
      expect(r.decision.path).toBe('FOLLOW_LANE');
      expect(r.decision.reason).toMatch(/^rule:route-change-wait/);
      expect(r.memory.change).toBeNull();
    });

    it('does not change before the lane it leaves has begun', () => {
      const gap = { laneId: 'L1', lead: null, follow: null };
      const r = decide(
        view(
          { routeChange: change(30) },
          { left: { laneId: 'L1', changeAllowed: true, opposite: false }, leftSlot: gap },
        ),
      );
      expect(r.decision.path).toBe('FOLLOW_LANE');
    });
  });
});

describe('lateral agent: a vehicle of unknown speed (first seen)', () => {
  it('waits behind the truck while a car of unknown speed is in the oncoming lane (it may be coming on); measured standing 100 m off, it borrows', () => {
    const far = { sM: 100, dM: 3.5 };
    const unknown = decide(
      view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [truck, obj('c', { ...far, speedKnown: false })] }),
    );
    expect(unknown.decision.path).toBe('FOLLOW_LANE');
    expect(
      decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, objects: [truck, obj('c', far)] })).decision.path,
    ).toBe('LEFT_BORROW');
  });

  it('takes no gap beside a follower of unknown speed in the neighbour lane', () => {
    const left = { laneId: 'L1', changeAllowed: true, opposite: false };
    const slot = (speedKnown?: boolean) => ({
      laneId: 'L1',
      lead: null,
      follow: laneAgent('f', {
        gapM: 20,
        speedMps: 0,
        relSpeedMps: -10,
        ...(speedKnown === false ? { speedKnown } : {}),
      }),
    });
    expect(decide(view({ objects: [truck] }, { left, leftSlot: slot(false) })).decision.path).not.toBe(
      'LEFT_CHANGE',
    );
    expect(decide(view({ objects: [truck] }, { left, leftSlot: slot() })).decision.path).toBe('LEFT_CHANGE');
  });
});
