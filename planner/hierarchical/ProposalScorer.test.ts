import { describe, expect, it } from 'vitest';
import { RoadMapSchema, type Trajectory, VehicleParamsSchema, type WorldSnapshot } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { oneLane, straightLane } from '../../core/map/testFixtures.ts';
import { plannerContext } from '../../core/planning/testFixtures.ts';
import { ego, snapshotOf } from '../../core/testFixtures.ts';
import { ProposalScorer } from './ProposalScorer.ts';
import { emptyAccelHistory, recordAccel } from './RunComfort.ts';

const vehicle = VehicleParamsSchema.parse({});
/** One straight eastbound lane, 3 m wide (edges at y = ±1.5), 300 m. */
const map = new RoadMap(oneLane('one-lane', 'L0', 300, 3, 15));
const ctx = plannerContext(map, ['L0'], vehicle);

/** 4 s east at 5 m/s with the rear axle at lateral offset y (rear-axle poses, 0.1 s apart). */
function straight(y: number): Trajectory {
  return {
    points: Array.from({ length: 41 }, (_, i) => ({
      tS: i * 0.1,
      x: 20 + 5 * i * 0.1,
      y,
      headingRad: 0,
      speedMps: 5,
    })),
  };
}

/**
 * 4 s east at 5 m/s, the rear axle moving from lateral offset `fromY` to `toY` over the first 2 s
 * (a smoothstep), then straight on.
 */
function leaving(fromY: number, toY: number): Trajectory {
  const yAt = (t: number): number => {
    const u = Math.min(1, t / 2);
    return fromY + (toY - fromY) * u * u * (3 - 2 * u);
  };
  return {
    points: Array.from({ length: 41 }, (_, i) => {
      const t = i * 0.1;
      const dy = (yAt(t + 0.05) - yAt(t - 0.05)) / 0.1;
      return { tS: t, x: 20 + 5 * t, y: yAt(t), headingRad: Math.atan2(dy, 5), speedMps: 5 };
    }),
  };
}

/** 4 s east at 0.4 m/s at lateral offset y (1.6 m of travel). */
function crawling(y: number): Trajectory {
  return {
    points: Array.from({ length: 41 }, (_, i) => ({
      tS: i * 0.1,
      x: 20 + 0.4 * i * 0.1,
      y,
      headingRad: 0,
      speedMps: 0.4,
    })),
  };
}

describe('reflection scorer', () => {
  it("judges the drivable area with nuPlan's 0.3 m tolerance, not PDM's none", () => {
    const hw = vehicle.widthM / 2;
    const snap = snapshotOf(ego(0, 20, 0, 5), ['L0']);
    const scorer = new ProposalScorer(ctx, 3);
    // right corners 0.1 m beyond the lane edge (in no lane quad: PDM's scorer alone would say off
    // the road), 0.5 m beyond, and inside
    const [near, far, inside] = scorer.score(
      snap,
      vehicle,
      [straight(-1.5 + hw - 0.1), straight(-1.5 + hw - 0.5), straight(0)],
      [false, false, false],
    );
    expect(inside!.drivableArea).toBe(1);
    expect(near!.drivableArea).toBe(1);
    expect(near!.score).toBeGreaterThan(0);
    expect(far!.drivableArea).toBe(0);
    expect(far!.score).toBe(0);
  });
});

describe('reflection scorer: driving direction as the run judges it', () => {
  // the route's lane R (east along y = 0) and, beside it but not its declared neighbour, lane S
  // (east along y = 4) and lane W (west along y = −4): travel in S is off the route but with its
  // lane; travel in W is against it
  const threeLanes = new RoadMap(
    RoadMapSchema.parse({
      id: 'three-lanes',
      lanes: [
        straightLane('R', { x: 0, y: 0 }, { x: 300, y: 0 }, 15),
        straightLane('S', { x: 0, y: 4 }, { x: 300, y: 4 }, 15),
        straightLane('W', { x: 300, y: -4 }, { x: 0, y: -4 }, 15),
      ],
    }),
  );
  const c3 = plannerContext(threeLanes, ['R'], vehicle);
  const snapAt = (y: number): WorldSnapshot => snapshotOf(ego(0, 20, y, 5), ['R']);

  it('travel with a lane beside the route is not driving against traffic', () => {
    const scorer = new ProposalScorer(c3, 1);
    const [inS] = scorer.score(snapAt(4), vehicle, [straight(4)], [false]);
    expect(inS!.drivingDirection).toBe(1);
    expect(inS!.score).toBeGreaterThan(0);
  });

  it('driving out of the lane the ego stands against is not driving against traffic', () => {
    // the ego starts in W facing east (the wrong way) and steers into R within 2 s at 5 m/s: its
    // centre is in W for ≈ 4 m of travel, which every candidate that leaves pays; only one that
    // crawls where it is stays under PDM's 2 m
    const scorer = new ProposalScorer(c3, 2);
    const [out, crawl] = scorer.score(snapAt(-4), vehicle, [leaving(-4, 0), crawling(-4)], [false, false]);
    expect(out!.drivingDirection).toBe(1);
    expect(crawl!.drivingDirection).toBe(1);
    expect(out!.score).toBeGreaterThan(crawl!.score);
  });

  it('travel against the lane it is in still is', () => {
    const scorer = new ProposalScorer(c3, 1);
    const [inW] = scorer.score(snapAt(-4), vehicle, [straight(-4)], [false]);
    expect(inW!.drivingDirection).toBe(0);
    expect(inW!.score).toBe(0);
  });
});

/**
 * 4 s east from 10 m/s, the acceleration commanded `cmd(t)` through nuPlan's 0.2 s actuator lag
 * (rear-axle poses 0.1 s apart, the present one first).
 */
function braking(cmd: (tS: number) => number): Trajectory {
  let v = 10;
  let a = 0;
  let x = 20;
  const points = [{ tS: 0, x, y: 0, headingRad: 0, speedMps: v }];
  for (let i = 1; i < 41; i++) {
    a += (0.1 / 0.3) * (cmd((i - 1) * 0.1) - a);
    x += v * 0.1;
    v = Math.max(0, v + a * 0.1);
    points.push({ tS: i * 0.1, x, y: 0, headingRad: 0, speedMps: v });
  }
  return { points };
}

describe('reflection scorer: the proposal’s comfort as the run judges it', () => {
  // braking at 3 m/s² for 1.5 s: as a step (the rules' IDM braking; the run's filter reads −5.5 m/s³
  // at t = 0), or built up at 3 m/s³ (the comfortable stop's onset; −2.5), then released
  const step = braking((t) => (t < 1.5 ? -3 : 0));
  const ramp = braking((t) => (t < 1.5 ? -Math.min(3, 3 * t) : 0));

  it('at the run’s first tick a braking step PDM passes fails, while the same braking built up passes', () => {
    const snap = snapshotOf(ego(0, 20, 0, 10), ['L0']);
    const scorer = new ProposalScorer(ctx, 2);
    const [pdmStep, pdmRamp] = scorer.score(snap, vehicle, [step, ramp], [false, false]);
    expect([pdmStep!.comfort, pdmRamp!.comfort]).toEqual([1, 1]);
    const [runStep, runRamp] = scorer.score(
      snap,
      vehicle,
      [step, ramp],
      [false, false],
      undefined,
      emptyAccelHistory(),
    );
    expect([runStep!.comfort, runRamp!.comfort]).toEqual([0, 1]);
    expect(runRamp!.score).toBeGreaterThan(runStep!.score);
  });

  it('inside the run, after steady driving, the same step passes', () => {
    const snap = { ...snapshotOf(ego(0, 20, 0, 10), ['L0']), tS: 3 };
    const past = emptyAccelHistory();
    for (let i = 22; i >= 1; i--) recordAccel(past, 3 - i * 0.1, 0);
    const scorer = new ProposalScorer(ctx, 2);
    const [runStep] = scorer.score(snap, vehicle, [step, ramp], [false, false], undefined, past);
    expect(runStep!.comfort).toBe(1);
  });

  it('where no candidate keeps the run’s comfort, PDM’s check alone stands', () => {
    const snap = snapshotOf(ego(0, 20, 0, 10), ['L0']);
    const hardStep = braking((t) => (t < 0.6 ? -3.5 : 0));
    const scorer = new ProposalScorer(ctx, 2);
    const [a, b] = scorer.score(
      snap,
      vehicle,
      [step, hardStep],
      [false, false],
      undefined,
      emptyAccelHistory(),
    );
    expect([a!.comfort, b!.comfort]).toEqual([1, 1]);
  });
});
