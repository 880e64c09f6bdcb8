import { describe, expect, it } from 'vitest';
import type { RoadMark } from '../schemas.ts';
import { RoadMap } from './RoadMap.ts';
import { crossableStretches, earliestCrossing } from './RoadMarks.ts';
import { RoutePath } from './RoutePath.ts';
import { broken, brokenFor, twoThreeLaneRoads } from './testFixtures.ts';

const twoRoads = (o: Parameters<typeof twoThreeLaneRoads>[0]) => new RoadMap(twoThreeLaneRoads(o));

describe('crossable stretches of a marking', () => {
  it('reads a line broken for 35 m then solid as one stretch [0, 35]; one broken to the end runs on', () => {
    const map = twoRoads({ v: 25, b23: brokenFor(35) });
    expect(crossableStretches(map.mustLane('B2').data, 'right', 100)).toEqual([{ fromM: 0, toM: 35 }]);
    expect(crossableStretches(map.mustLane('B1').data, 'right', 100)).toEqual([
      { fromM: 0, toM: Number.POSITIVE_INFINITY },
    ]);
    expect(crossableStretches(map.mustLane('B3').data, 'right', 100)).toEqual([]);
  });

  it('places a crossing at the first stretch with room after where the ego is', () => {
    const w = [
      { fromM: 0, toM: 35 },
      { fromM: 60, toM: Number.POSITIVE_INFINITY },
    ];
    expect(earliestCrossing(w, 0, 20)).toBe(0);
    expect(earliestCrossing(w, 10, 20)).toBe(10);
    expect(earliestCrossing(w, 20, 20)).toBe(60);
    expect(earliestCrossing([{ fromM: 0, toM: 35 }], 20, 20)).toBeUndefined();
  });
});

describe('RoadMap.planRoute: lane changes where the marking lets them cross', () => {
  it('makes two right changes on the road before, where the next road allows the second only for 35 m', () => {
    // at 25 m/s a change needs 40 m of line: the 35 m on B cannot take the second change
    const map = twoRoads({ v: 25, b23: brokenFor(35) });
    const r = map.planRoute('A1', 'B3');
    expect(r.ok && r.value).toMatchObject({ laneIds: ['A1', 'A2', 'A3', 'B3'], placement: 'marked' });
    // the lanes alone (as before markings were read) would allow the changes anywhere: the earliest
    // is the same route, and route() gives it
    expect(map.route('A1', 'B3')).toEqual({ ok: true, value: ['A1', 'A2', 'A3', 'B3'] });
  });

  it('lets the second of two changes on one road begin only once the first is done', () => {
    // from B1 both changes are on B: the first ends 40 m in, past the 35 m of broken line
    const fast = twoRoads({ v: 25, b23: brokenFor(35) });
    const r = fast.planRoute('B1', 'B3');
    // with the least room (12 m each: 0–12, 12–24) they fit: the ego must slow for them
    expect(r.ok && r.value).toMatchObject({ laneIds: ['B1', 'B2', 'B3'], placement: 'slow' });
    // at 6 m/s a change needs 12 m: both fit at the limit
    const slow = twoRoads({ v: 6, b23: brokenFor(35) });
    expect(slow.planRoute('B1', 'B3')).toMatchObject({ ok: true, value: { placement: 'marked' } });
    // where the ego starts 30 m into B1, not even that
    const late = fast.planRoute('B1', 'B3', 30);
    expect(late.ok && late.value).toMatchObject({ laneIds: ['B1', 'B2', 'B3'], placement: 'unplaced' });
  });

  it('keeps the route of the lanes (placement unplaced) where no marking lets the change be made', () => {
    const map = twoRoads({ v: 25, b23: brokenFor(20) });
    const r = map.planRoute('B1', 'B3');
    expect(r.ok && r.value).toMatchObject({ laneIds: ['B1', 'B2', 'B3'], placement: 'unplaced' });
  });

  it('changes across a line that turns broken after a solid start (the lane says no change: its first mark)', () => {
    const map = twoRoads({
      v: 10,
      b23: broken,
      a23: [
        { sM: 0, type: 'solid', color: 'white' },
        { sM: 60, type: 'broken', color: 'white' },
      ],
    });
    expect(map.mustLane('A2').data.right?.changeAllowed).toBe(false);
    // cheapest: change on A after 60 m rather than on B (both cost the same; A is earlier)
    const r = map.planRoute('A2', 'B3');
    expect(r.ok && r.value).toMatchObject({ laneIds: ['A2', 'A3', 'B3'], placement: 'marked' });
    expect(r.ok && r.value.exitEntryM).toBe(0);
  });

  it('of equal routes, does not squeeze a change into the last metres of a lane when the next lane has room', () => {
    // A's line between lanes 2 and 3 solid to 130 m, then broken for the last 20 m; B's broken all along
    const a23: RoadMark[] = [
      { sM: 0, type: 'solid', color: 'white' },
      { sM: 130, type: 'broken', color: 'white' },
    ];
    // at 25 m/s a change needs 40 m: the 20 m on A fall 20 m short, so it is made on B
    const fast = twoRoads({ v: 25, b23: broken, a23 });
    expect(fast.planRoute('A2', 'B3')).toMatchObject({ ok: true, value: { laneIds: ['A2', 'B2', 'B3'] } });
    // at 5 m/s 12 m do: the earliest, on A
    const slow = twoRoads({ v: 5, b23: broken, a23 });
    expect(slow.planRoute('A2', 'B3')).toMatchObject({ ok: true, value: { laneIds: ['A2', 'A3', 'B3'] } });
  });

  it('says where the next change may begin on the last lane (the next leg starts there)', () => {
    const map = twoRoads({ v: 10, b23: broken });
    // one change from B1 at 20 m: 16 m of room at 10 m/s (1.6 s), done 36 m in
    const r = map.planRoute('B1', 'B2', 20);
    expect(r.ok && r.value.exitEntryM).toBeCloseTo(36, 6);
  });
});

describe('RoutePath: the drawn change lies inside the crossable stretch', () => {
  it('begins the change after a solid start, once the line is broken', () => {
    const map = twoRoads({
      v: 10,
      b23: broken,
      a23: [
        { sM: 0, type: 'solid', color: 'white' },
        { sM: 60, type: 'broken', color: 'white' },
      ],
    });
    const path = RoutePath.build(map, ['A2', 'A3', 'B3']);
    // on A2's centre (y = 3.5) up to 60 m and a little on; on A3 (y = 0) by 60 + 8 + 40 m
    for (let x = 0; x <= 60; x += 5) expect(path.line.poseAt(x).y).toBeCloseTo(3.5, 6);
    expect(path.line.poseAt(110).y).toBeCloseTo(0, 6);
  });

  it('ends the change where a line broken for 35 m turns solid', () => {
    const map = twoRoads({ v: 10, b23: brokenFor(35) });
    const path = RoutePath.build(map, ['B2', 'B3']);
    // 8 m in, over the 27 m left: in B3 (y = 0) at 35 m
    expect(path.line.poseAt(7).y).toBeCloseTo(3.5, 6);
    expect(path.line.poseAt(36).y).toBeCloseTo(0, 1);
    // where the line is broken all along, as before: 8 m in, over 40 m
    const plain = RoutePath.build(twoRoads({ v: 10, b23: broken }), ['B2', 'B3']);
    expect(plain.line.poseAt(36).y).toBeGreaterThan(0.5);
    expect(plain.line.poseAt(49).y).toBeCloseTo(0, 1);
  });
});

describe('RoutePath: changes made one after another share their road', () => {
  it('draws both of two changes in a row inside the 50 m lane, neither squeezed past its end', () => {
    // A1 → A2 → A3 on a 50 m road: the first change alone took up to 40 m of it (8 → 48 m), the
    // second was drawn over its last metres and on past the end, a kink in the path (CARLA Town06
    // route 45, 39_0_-5 → 39_0_-4 → 39_0_-3: a bend cap of 1 m/s for 45 s)
    const map = twoRoads({ aM: 50, v: 10, b23: broken });
    const path = RoutePath.build(map, ['A1', 'A2', 'A3', 'B3']);
    // in A3 (y = 0) by A's end, and no sharper than a change over its share of the road
    const end = path.line.project(50, 0);
    expect(Math.abs(end.dM)).toBeLessThan(0.05);
    for (let s = 0; s < end.sM + 10; s += 0.5)
      expect(Math.abs(path.line.headingAt(s)), `heading at ${s} m`).toBeLessThan(0.45);
  });

  it('a single change keeps the room it had', () => {
    const map = twoRoads({ aM: 50, v: 10, b23: broken });
    const path = RoutePath.build(map, ['A2', 'A3', 'B3']);
    // 8 m in, over the 40 m the lane allows (the change alone, as before)
    expect(path.line.poseAt(7).y).toBeCloseTo(3.5, 6);
    expect(path.line.poseAt(30).y).toBeGreaterThan(0.5);
  });
});
