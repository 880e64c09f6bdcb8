import { describe, expect, it } from 'vitest';
import { highwayMerge, intersection, road } from '../../scenarios/builtin/maps.ts';
import { angleDiff } from '../geometry.ts';
import { RoadMapSchema } from '../schemas.ts';
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

describe('RoadMap.locate: the bounds pre-check skips only lanes the full search rejects', () => {
  // a gentle S-bend of 400 points, a hairpin (a pose far off it projects with a small |d| on the
  // segment ending at the turn), a lane whose width tapers, and a 1.2 mm step back between two
  // points (the joined-lanes artefact), each with candidates and through the grid
  const pts = (f: (i: number) => { x: number; y: number }, n: number) =>
    Array.from({ length: n }, (_, i) => f(i));
  const lanes = [
    { id: 'S', centerline: pts((i) => ({ x: i, y: 20 * Math.sin(i / 60) }), 400), widthM: 3.5 },
    {
      id: 'H',
      centerline: [
        { x: 0, y: 60 },
        { x: 50, y: 60 },
        { x: 0, y: 63 },
      ],
      widthM: 3,
    },
    {
      id: 'T',
      centerline: pts((i) => ({ x: 100 + i, y: -40 }), 50),
      widthM: 3,
      widthsM: pts((i) => ({ x: 2 + i / 10, y: 0 }), 50).map((p) => p.x),
    },
    {
      id: 'B',
      centerline: [
        { x: 200, y: 80 },
        { x: 260, y: 80 },
        { x: 259.9988, y: 80 },
        { x: 320, y: 80 },
      ],
      widthM: 3.5,
    },
  ].map((l) => ({ speedLimitMps: 10, ...l }));
  const map = new RoadMap(RoadMapSchema.parse({ id: 'pre', lanes }));

  /** `locate`'s search over every given lane without the pre-check (its cost, written out). */
  function reference(x: number, y: number, h: number, maxD: number, ids: string[]) {
    let best: { laneId: string; sM: number; dM: number } | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const id of ids) {
      const l = map.mustLane(id);
      const f = l.line.project(x, y);
      const sC = Math.min(Math.max(f.sM, 0), l.line.length);
      const outside = Math.max(0, -f.sM, f.sM - l.line.length);
      const half = map.laneWidthAt(id, sC)! / 2;
      if (Math.abs(f.dM) > maxD + half || outside > maxD) continue;
      const cost =
        Math.max(0, Math.abs(f.dM) - half) +
        outside +
        4 * Math.abs(angleDiff(h, l.line.headingAt(sC))) +
        0.01 * Math.abs(f.dM);
      if (cost < bestCost) {
        bestCost = cost;
        best = { laneId: id, sM: f.sM, dM: f.dM };
      }
    }
    return best;
  }

  it('gives the full search’s lane and place, to the bit, on 20 000 poses', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const ids = lanes.map((l) => l.id);
    let found = 0;
    for (let k = 0; k < 20000; k++) {
      const x = -100 + 550 * rnd();
      const y = -120 + 260 * rnd();
      const h = 2 * Math.PI * rnd() - Math.PI;
      const maxD = [0.3, 5, 40][k % 3]!;
      const got = map.locate(x, y, h, maxD, ids);
      const want = reference(x, y, h, maxD, ids);
      expect(got && { laneId: got.laneId, sM: got.sM, dM: got.dM }).toEqual(want);
      if (want) found++;
    }
    // poses far off every lane (the pre-check's skips) and poses that find one
    expect(found).toBeGreaterThan(2000);
    expect(found).toBeLessThan(18000);
  });

  it('finds the hairpin lane for a pose far beyond its turn, as the full search does', () => {
    // (x = 90, y = 61.2): 40 m past the turn at (50, 60), |d| small on the segment ending there
    const want = reference(90, 61.2, 0, 5, ['H']);
    expect(want?.laneId).toBe('H');
    expect(map.locate(90, 61.2, 0, 5, ['H'])?.laneId).toBe('H');
  });
});
