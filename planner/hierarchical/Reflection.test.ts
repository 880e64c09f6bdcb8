import { describe, expect, it } from 'vitest';
import { type AgentState, type MidLevelCommand, VehicleParamsSchema } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { oneLane } from '../../core/map/testFixtures.ts';
import { plannerContext } from '../../core/planning/testFixtures.ts';
import { ego, snapshotOf } from '../../core/testFixtures.ts';
import { followersOf, ProposalScorer } from './ProposalScorer.ts';
import { alternativesOf, noFaster, REFLECTION_CANDIDATES, type RolloutFn, reflect } from './Reflection.ts';
import { straightRollout } from './testing/views.ts';

const base: MidLevelCommand = {
  speed: 'KEEP',
  path: 'LEFT_CHANGE',
  targetLaneId: 'L1',
  targetSpeedMps: 14,
  horizonS: 6,
  rationale: 'test',
  issuedAtS: 0,
  expiresAtS: 1,
  source: 'test',
};

describe('reflection alternatives', () => {
  it("a lane change's slower alternatives stay in the lane (no slowing down while moving over)", () => {
    const alts = alternativesOf(base, 14);
    expect(alts[0]).toMatchObject({ path: 'LEFT_CHANGE', targetLaneId: 'L1' });
    for (const c of alts.slice(1)) {
      const slower = c.speed === 'STOP' || (c.speed === 'DECELERATE' && (c.targetSpeedMps ?? 14) < 14);
      if (slower) {
        expect(c.path).toBe('FOLLOW_LANE');
        expect(c.targetLaneId).toBeUndefined();
      }
    }
    expect(alts.some((c) => c.path === 'LEFT_CHANGE' && c.speed === 'KEEP' && c !== alts[0])).toBe(true);
  });

  it("the speed-up alternative asks no more than the vehicle's top speed", () => {
    const keep = { ...base, path: 'FOLLOW_LANE' as const, targetSpeedMps: 29.5 };
    delete keep.targetLaneId;
    const up = alternativesOf(keep, 29.5, 30).find((c) => c.speed === 'ACCELERATE');
    expect(up?.targetSpeedMps).toBe(30);
  });

  it("the proposal's braking onset stays its own: the firm stop and the ease-offs brake at once", () => {
    const easing: MidLevelCommand = {
      ...base,
      path: 'FOLLOW_LANE',
      speed: 'DECELERATE',
      targetSpeedMps: 11,
      decelMps2: 3,
      jerkMps3: 2.5,
    };
    delete easing.targetLaneId;
    const alts = alternativesOf(easing, 14);
    expect(alts[0]?.jerkMps3).toBe(2.5);
    const firm = alts.find((c) => c.rationale.includes('firm stop'));
    expect(firm?.jerkMps3).toBeUndefined();
    for (const c of alts.slice(1))
      if (!c.rationale.includes('comfortable stop')) expect(c.jerkMps3).toBeUndefined();
  });

  it('a borrow keeps its path in every alternative but the stay-in-lane one', () => {
    const alts = alternativesOf({ ...base, path: 'LEFT_BORROW' }, 8);
    expect(alts.filter((c) => c.path === 'FOLLOW_LANE')).toHaveLength(1);
  });
});

describe('reflection picks among graded slower speeds', () => {
  const vehicle = VehicleParamsSchema.parse({});
  const map = new RoadMap(oneLane('one-lane', 'L0', 400, 3.5, 15));
  const ctx = plannerContext(map, ['L0'], vehicle);
  const rollout: RolloutFn = straightRollout;
  /** Reflection on `cmd` and its alternatives at `speedMps`, scored with a fresh scorer. */
  const reflectOn = (cmd: MidLevelCommand, speedMps: number, snap: Parameters<typeof reflect>[1]) =>
    reflect(
      alternativesOf(cmd, speedMps),
      snap,
      ctx,
      rollout,
      new ProposalScorer(ctx, REFLECTION_CANDIDATES),
      false,
    );

  it('eases off a little, not by half, when a little less speed keeps the time-to-collision bound', () => {
    // ego at 10 m/s, 22 m behind a car going 5 m/s: holding speed closes to 2 m in 4 s (TTC under
    // 0.95 s: fails); three quarters of the speed at 1.5 m/s² closes 12 m (TTC holds), so does halving
    const front = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    const lead: AgentState = {
      id: 'lead',
      kind: 'vehicle',
      x: 20 + front + 22 + 2.25,
      y: 0,
      headingRad: 0,
      speedMps: 5,
      lengthM: 4.5,
      widthM: 1.8,
    };
    const snap = snapshotOf(ego(0, 20, 0, 10), ['L0'], [lead]);
    const keep: MidLevelCommand = { ...base, path: 'FOLLOW_LANE', speed: 'KEEP', targetSpeedMps: 10 };
    delete keep.targetLaneId;
    const r = reflectOn(keep, 10, snap);
    expect(r.scores[0]!.ttc).toBe(0);
    expect(r.revised).toBe(true);
    expect(r.scores[r.chosen]!.ttc).toBe(1);
    // the fastest alternative that keeps the bound: 7.5 m/s, not 5
    expect(r.command.targetSpeedMps).toBeCloseTo(7.5, 6);
  });

  it('a car closing in from behind in our lane does not make a slower candidate score better', () => {
    // ego at 2 m/s speeding up to 4 (free road), a car 15 m behind its rear at 8 m/s that drives on
    // into it (a non-reactive log car). Counted with that follower, nuPlan's time-to-collision fails
    // the speed-up and not holding 2 m/s, and reflection would hold the speed because someone comes
    // up behind — the wrong lesson (USA_Peach-4_8_T-1 hold-ups were blamed on its follower cr_605)
    const rear = vehicle.lengthM / 2 - vehicle.rearAxleToCenterM;
    const follower: AgentState = {
      id: 'follower',
      kind: 'vehicle',
      x: 20 - rear - 15 - 2.25,
      y: 0,
      headingRad: 0,
      speedMps: 8,
      lengthM: 4.5,
      widthM: 1.8,
    };
    const snap = snapshotOf(ego(0, 20, 0, 2), ['L0'], [follower]);
    const go: MidLevelCommand = { ...base, path: 'FOLLOW_LANE', speed: 'ACCELERATE', targetSpeedMps: 4 };
    delete go.targetLaneId;
    const r = reflectOn(go, 2, snap);
    expect(r.scores[0]!.ttc).toBe(1);
    expect(r.revised).toBe(false);
    expect(r.command.speed).toBe('ACCELERATE');
  });

  it('a follower is a car behind the ego in its lane closing in, not one beside it nor one slower', () => {
    const rear = vehicle.lengthM / 2 - vehicle.rearAxleToCenterM;
    const follower: AgentState = {
      id: 'follower',
      kind: 'vehicle',
      x: 20 - rear - 1 - 2.25,
      y: 0,
      headingRad: 0,
      speedMps: 8,
      lengthM: 4.5,
      widthM: 1.8,
    };
    const snap = snapshotOf(ego(0, 20, 0, 2), ['L0'], [follower]);
    expect(followersOf(snap, vehicle)).toEqual(['follower']);
    // beside, in the next lane (3.5 m over), or no faster than the ego: not a follower
    expect(followersOf(snapshotOf(ego(0, 20, 0, 2), ['L0'], [{ ...follower, y: 3.5 }]), vehicle)).toEqual([]);
    expect(followersOf(snapshotOf(ego(0, 20, 0, 9), ['L0'], [follower]), vehicle)).toEqual([]);
  });

  it('a stop gives way to no creep: the hold-speed alternative at 0.09 m/s does not replace it', () => {
    // ego creeping at 0.09 m/s, its front bumper 2 m behind a walker standing in the lane (a 4.5 m
    // box): the proposal stops; holding 0.09 m/s scores better (it "progresses" 0.36 m in 4 s) and
    // was within the 0.1 m/s "no faster" slack, so it replaced the stop plan after plan and the ego
    // crept on towards the walker for good
    const front = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    const walker: AgentState = {
      id: 'walker',
      kind: 'pedestrian',
      x: 20 + front + 2 + 2.25,
      y: 0,
      headingRad: -Math.PI / 2,
      speedMps: 0,
      lengthM: 4.5,
      widthM: 2.1,
    };
    const snap = snapshotOf(ego(0, 20, 0, 0.09), ['L0'], [walker]);
    const stop: MidLevelCommand = {
      ...base,
      path: 'FOLLOW_LANE',
      speed: 'STOP',
      targetSpeedMps: 0,
      decelMps2: 0.5,
    };
    delete stop.targetLaneId;
    const keepI = alternativesOf(stop, 0.09).findIndex((c) => c.speed === 'KEEP');
    const r = reflectOn(stop, 0.09, snap);
    // the hold-speed alternative scores above the proposal by more than the revise margin …
    expect(r.scores[keepI]!.score).toBeGreaterThan(r.scores[0]!.score + 0.05);
    // … yet what is kept is a stop
    expect(r.command.speed, r.why).toBe('STOP');
    // a proposal that moves keeps the 0.1 m/s slack; one that stands none
    const slow = { ...stop, speed: 'DECELERATE' as const, targetSpeedMps: 2 };
    expect(noFaster({ ...slow, targetSpeedMps: 2.05 }, slow, 2.1)).toBe(true);
    const creep = { ...slow, targetSpeedMps: 0.08 };
    expect(noFaster({ ...slow, speed: 'KEEP', targetSpeedMps: 0.09 }, creep, 0.09)).toBe(false);
    expect(noFaster({ ...slow, targetSpeedMps: 0.06 }, creep, 0.09)).toBe(true);
  });
});
