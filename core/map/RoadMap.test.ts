import { describe, expect, it } from 'vitest';
import { highwayMerge, intersection, road } from '../../scenarios/builtin/maps.ts';
import { RoadMap } from './RoadMap.ts';
import { RoutePath } from './RoutePath.ts';

describe('RoadMap', () => {
  const map = new RoadMap(road({ lanes: 2, oncoming: true, shoulder: true, lengthM: 200 }));

  it('locates a pose on the lane whose direction matches', () => {
    expect(map.locate(50, 0.3, 0)?.laneId).toBe('R0');
    expect(map.locate(50, 3.6, 0)?.laneId).toBe('R1');
    const onc = map.locate(50, 7, Math.PI);
    expect(onc?.laneId).toBe('O0');
    expect(onc?.sM).toBeCloseTo(150, 6);
  });

  it('knows the drivable area: lanes and shoulder yes, beyond the curb no', () => {
    expect(map.isDrivable(50, 0)).toBe(true);
    expect(map.isDrivable(50, -2.5)).toBe(true); // shoulder
    expect(map.isDrivable(50, -4.3)).toBe(false);
    // By hand: R0 is centred on y = 0, 3.5 m wide (right edge y = -1.75); the 2.5 m shoulder is
    // centred 1.75 + 1.25 = 3 m right of it, so it spans y = -4.25 … -1.75. From y = -4.5 the
    // nearest drivable point is the shoulder's outer edge, 0.25 m away.
    expect(map.distanceToDrivable(50, -4.5)).toBeCloseTo(0.25, 9);
    expect(map.distanceToDrivable(50, -5.25)).toBeCloseTo(1, 9);
  });

  it('builds a lane area from per-point widths and rejects widths that do not match the points', () => {
    const base = road({ lanes: 1, lengthM: 100 });
    const l0 = base.lanes[0]!;
    const n = l0.centerline.length;
    // Width growing linearly from 1 m at the start to 3 m at the end (a taper), by point x.
    const x0 = l0.centerline[0]!.x;
    const x1 = l0.centerline[n - 1]!.x;
    const widthsM = l0.centerline.map((p) => 1 + (2 * (p.x - x0)) / (x1 - x0));
    const taper = RoadMap.fromData({ ...base, lanes: [{ ...l0, widthsM }] });
    if (!taper.ok) throw new Error(taper.error.message);
    const y = l0.centerline[0]!.y;
    expect(taper.value.laneWidthAt(l0.id, 50)).toBeCloseTo(2, 9);
    expect(taper.value.isDrivable(x0 + 90, y + 1.3)).toBe(true); // 1.45 m half width there
    expect(taper.value.isDrivable(x0 + 10, y + 1.3)).toBe(false); // 0.6 m half width there
    const bad = RoadMap.fromData({ ...base, lanes: [{ ...l0, widthsM: [3] }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.path).toBe('map:lanes.0.widthsM');
  });

  it('rejects a map whose lane refers to a missing lane, naming the lane', () => {
    const data = road({ lanes: 1 });
    const bad = { ...data, lanes: [{ ...data.lanes[0]!, successors: ['nowhere'] }] };
    const r = RoadMap.fromData(bad, 'm.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('unknown lane nowhere');
  });

  it('rejects a lane whose points lie within 1e-6 m of each other (one point to a Polyline), naming the field', () => {
    const data = road({ lanes: 1 });
    const r = RoadMap.fromData(
      {
        ...data,
        lanes: [
          {
            ...data.lanes[0]!,
            centerline: [
              { x: 60, y: 0 },
              { x: 60 + 5e-7, y: 0 },
            ],
          },
        ],
      },
      'm.json',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe('m.json:lanes.0.centerline');
  });

  it('rejects a lane with one point, naming the field', () => {
    const data = road({ lanes: 1 });
    const r = RoadMap.fromData(
      { ...data, lanes: [{ ...data.lanes[0]!, centerline: [{ x: 0, y: 0 }] }] },
      'm.json',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe('m.json:lanes.0.centerline');
  });
});

describe('routing', () => {
  it('finds the shortest route through a junction connector', () => {
    const map = new RoadMap(intersection());
    const r = map.route('IN3', 'OUT2');
    expect(r.ok && r.value).toEqual(['IN3', 'C32', 'OUT2']);
  });

  it('uses permitted lane changes and never oncoming lanes', () => {
    const map = new RoadMap(road({ lanes: 2, oncoming: true, dashedCentre: true }));
    const r = map.route('R0', 'R1');
    expect(r.ok && r.value).toEqual(['R0', 'R1']);
    const o = map.route('R1', 'O0');
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error.code).toBe('NO_ROUTE');
  });

  it('routes a merge: ramp, acceleration lane, then a lane change onto the highway', () => {
    const map = new RoadMap(highwayMerge());
    const r = map.route('RAMP', 'R0');
    expect(r.ok && r.value).toEqual(['RAMP', 'ACC', 'R0']);
  });

  it('builds a continuous reference path through a lane change', () => {
    const map = new RoadMap(road({ lanes: 2, lengthM: 200 }));
    const path = RoutePath.build(map, ['R0', 'R1'], 10);
    // Starts on R0, ends on R1, never jumps more than the sampling step.
    expect(path.line.poseAt(0).y).toBeCloseTo(0, 6);
    expect(path.line.poseAt(path.line.length).y).toBeCloseTo(3.5, 6);
    for (let i = 1; i < path.line.size; i++) expect(path.line.s[i]! - path.line.s[i - 1]!).toBeLessThan(1.5);
    expect(path.pieceAt(0).laneId).toBe('R0');
    expect(path.pieceAt(path.line.length - 1).laneId).toBe('R1');
  });
});
