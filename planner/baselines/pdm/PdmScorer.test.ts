/**
 * PdmScorer's terms one at a time, on hand-made simulated proposals: progress (normalised by the
 * best multiplied progress, the 0.1 m floor), TTC (1 s projections at 0 / 0.3 / 0.6 / 0.9 s),
 * comfort (nuPlan's bounds after Savitzky-Golay filtering), driving direction (2 m / 6 m of
 * oncoming-lane travel) and the weighting score = multipliers · (5·progress + 5·TTC + 2·comfort)/12
 * (tuplan_garage pdm_scorer.py).
 */
import { describe, expect, it } from 'vitest';
import {
  type AgentState,
  RoadMapSchema,
  VehicleParamsSchema,
  type WorldSnapshot,
} from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/index.ts';
import { PdmClosedParamsSchema } from '../PdmClosed.ts';
import { LaneAreaIndex } from './LaneAreaIndex.ts';
import { PdmObservation } from './PdmObservation.ts';
import { PdmPath } from './PdmPath.ts';
import { PdmScorer, type SimulatedProposals } from './PdmScorer.ts';

const vehicle = VehicleParamsSchema.parse({});
const params = PdmClosedParamsSchema.parse({});
const STEPS = 41;
const DT = 0.1;

/** E0 eastbound at y = 0, W0 westbound at y = 3.5 (opposite neighbours), 400 m. */
const map = new RoadMap(
  RoadMapSchema.parse({
    id: 'two-way',
    lanes: [
      {
        id: 'E0',
        centerline: [
          { x: 0, y: 0 },
          { x: 400, y: 0 },
        ],
        widthM: 3.5,
        speedLimitMps: 15,
        left: { laneId: 'W0', changeAllowed: true, opposite: true },
      },
      {
        id: 'W0',
        centerline: [
          { x: 400, y: 3.5 },
          { x: 0, y: 3.5 },
        ],
        widthM: 3.5,
        speedLimitMps: 15,
        left: { laneId: 'E0', changeAllowed: true, opposite: true },
      },
    ],
  }),
);
const areas = new LaneAreaIndex(map);
const onRoute = new Uint8Array(areas.polygonCount);
onRoute[map.lane('E0')!.index] = 1;
const centerline = PdmPath.fromPolyline(map.lane('E0')!.line);

interface Motion {
  /** Speed per step, m/s (constant if a number). */
  speed: number | ((t: number) => number);
  /** Lateral position per step, m. */
  y?: (t: number) => number;
  /** Heading per step, rad (0: along +x). Positions still advance along +x. */
  h?: (t: number) => number;
  x0?: number;
}

/** Proposals driving along +x with the given speed and lateral profiles; accel from the speeds. */
function proposals(motions: Motion[]): SimulatedProposals {
  const n = motions.length * STEPS;
  const sim: SimulatedProposals = {
    count: motions.length,
    steps: STEPS,
    dtS: DT,
    x: new Float64Array(n),
    y: new Float64Array(n),
    heading: new Float64Array(n),
    speed: new Float64Array(n),
    accel: new Float64Array(n),
  };
  motions.forEach((m, i) => {
    const v = typeof m.speed === 'number' ? () => m.speed as number : m.speed;
    const y = m.y ?? (() => 0);
    let x = m.x0 ?? 50;
    for (let t = 0; t < STEPS; t++) {
      const k = i * STEPS + t;
      sim.x[k] = x;
      sim.y[k] = y(t);
      sim.heading[k] = m.h ? m.h(t) : 0;
      sim.speed[k] = v(t);
      sim.accel[k] = t + 1 < STEPS ? (v(t + 1) - v(t)) / DT : sim.accel[k - 1]!;
      x += v(t) * DT;
    }
  });
  return sim;
}

function observe(agents: AgentState[]): PdmObservation {
  const obs = new PdmObservation();
  const snap: WorldSnapshot = {
    tS: 0,
    // PDM keeps objects within 50 m of this ego's centre (x 81.5): x 31.5 … 131.5 here.
    ego: { tS: 0, x: 80, y: 0, headingRad: 0, speedMps: 10, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
    agents,
    lights: [],
    route: { laneIds: ['E0'] },
  };
  const lanes = new Map(map.lanes.map((l) => [l.data.id, l.index]));
  obs.update(
    snap,
    vehicle,
    { radiusM: 50, maxVehicles: 50, maxPedestrians: 25, maxBicycles: 10, maxStatic: 50, sampleDtS: 0.2 },
    new Set(),
    new Uint8Array(map.lanes.length),
    lanes,
    areas,
  );
  return obs;
}

function score(sim: SimulatedProposals, agents: AgentState[] = []): PdmScorer {
  const scorer = new PdmScorer(sim.count, STEPS, DT, params);
  scorer.scoreAll(sim, {
    obs: observe(agents),
    areas,
    onRoute,
    junctions: [],
    centerline,
    fromS: 0,
    toS: 400,
    vehicle,
  });
  return scorer;
}

const car = (id: string, x: number, y: number, speedMps = 0): AgentState => ({
  id,
  kind: 'vehicle',
  x,
  y,
  headingRad: 0,
  speedMps,
  lengthM: 4.8,
  widthM: 1.9,
});

describe('PdmScorer progress', () => {
  it('is the centre-point progress along the centreline, normalised by the best proposal', () => {
    const s = score(proposals([{ speed: 10 }, { speed: 5 }, { speed: 2.5 }]));
    // 40 steps of 0.1 s: 40 m, 20 m, 10 m.
    expect([...s.progressRaw].map((v) => +v.toFixed(9))).toEqual([40, 20, 10]);
    expect([...s.progress]).toEqual([1, 0.5, 0.25]);
  });

  it('ignores proposals with a zero multiplier when normalising', () => {
    // The fast one leaves the road to the right (drivable area 0): the 5 m/s one sets the scale.
    const s = score(proposals([{ speed: 10, y: (t) => -0.1 * t }, { speed: 5 }]));
    expect(s.drivableArea[0]).toBe(0);
    expect(s.progress[0]).toBe(0);
    expect(s.progress[1]).toBe(1);
  });

  it('gives every admissible proposal full progress when none makes 0.1 m', () => {
    const s = score(proposals([{ speed: 0 }, { speed: 0.02 }]));
    expect(s.progressRaw[1]).toBeCloseTo(0.08, 12);
    expect([...s.progress]).toEqual([1, 1]);
  });
});

describe('PdmScorer time to collision', () => {
  it('fails a proposal whose 1 s projection reaches a car ahead, and not one that stops short', () => {
    // Stopped car: rear at x = 110. Fast: front reaches 50 + 4.049 + 40 = 94.0 at 4 s, and its
    // projection at 0.9 s adds 9 m (103 m): clear. Faster: 15 m/s reaches 114 m → collision.
    const s = score(proposals([{ speed: 10 }, { speed: 15 }]), [car('stopped', 112.4, 0)]);
    expect(s.ttc[0]).toBe(1);
    expect(s.noCollision[1]).toBe(0.0);
    expect(s.ttc[1]).toBe(0);
  });

  it('counts an agent that only the projection reaches', () => {
    // 12 m/s for 4 s: front at 102.0; projected 0.9 s (10.8 m) to 112.8, past the rear at 110.
    const s = score(proposals([{ speed: 12 }]), [car('stopped', 112.4, 0)]);
    expect(s.noCollision[0]).toBe(1);
    expect(s.ttc[0]).toBe(0);
    expect(s.ttcStep[0]).toBeGreaterThan(30);
  });

  it('fails a car closing from behind (its future box is ahead of the current rear axle), not at fault', () => {
    // As the original: the projected ego box meets the car's future box, and the car's future
    // centre lies ahead of the ego's current rear axle, so is_agent_ahead holds.
    const s = score(proposals([{ speed: 10 }]), [car('behind', 42, 0, 15)]);
    expect(s.noCollision[0]).toBe(1); // the rear-end is ACTIVE_REAR: not the ego's fault
    expect(s.ttc[0]).toBe(0);
  });

  it('skips a stopped ego: a car driving into it is neither a TTC failure nor its fault', () => {
    const oncoming: AgentState = { ...car('wrong_way', 70, 0, 5), headingRad: Math.PI };
    const s = score(proposals([{ speed: 0 }]), [oncoming]);
    expect(s.ttc[0]).toBe(1);
    expect(s.noCollision[0]).toBe(1);
    // The same car against a moving ego fails TTC.
    expect(score(proposals([{ speed: 1 }]), [oncoming]).ttc[0]).toBe(0);
  });
});

describe('PdmScorer at-fault collisions', () => {
  it('takes a reversing proposal (negative speed) for a moving ego, as hypot(vx, vy) does', () => {
    // The batch bicycle lets an IDM proposal that brakes past 0 roll backwards. At −1 m/s the rear
    // bumper (x − 1.127) goes from 48.9 to 44.9 m and meets a parked car whose front is at 46.4 m:
    // pdm_scorer_utils.get_collision_type sees speed 1 m/s > 0.05 → STOPPED_TRACK, at fault (0);
    // reading the signed speed as "stopped" would excuse it.
    const s = score(proposals([{ speed: -1 }, { speed: 0 }]), [car('parked', 44, 0)]);
    expect(s.noCollision[0]).toBe(0);
    expect(s.collisionStep[0]).toBeGreaterThan(10);
    expect(s.noCollision[1]).toBe(1);
  });
});

describe('PdmScorer comfort', () => {
  it('passes a steady drive and a 1.5 m/s² acceleration', () => {
    const s = score(proposals([{ speed: 10 }, { speed: (t) => 5 + 1.5 * t * DT }]));
    expect([...s.comfort]).toEqual([1, 1]);
  });

  it('fails braking at 5 m/s² (bound −4.05), accelerating at 3 m/s² (bound 2.4), yawing at 1.2 rad/s (bound 0.95)', () => {
    const s = score(
      proposals([
        { speed: (t) => Math.max(0, 12 - 5 * t * DT) },
        { speed: (t) => 5 + 3 * t * DT },
        { speed: 5, h: (t) => 1.2 * t * DT },
      ]),
    );
    expect([...s.comfort]).toEqual([0, 0, 0]);
  });
});

describe('PdmScorer driving direction', () => {
  // Along the centre line at 10 m/s (1 m per step), the centre 0.15 m inside its own lane, with
  // `steps` steps 0.15 m over it, in the oncoming lane (entering adds hypot(1, 0.3) = 1.04 m).
  const overTheLine = (steps: number) => ({
    speed: 10,
    y: (t: number) => (t >= 10 && t < 10 + steps ? 1.9 : 1.6),
  });

  it('is 1 under 2 m, 0.5 under 6 m and 0 beyond, of travel with the centre in an oncoming lane', () => {
    const s = score(proposals([overTheLine(0), overTheLine(1), overTheLine(3), overTheLine(8)]));
    expect([...s.drivingDirection]).toEqual([1, 1, 0.5, 0]);
  });
});

describe('PdmScorer weighting', () => {
  const w = (p: number, ttc: number, comfort: number) => (5 * p + 5 * ttc + 2 * comfort) / 12;

  it('is multipliers × (5·progress + 5·TTC + 2·comfort) / 12', () => {
    // 0: clean at 10 m/s; 1: half its progress; 2: uncomfortable (3 m/s²); 3: rear-ends a car
    // (at-fault multiplier 0, so it neither scores nor sets the progress scale).
    const s = score(
      proposals([
        { speed: 10, x0: 100 },
        { speed: 5, x0: 100 },
        { speed: (t) => 5 + 3 * t * DT, x0: 100 },
        { speed: 10, x0: 60 },
      ]),
      [car('hit', 90, 0)],
    );
    expect([...s.noCollision]).toEqual([1, 1, 1, 0]);
    expect([...s.comfort]).toEqual([1, 1, 0, 1]);
    // Progress: 40 m, 20 m, 20 + 0.03·Σt = 43.4 m (the best); the collider is out of the scale.
    const best = 43.4;
    expect([...s.progress].map((v) => +v.toFixed(9))).toEqual([
      +(40 / best).toFixed(9),
      +(20 / best).toFixed(9),
      1,
      0,
    ]);
    expect(s.score[0]).toBeCloseTo(w(40 / best, 1, 1), 9);
    expect(s.score[1]).toBeCloseTo(w(20 / best, 1, 1), 9);
    expect(s.score[2]).toBeCloseTo(w(1, 1, 0), 9);
    expect(s.score[3]).toBe(0);
  });

  it('weights a TTC failure by 5/12 and a drivable-area failure to 0', () => {
    const ttc = score(proposals([{ speed: 12 }]), [car('stopped', 112.4, 0)]);
    expect(ttc.score[0]).toBeCloseTo(w(1, 0, 1), 12);
    const off = score(proposals([{ speed: 10, y: (t) => -0.1 * t }]));
    expect(off.drivableArea[0]).toBe(0);
    expect(off.score[0]).toBe(0);
  });

  it('hitting a static object halves the score (multiplier 0.5)', () => {
    const cone: AgentState = { ...car('cone', 85, 0), kind: 'static', lengthM: 0.5, widthM: 0.5 };
    const s = score(proposals([{ speed: 10 }]), [cone]);
    expect(s.noCollision[0]).toBe(0.5);
    expect(s.score[0]).toBeCloseTo(0.5 * w(1, s.ttc[0]!, s.comfort[0]!), 12);
  });
});
