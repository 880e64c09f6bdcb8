import { describe, expect, it } from 'vitest';
import { decideLateral, LATERAL_MEMORY_INITIAL } from './LateralAgent.ts';
import { analyseScene } from './SceneAnalyst.ts';
import { laneAgent, obj, PARAMS, view } from './testing/views.ts';

const decide = (v: ReturnType<typeof view>, mem = LATERAL_MEMORY_INITIAL) =>
  decideLateral(v, analyseScene(v, PARAMS), mem, PARAMS);
const truck = obj('truck', { kind: 'static', sM: 25, lengthM: 10, widthM: 2.6, dM: 0.3 });

describe('lateral agent (rules)', () => {
  it('follows the lane when nothing calls for leaving it', () => {
    expect(decide(view()).decision).toMatchObject({ path: 'FOLLOW_LANE', targetLaneId: null });
  });

  it('borrows the oncoming lane past a parked truck when the oncoming lane is clear', () => {
    const r = decide(view({ objects: [truck] }));
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
    expect(decide(view({ objects: [truck] })).decision.offsetM).toBeNull();
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
});
