import { describe, expect, it } from 'vitest';
import type { LateralDecision } from './AgentOutputs.ts';
import {
  accAccelMps2,
  barredWaitM,
  cahAccelMps2,
  committedToPath,
  decideLongitudinal,
  gapRecoveryMps2,
  marginStopM,
  stepOutCapMps,
  stopsForSignal,
  timeAtBraking,
  timeToCover,
} from './LongitudinalAgent.ts';
import { analyseScene } from './SceneAnalyst.ts';
import { rampedStopDistanceM } from './StopOnset.ts';
import { laneAgent, obj, PARAMS, view } from './testing/views.ts';
import type { RouteObject } from './WorldView.ts';

const FOLLOW: LateralDecision = { path: 'FOLLOW_LANE', targetLaneId: null, reason: '' };
const decide = (v: ReturnType<typeof view>, lat: LateralDecision = FOLLOW) =>
  decideLongitudinal(v, analyseScene(v, PARAMS), lat, PARAMS);

describe('longitudinal agent (rules)', () => {
  it('accelerates to the speed limit on a free road', () => {
    const d = decide(view({ egoSpeedMps: 5 }));
    expect(d.speed).toBe('ACCELERATE');
    expect(d.targetSpeedMps).toBe(11);
  });

  it('drives up to a dead end (the route ends where the road does) and stops at it, not short of it', () => {
    // far off: a free road
    expect(decide(view({ egoSpeedMps: 11, deadEndM: 300 })).speed).toBe('KEEP');
    // near: slows for it, and close by stops at the end itself
    const near = decide(view({ egoSpeedMps: 8, deadEndM: 20 }));
    expect(['DECELERATE', 'STOP']).toContain(near.speed);
    expect(near.reason).toMatch(/end of the road/);
    const at = decide(view({ egoSpeedMps: 0.3, deadEndM: 1.5 }));
    expect(at.speed).toBe('STOP');
    expect(at.stopDistanceM).toBeCloseTo(1.5, 9);
  });

  it('keeps the speed at the limit', () => {
    expect(decide(view({ egoSpeedMps: 11 })).speed).toBe('KEEP');
  });

  it('eases back under the posted limit at once, its braking built up, not at the IDM free-road rate', () => {
    // 0.2 m/s over an 11 m/s limit: IDM's free-road term alone asks −0.11 m/s², a KEEP
    const d = decide(view({ egoSpeedMps: 11.2 }));
    expect(d.speed).toBe('DECELERATE');
    expect(d.targetSpeedMps).toBe(11);
    expect(d.decelMps2).toBe(PARAMS.comfortDecelMps2);
    expect(d.onsetJerkMps3).toBe(PARAMS.accOnsetJerkMps3);
    expect(d.reason).toMatch(/over the posted 11\.00 m\/s/);
    // within the tolerance: nothing to shed
    expect(decide(view({ egoSpeedMps: 11.04 })).speed).toBe('KEEP');
    // braking harder already (a slower lead close ahead): left as the IDM decided it
    const lead = laneAgent('a', { gapM: 8, speedMps: 5, relSpeedMps: -6.2 });
    const hard = decide(view({ egoSpeedMps: 11.2 }, { ego: { laneId: 'R0', lead, follow: null } }));
    expect(hard.decelMps2!).toBeGreaterThanOrEqual(PARAMS.comfortDecelMps2);
    expect(hard.onsetJerkMps3).toBeUndefined();
    expect(hard.reason).not.toMatch(/over the posted/);
    // a limit the lane does not post (the road class's default the importer put there): left to IDM
    expect(decide(view({ egoSpeedMps: 11.2, speedLimitPosted: false })).speed).toBe('KEEP');
  });

  it('slows behind a slower lead (IDM)', () => {
    const d = decide(
      view(
        {},
        {
          ego: {
            laneId: 'R0',
            lead: laneAgent('a', { gapM: 12, speedMps: 5, relSpeedMps: -5 }),
            follow: null,
          },
        },
      ),
    );
    expect(d.speed).toBe('DECELERATE');
    expect(d.targetSpeedMps).toBeLessThan(10);
    expect(d.decelMps2).toBeGreaterThan(0);
  });

  // esmini lane_change.xosc: a truck swerves head-on into the ego lane at 20 m/s; taken as a
  // standing lead, IDM braked mildly and then accelerated towards it while the gap closed at 35 m/s
  const headOn = (egoSpeedMps: number, gapM: number, uMps: number) => {
    const truck = obj('t', { sM: gapM + 4.5, speedMps: uMps, alongMps: -uMps, lengthM: 5.7, widthM: 2.6 });
    const lead = laneAgent('t', { gapM, speedMps: -uMps, relSpeedMps: -uMps - egoSpeedMps });
    return decide(view({ egoSpeedMps, objects: [truck] }, { ego: { laneId: 'R0', lead, follow: null } }));
  };

  it('stops for a vehicle coming at it in its lane, standing before they would meet', () => {
    const v = 11;
    const u = 15;
    const gap = 60;
    const d = headOn(v, gap, u);
    expect(d.speed).toBe('STOP');
    expect(d.reason).toMatch(/oncoming t in our lane/);
    // braking evenly over the stop distance, the ego stands before the truck has covered the rest
    const stopM = d.stopDistanceM ?? Infinity;
    expect(stopM + (u * 2 * stopM) / v).toBeLessThanOrEqual(gap + 1e-9);
    expect(d.decelMps2 ?? 0).toBeGreaterThanOrEqual((v * v) / (2 * stopM) - 1e-9);
  });

  it('holds the stop while a vehicle in its lane is still coming at it', () => {
    const d = headOn(0, 25, 15);
    expect(d.speed).toBe('STOP');
    expect(d.targetSpeedMps).toBe(0);
  });

  it('keeps step-out room for a pedestrian beside the path facing it: stoppable short of it far out, past first near', () => {
    // 2.5 m off the ego's side (dM −4.25, ego 2 m wide, walker 0.6 m), facing left across the route
    const ped = (sM: number, over: Partial<Parameters<typeof obj>[1]> = {}) =>
      obj('ped', { kind: 'pedestrian', sM, dM: -4.25, widthM: 0.6, lengthM: 0.6, headingAcross: 1, ...over });
    const tR = PARAMS.stepOutReactionS;
    const b = PARAMS.stepOutDecelMps2;
    const caps: number[] = [];
    for (let sM = 20; sM <= 60; sM += 5) {
      const cap = stepOutCapMps(ped(sM), view(), PARAMS);
      expect(Number.isFinite(cap)).toBe(true);
      // at that speed the ego stops (reaction, then b) a metre short of the walker
      expect(cap * tR + (cap * cap) / (2 * b)).toBeLessThanOrEqual(sM - 1 + 1e-9);
      caps.push(cap);
    }
    // …and the cap falls gently towards the walker (approached at half the comfortable braking)
    for (let i = 1; i < caps.length; i++) expect(caps[i]!).toBeGreaterThan(caps[i - 1]!);
    const d = decide(view({ egoSpeedMps: 11, objects: [ped(25)] }));
    expect(d.reason).toMatch(/step-out room for ped/);
    expect(d.targetSpeedMps).toBeLessThan(11);
    // near it the ego at speed is past before the walker could get there: no cap
    expect(stepOutCapMps(ped(8), view(), PARAMS)).toBe(Number.POSITIVE_INFINITY);
    // facing away from the road, or already in the path (the crossing rules): no cap
    expect(stepOutCapMps(ped(25, { headingAcross: -1 }), view(), PARAMS)).toBe(Number.POSITIVE_INFINITY);
    expect(stepOutCapMps(ped(25, { dM: -1.5 }), view(), PARAMS)).toBe(Number.POSITIVE_INFINITY);
    expect(stepOutCapMps(obj('car', { sM: 25, dM: -4.25, headingAcross: 1 }), view(), PARAMS)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('stops at a red light with the stop point on the line', () => {
    const d = decide(
      view(
        { egoSpeedMps: 8 },
        { nextStopLine: { id: 's', laneId: 'R0', distanceM: 15, kind: 'signal', signal: 'RED' } },
      ),
    );
    expect(d.speed).toBe('STOP');
    expect(d.stopDistanceM).toBeCloseTo(14.7, 5);
  });

  it('stops for a yellow light only when that is comfortable', () => {
    const line = (distanceM: number) => ({
      nextStopLine: { id: 's', laneId: 'R0', distanceM, kind: 'signal', signal: 'YELLOW' as const },
    });
    const far = decide(view({ egoSpeedMps: 10 }, line(40)));
    expect(['DECELERATE', 'STOP']).toContain(far.speed);
    expect(far.reason).toMatch(/yellow light, stoppable/);
    const near = decide(view({ egoSpeedMps: 10 }, line(8)));
    expect(near.reason).not.toMatch(/yellow/);
    expect(near.speed).not.toBe('STOP');
  });

  it('yields to a pedestrian crossing ahead: stops before the conflict point', () => {
    const crossing = [
      {
        agentId: 'ped',
        kind: 'pedestrian' as const,
        speedMps: 1.4,
        distanceM: 20,
        conflictM: 14,
        agentTimeS: 1,
        egoTimeS: 1.4,
      },
    ];
    const d = decide(view({ egoSpeedMps: 6 }, { crossing }));
    expect(d.speed).toBe('STOP');
    expect(d.stopDistanceM!).toBeLessThan(14);
    expect(d.reason).toMatch(/yield to pedestrian ped/);
  });

  it('ends the yield to a pedestrian whose body has crossed our way and walks on away from it', () => {
    // esmini alks_pedestrian: the walker has left the ego lane 2 m ahead; a yield held until
    // perception dropped it braked the ego to a standstill short of it
    const crossing = [
      {
        agentId: 'ped',
        kind: 'pedestrian' as const,
        speedMps: 1,
        distanceM: 3,
        conflictM: 2,
        agentTimeS: 0,
        egoTimeS: 1,
      },
    ];
    const ped = (rearPastM?: number) =>
      obj('ped', {
        kind: 'pedestrian',
        sM: 2,
        dM: 1.7,
        lengthM: 0.6,
        widthM: 0.6,
        speedMps: 1,
        alongMps: 0,
        acrossMps: 1,
        ...(rearPastM !== undefined ? { rearPastM } : {}),
      });
    const run = (o: RouteObject) => {
      const v = view({ egoSpeedMps: 3, objects: [o] }, { crossing });
      const yielded = new Map<string, number>();
      const memory = { yieldTo: new Map([['ped', v.egoSM + v.egoFrontM + 1]]) };
      const d = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS, memory, yielded);
      return { d, yielded };
    };
    const gone = run(ped(0.15));
    expect(gone.yielded.has('ped')).toBe(false);
    expect(gone.d.speed).not.toBe('STOP');
    // still in (or coming into) our way: the yield stands
    expect(run(ped()).yielded.has('ped')).toBe(true);
  });

  it('does not yield to a crossing car that clears the conflict long before we arrive', () => {
    const crossing = [
      {
        agentId: 'car',
        kind: 'vehicle' as const,
        speedMps: 10,
        distanceM: 60,
        conflictM: 50,
        agentTimeS: 0.2,
        egoTimeS: 5,
      },
    ];
    const d = decide(view({ egoSpeedMps: 10 }, { crossing }));
    expect(d.reason).not.toMatch(/yield/);
  });

  it('yields at an unprotected turn to an oncoming car arriving while we would be in the conflict', () => {
    const crossing = [
      {
        agentId: 'onc',
        kind: 'vehicle' as const,
        speedMps: 11,
        distanceM: 40,
        conflictM: 12,
        agentTimeS: 2.5,
        egoTimeS: 1.7,
      },
    ];
    const d = decide(view({ egoSpeedMps: 7 }, { crossing }));
    expect(d.speed === 'STOP' || d.speed === 'DECELERATE').toBe(true);
    expect(d.reason).toMatch(/yield to vehicle onc/);
  });

  it('a yield decided inside the stop margin stops into the margin at a comfortable braking, never past the conflict', () => {
    // 1.7 m/s, the crossing car's conflict 1.5 m ahead: the stop point (2 m short of it) is behind
    // the bumper already. Before: "in 0.0 m" at the maximum braking (6 m/s²)
    const crossing = (conflictM: number) => [
      {
        agentId: 'cr',
        kind: 'vehicle' as const,
        speedMps: 5,
        distanceM: 20,
        conflictM,
        agentTimeS: 2.5,
        egoTimeS: 1.2,
      },
    ];
    const d = decide(view({ egoSpeedMps: 1.7 }, { crossing: crossing(1.5) }));
    expect(d.reason).toMatch(/yield to vehicle cr/);
    expect(d.speed).toBe('STOP');
    expect(d.decelMps2!).toBeLessThanOrEqual(PARAMS.comfortDecelMps2);
    expect(d.stopDistanceM!).toBeGreaterThan(0);
    expect(d.stopDistanceM!).toBeLessThanOrEqual(1.5);
    // 1.7² / (2 · 1.5) = 0.96 m/s² to the conflict itself
    expect(d.decelMps2!).toBeCloseTo(0.963, 2);
    // at the conflict itself there is no margin left to use: the hardest braking, as before
    const at = decide(view({ egoSpeedMps: 1.7 }, { crossing: crossing(0.05) }));
    expect(at.speed).toBe('STOP');
    expect(at.decelMps2!).toBe(PARAMS.maxDecelMps2);
    // …and a stop point the comfortable braking still makes is kept with its whole margin
    const far = decide(view({ egoSpeedMps: 1.7 }, { crossing: crossing(6) }));
    expect(far.stopDistanceM ?? 4).toBeCloseTo(4, 5);
  });

  it('the stop into the margin: as far in as the comfortable built-up stop needs, at most to the conflict', () => {
    const lead = { gapM: 0, speedMps: 0, stop: true, why: '', hardGapM: 3 };
    // from 1.7 m/s, braking built up at 3 m/s³ to 3 m/s² (1 s: 1.7 − 3/6 = 1.2 m, then 0.2 m/s left:
    // 0.2² / 6 m), + the executor's 0.3 m + 0.2 s · 1.7 m/s
    expect(marginStopM(lead, 1.7, PARAMS)).toBeCloseTo(1.2 + 0.04 / 6 + 0.3 + 0.34, 6);
    expect(marginStopM({ ...lead, hardGapM: 1 }, 1.7, PARAMS)).toBe(1);
    expect(marginStopM({ ...lead, gapM: 2.5 }, 1.7, PARAMS)).toBe(2.5);
    expect(marginStopM({ ...lead, hardGapM: undefined }, 1.7, PARAMS)).toBe(0);
    // at speed, a point that braking at 3 m/s² held from now still makes is kept (10.4² / (2 · 25.3)
    // = 2.14 m/s²), though a stop built up from no braking would need 25.5 m (shared-ten
    // ARG_Carcarana-4_5_T-1: a stop crept 2 m into the margin, to the conflict itself)
    expect(marginStopM({ ...lead, gapM: 25.3, hardGapM: 27.3 }, 10.4, PARAMS)).toBe(25.3);
  });

  it('slows when passing a parked van that hides the sidewalk', () => {
    const van = obj('van', { kind: 'static', sM: 10, dM: -2.9, widthM: 2.1, lengthM: 5.5 });
    const d = decide(view({ egoSpeedMps: 11, objects: [van] }));
    expect(d.speed).toBe('DECELERATE');
    expect(d.reason).toMatch(/occlusion behind van/);
  });

  it('waits behind a blocker with room to steer out', () => {
    const truck = obj('truck', { kind: 'static', sM: 20, lengthM: 10 });
    const d = decide(view({ egoSpeedMps: 0.3, objects: [truck] }));
    expect(d.speed).toBe('STOP');
    expect(d.stopDistanceM).toBeCloseTo(20 - 18, 5);
  });

  it('keeps the room to steer out only where a way round can open; barred for good, waits at the standstill gap', () => {
    // a truck 20 m ahead. The room (`blockerRoomM`) is for swinging out once the way round opens:
    // kept while traffic bars it (a car coming the other way, a car standing in the oncoming lane
    // that may drive on) or a same-direction lane may take us; where nothing can open it — no
    // neighbour, a cone in the oncoming lane beside the pass, the pass ending in a junction — the ego
    // drives up to the queue's standstill gap and stands there, as behind a car it will not pass
    // (`barredWaitM`: CARLA Slalom stood 7.7 m back from a cone, then 1.95 m at the stop margin)
    type G = Parameters<typeof view>[1];
    const truckAt = (sM: number) => obj('truck', { kind: 'static', sM, lengthM: 10 });
    const oncoming = obj('o', { sM: 60, dM: 3.5, alongMps: -8, speedMps: 8 });
    const standingCar = obj('p', { sM: 24, dM: 3.5, standingS: 30 });
    const waitM = (objects: RouteObject[], g: G = {}) =>
      decide(view({ egoSpeedMps: 0.3, objects: [truckAt(20), ...objects] }, g)).stopDistanceM;
    expect(waitM([oncoming])).toBeCloseTo(20 - PARAMS.blockerRoomM, 5);
    expect(waitM([standingCar])).toBeCloseTo(20 - PARAMS.blockerRoomM, 5);
    expect(waitM([], { left: { laneId: 'L1', changeAllowed: true, opposite: false } })).toBeCloseTo(
      20 - PARAMS.blockerRoomM,
      5,
    );
    // closed loop at 10 Hz from 0.3 m/s (a STOP brakes at its rate, else the IDM speed one
    // look-ahead on): where the ego comes to stand, m from the start
    const standsAt = (g: G, extra: (s: number) => RouteObject[] = () => []) => {
      let s = 0;
      let v = 0.3;
      let maxBraking = 0;
      for (let i = 0; i < 400; i++) {
        const d = decide(view({ egoSpeedMps: v, objects: [truckAt(20 - s), ...extra(s)] }, g));
        const a =
          d.speed === 'STOP'
            ? v > 0
              ? -(d.decelMps2 ?? 0)
              : 0
            : clampA((d.targetSpeedMps - v) / PARAMS.targetLookS);
        maxBraking = Math.max(maxBraking, -a);
        const vNext = Math.max(0, v + a * 0.1);
        s += ((v + vNext) / 2) * 0.1;
        v = vNext;
      }
      expect(v).toBe(0);
      expect(maxBraking).toBeLessThanOrEqual(PARAMS.comfortDecelMps2);
      return s;
    };
    const clampA = (a: number) => Math.max(-PARAMS.maxDecelMps2, Math.min(PARAMS.accelMaxMps2, a));
    const margin = 20 - PARAMS.standstillGapM;
    expect(barredWaitM(PARAMS)).toBe(PARAMS.standstillGapM);
    const cone = (s: number) => [obj('c', { kind: 'static', sM: 26 - s, dM: 3.5, lengthM: 1, widthM: 1 })];
    for (const at of [
      standsAt({ left: null }),
      standsAt({ left: { laneId: 'L1', changeAllowed: false, opposite: false } }),
      standsAt({}, cone),
    ]) {
      expect(at).toBeGreaterThan(margin - 0.5);
      expect(at).toBeLessThanOrEqual(margin + 0.15);
    }
    // the pass would end in a junction (the wait point does not depend on where the ego is)
    expect(standsAt({ nextJunction: { junctionId: 'j', distanceM: 36 } })).toBeGreaterThan(margin - 0.5);
  });

  it('at speed, waits behind a blocker no nearer than a comfortable stop, not at the full steering room', () => {
    // 9.65 m/s, a parked car 25 m ahead (DEU US101-3_3_S-1's start): 18 m of room would leave 7 m
    // to stop in (6.6 m/s²); the wait point moves up to where braking at 3 m/s² stops the ego
    const car = obj('car', { kind: 'static', sM: 25, lengthM: 4.5 });
    const v = 9.65;
    const d = decide(view({ egoSpeedMps: v, objects: [car] }));
    expect(d.speed).toBe('STOP');
    expect(d.stopDistanceM).toBeCloseTo((v * v) / (2 * PARAMS.comfortDecelMps2), 5);
    expect(d.decelMps2).toBeLessThanOrEqual(PARAMS.comfortDecelMps2 + 1e-9);
  });

  it('follows a close lead that pulls away without braking hard for the small gap (ACC model)', () => {
    // DEU_Moabit-4_1_T-1's start: 4 m/s, a car 2 m ahead at 5.1 m/s: IDM alone brakes beyond 6 m/s²
    const lead = laneAgent('a', { gapM: 2, speedMps: 5.1, relSpeedMps: 1.1 });
    const car = obj('a', { sM: 2, speedMps: 5.1, alongMps: 5.1, accelMps2: 0 });
    const d = decide(view({ egoSpeedMps: 4, objects: [car] }, { ego: { laneId: 'R0', lead, follow: null } }));
    expect(d.speed).not.toBe('STOP');
    // within nuPlan's comfort bound on braking (4.05 m/s²)
    expect(d.decelMps2 ?? 0).toBeLessThan(4.05);
    // …and plain IDM (coolness 0) is what braked hard
    const idm = decideLongitudinal(
      view({ egoSpeedMps: 4, objects: [car] }, { ego: { laneId: 'R0', lead, follow: null } }),
      analyseScene(view({ egoSpeedMps: 4, objects: [car] }), PARAMS),
      FOLLOW,
      { ...PARAMS, accCoolness: 0, gapRecoveryDecelMps2: 0 },
    );
    expect(idm.decelMps2 ?? 0).toBeGreaterThanOrEqual(PARAMS.maxDecelMps2);
  });

  it('behind a close lead pulling away the braking builds up at the ACC jerk (ISO 15622), not as a step', () => {
    // DEU_Ibbenbueren-10_2_T-1's start: 8.8 m/s, a car 4.6 m ahead at 9.1 m/s: the blend still asks
    // for ~3 m/s², which as a step from 0 failed nuPlan's jerk bound
    const lead = laneAgent('a', { gapM: 4.6, speedMps: 9.1, relSpeedMps: 0.3 });
    const car = obj('a', { sM: 4.6, speedMps: 9.1, alongMps: 9.1, accelMps2: 0.2 });
    const d = decide(
      view({ egoSpeedMps: 8.8, objects: [car] }, { ego: { laneId: 'R0', lead, follow: null } }),
    );
    expect(d.speed).toBe('DECELERATE');
    expect(d.onsetJerkMps3).toBe(PARAMS.accOnsetJerkMps3);
  });

  it('the ACC onset goes with the lead pulling away only: a merge pull that binds instead brakes at once', () => {
    // a lead 20 m ahead pulling away (onset softened alone), and a merge gap whose pull asks more
    const merge = { leadId: 'A', followId: 'B', leadGapM: -0.25, followGapM: 20.75, speedMps: 14, untilS: 7 };
    const lead = laneAgent('c', { gapM: 20, speedMps: 14.5, relSpeedMps: 0.5 });
    const car = obj('c', { sM: 20, speedMps: 14.5, alongMps: 14.5, accelMps2: 0.1 });
    const v = view(
      { egoSpeedMps: 14, speedLimitMps: 27, objects: [car] },
      { ego: { laneId: 'R0', lead, follow: null } },
    );
    const alone = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS);
    expect(alone.onsetJerkMps3).toBe(PARAMS.accOnsetJerkMps3);
    const merging = decideLongitudinal(v, analyseScene(v, PARAMS), { ...FOLLOW, merge }, PARAMS);
    expect(merging.reason).toContain('merge gap');
    expect(merging.onsetJerkMps3).toBeUndefined();
  });

  it('a lead as fast that has begun to brake gets no softened onset from the ACC blend', () => {
    const lead = laneAgent('a', { gapM: 4.6, speedMps: 8.8, relSpeedMps: 0 });
    const car = obj('a', { sM: 4.6, speedMps: 8.8, alongMps: 8.8, accelMps2: -0.3 });
    const v = view({ egoSpeedMps: 8.8, objects: [car] }, { ego: { laneId: 'R0', lead, follow: null } });
    const noRecovery = { ...PARAMS, gapRecoveryDecelMps2: 0 };
    const d = decideLongitudinal(v, analyseScene(v, noRecovery), FOLLOW, noRecovery);
    expect(d.speed).toBe('DECELERATE');
    expect(d.onsetJerkMps3).toBeUndefined();
    // gap recovery (not closing, braking under 0.5 m/s²) brakes at its 1 m/s², built up
    const r = decide(v);
    expect(r.decelMps2!).toBeCloseTo(PARAMS.gapRecoveryDecelMps2, 6);
    expect(r.onsetJerkMps3).toBe(PARAMS.accOnsetJerkMps3);
  });

  it('behind a slower lead the braking is not softened at onset', () => {
    const lead = laneAgent('a', { gapM: 8, speedMps: 7, relSpeedMps: -2.6 });
    const car = obj('a', { sM: 8, speedMps: 7, alongMps: 7, accelMps2: -2 });
    const d = decide(
      view({ egoSpeedMps: 9.6, objects: [car] }, { ego: { laneId: 'R0', lead, follow: null } }),
    );
    expect(d.speed === 'DECELERATE' || d.speed === 'STOP').toBe(true);
    expect(d.onsetJerkMps3).toBeUndefined();
  });

  it('behind a slower lead the following is plain IDM (the ACC blend only where the gap opens)', () => {
    const lead = laneAgent('a', { gapM: 8, speedMps: 7, relSpeedMps: -2.6 });
    const car = obj('a', { sM: 8, speedMps: 7, alongMps: 7, accelMps2: -2 });
    const v = view({ egoSpeedMps: 9.6, objects: [car] }, { ego: { laneId: 'R0', lead, follow: null } });
    const acc = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS);
    const idm = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, { ...PARAMS, accCoolness: 0 });
    expect(acc).toEqual(idm);
  });

  it('recovers a headway deficit behind a lead that is not braking gently, built up; IDM alone forced it back hard', () => {
    // ESP_Toledo-11_5_T-1's start: 5.1 m/s, a car 3.2 m ahead at 4.54 m/s speeding up at 0.6 m/s²:
    // the gap is under IDM's desired 2 + 1.5·v, but the closing asks ≈ 0.08 m/s² to keep 1 m
    const lead = laneAgent('a', { gapM: 3.2, speedMps: 4.54, relSpeedMps: -0.56 });
    const car = obj('a', { sM: 3.2, speedMps: 4.54, alongMps: 4.54, accelMps2: 0.6 });
    const v = view({ egoSpeedMps: 5.1, objects: [car] }, { ego: { laneId: 'R0', lead, follow: null } });
    const d = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS);
    expect(d.speed).toBe('DECELERATE');
    expect(d.decelMps2!).toBeCloseTo(PARAMS.gapRecoveryDecelMps2, 6);
    expect(d.onsetJerkMps3).toBe(PARAMS.accOnsetJerkMps3);
    // without it: IDM brakes at its hardest, as a step
    const idm = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, {
      ...PARAMS,
      gapRecoveryDecelMps2: 0,
    });
    expect(idm.decelMps2!).toBeGreaterThanOrEqual(PARAMS.comfortDecelMps2);
    expect(idm.onsetJerkMps3).toBeUndefined();
  });

  it('gap recovery brakes with the closing where it asks for more, and leaves IDM alone behind a braking or fast-closing lead', () => {
    // 12 m/s, 2.9 m behind a car at 10 m/s (DEU_IV21-1_2_T-1): keeping 1 m after 0.3 s needs
    // 2² / (2·(2.9 − 1 − 0.6)) = 1.54 m/s²: braked at 1.5 × that
    const lead = laneAgent('a', { gapM: 2.9, speedMps: 10, relSpeedMps: -2 });
    const car = obj('a', { sM: 2.9, speedMps: 10, alongMps: 10, accelMps2: 0 });
    const v = view(
      { egoSpeedMps: 12, speedLimitMps: 20, objects: [car] },
      { ego: { laneId: 'R0', lead, follow: null } },
    );
    const d = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS);
    expect(d.decelMps2!).toBeCloseTo(1.5 * (4 / (2 * 1.3)), 6);
    const off = { ...PARAMS, gapRecoveryDecelMps2: 0 };
    // a braking lead: IDM as it is
    const brakingCar = obj('a', { sM: 2.9, speedMps: 10, alongMps: 10, accelMps2: -1 });
    const vb = view(
      { egoSpeedMps: 12, speedLimitMps: 20, objects: [brakingCar] },
      { ego: { laneId: 'R0', lead, follow: null } },
    );
    expect(decideLongitudinal(vb, analyseScene(vb, PARAMS), FOLLOW, PARAMS)).toEqual(
      decideLongitudinal(vb, analyseScene(vb, off), FOLLOW, off),
    );
    // closing at 3 m/s on 3.2 m: 1 m kept needs 3.5 m/s², beyond the comfortable braking: IDM as it is
    const fastLead = laneAgent('a', { gapM: 3.2, speedMps: 7, relSpeedMps: -3 });
    const fastCar = obj('a', { sM: 3.2, speedMps: 7, alongMps: 7, accelMps2: 0 });
    const vf = view(
      { egoSpeedMps: 10, speedLimitMps: 20, objects: [fastCar] },
      { ego: { laneId: 'R0', lead: fastLead, follow: null } },
    );
    const fast = decideLongitudinal(vf, analyseScene(vf, PARAMS), FOLLOW, PARAMS);
    expect(fast).toEqual(decideLongitudinal(vf, analyseScene(vf, off), FOLLOW, off));
    expect(fast.decelMps2!).toBeGreaterThan(PARAMS.comfortDecelMps2);
    expect(gapRecoveryMps2(10, { speedMps: 7, recoverAccelMps2: 0 }, 3.2, PARAMS)).toBeUndefined();
  });

  it('recovers the gap behind a car merging in only once it drives our way, not while it cuts in at an angle', () => {
    // 7 m/s, a car whose join gap is 10 m, 6 m/s along our lane: IDM brakes ≈ 1.5 m/s² for its
    // headway; the closing (1 m/s) asks little, so a car driving our way is recovered behind at 1 m/s²
    const crossing = [
      {
        agentId: 'm',
        kind: 'vehicle' as const,
        speedMps: 6,
        distanceM: 10,
        conflictM: 12,
        agentTimeS: 0,
        egoTimeS: 1.5,
      },
    ];
    const off = { ...PARAMS, gapRecoveryDecelMps2: 0 };
    const at = (speedMps: number) => {
      const car = obj('m', {
        sM: 10,
        dM: 2,
        alongMps: 6,
        speedMps,
        acrossMps: -Math.sqrt(speedMps ** 2 - 36),
      });
      const v = view({ egoSpeedMps: 7, speedLimitMps: 20, objects: [car] }, { crossing });
      return {
        on: decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS),
        off: decideLongitudinal(v, analyseScene(v, off), FOLLOW, off),
      };
    };
    const along = at(6);
    expect(along.on.reason).toMatch(/merging m/);
    expect(along.off.decelMps2!).toBeGreaterThan(PARAMS.gapRecoveryDecelMps2);
    expect(along.on.decelMps2!).toBeCloseTo(PARAMS.gapRecoveryDecelMps2, 6);
    // the same along-lane speed from a car at 11 m/s cutting in at 57°: IDM as it is
    const angled = at(11);
    expect(angled.on.reason).toMatch(/merging m/);
    expect(angled.on).toEqual(angled.off);
  });

  it('recovers the gap behind a lead turning off out of our lane at any angle, not braking for its falling along-lane speed', () => {
    // 8.8 m/s, the lead 6.5 m ahead turning off to the left at 50° (9.5 m/s: 6.1 along, 7.3
    // across, away from us; wild DEU_Flensburg-28_1): IDM brakes at its 6 m/s² for the along-lane
    // speed; keeping 1 m after 0.3 s at the closing (2.7 m/s on 6.5 m) needs 2.7² / (2·(6.5 − 1 −
    // 0.81)) ≈ 0.78 m/s²: braked at 1.5 × that
    const crossing = [
      {
        agentId: 't',
        kind: 'vehicle' as const,
        speedMps: 9.5,
        distanceM: 9,
        conflictM: 9,
        agentTimeS: 0,
        egoTimeS: 1,
      },
    ];
    const off = { ...PARAMS, gapRecoveryDecelMps2: 0 };
    const at = (acrossMps: number, dM: number) => {
      const car = obj('t', { sM: 6.5, dM, alongMps: 6.1, speedMps: 9.5, acrossMps, accelMps2: 0 });
      const v = view({ egoSpeedMps: 8.8, speedLimitMps: 14, objects: [car] }, { crossing });
      return {
        on: decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS),
        off: decideLongitudinal(v, analyseScene(v, off), FOLLOW, off),
      };
    };
    const leaving = at(7.3, 1.5);
    expect(leaving.on.reason).toMatch(/merging t/);
    expect(leaving.off.decelMps2!).toBeGreaterThan(PARAMS.comfortDecelMps2);
    expect(leaving.on.decelMps2!).toBeCloseTo(1.5 * (2.7 ** 2 / (2 * (6.5 - 1 - 0.81))), 6);
    // the same car cutting in towards us at that angle (esmini trailer_connect): IDM as it is
    const cuttingIn = at(-7.3, 1.5);
    expect(cuttingIn.on).toEqual(cuttingIn.off);
  });

  it('takes a car wholly behind us in our path for a follower, not a car merging in ahead, whatever its lane path does past us', () => {
    // crawling at 0.7 m/s; a log car 41 m behind in our lane at 8 m/s whose lane path turns off
    // past us, so it reaches our corridor 5 m ahead in 5.5 s: a join "2.9 m behind our front", read
    // as a lead at gap 0 (IDM at 6 m/s², wild DEU_Flensburg-28_1)
    const crossing = [
      {
        agentId: 'f',
        kind: 'vehicle' as const,
        speedMps: 8.3,
        distanceM: 41,
        conflictM: 5.3,
        agentTimeS: 5.5,
        egoTimeS: 5,
      },
    ];
    const follower = obj('f', { sM: -41.7, dM: -0.8, alongMps: 7.8, speedMps: 8.3, acrossMps: -0.5 });
    const d = decide(view({ egoSpeedMps: 0.7, speedLimitMps: 14, objects: [follower] }, { crossing }));
    expect(d.reason).not.toMatch(/merging f/);
    expect(d.speed).toBe('ACCELERATE');
    // beside us in the next lane it is still a car that may merge in
    const beside = obj('f', { sM: -41.7, dM: -3.5, alongMps: 7.8, speedMps: 8.3, acrossMps: 0.5 });
    const b = decide(view({ egoSpeedMps: 0.7, speedLimitMps: 14, objects: [beside] }, { crossing }));
    expect(b.reason).toMatch(/merging f/);
  });

  it('ACC model: the heuristic brakes as hard as IDM behind a slower lead at a small gap', () => {
    // closing at 5 m/s on 5 m: the constant-acceleration heuristic needs 2.5 m/s², the blend brakes harder
    expect(cahAccelMps2(10, 5, 0, 5, 1.5)).toBeCloseTo(-2.5, 9);
    const a = accAccelMps2(-8, cahAccelMps2(10, 5, 0, 5, 1.5), 3, 0.99);
    expect(a).toBeLessThan(-2.5);
    // IDM at or above the heuristic is kept as it is
    expect(accAccelMps2(0.5, -1, 3, 0.99)).toBe(0.5);
  });

  it('passes at the borrow speed, slower while swinging out', () => {
    const lat: LateralDecision = { path: 'LEFT_BORROW', targetLaneId: 'O0', reason: '' };
    const truck = obj('truck', { kind: 'static', sM: 10, lengthM: 10 });
    expect(decide(view({ egoSpeedMps: 2, objects: [truck] }), lat).targetSpeedMps).toBe(
      PARAMS.borrowSpeedMps / 2,
    );
    expect(decide(view({ egoSpeedMps: 2, egoDM: 3.5, objects: [truck] }), lat).targetSpeedMps).toBe(
      PARAMS.borrowSpeedMps,
    );
  });

  it('swings out to a nudge at the nudge swing-out speed (not the oncoming-lane borrow speed)', () => {
    const lat = { path: 'LEFT_BORROW' as const, targetLaneId: 'O0', reason: '', offsetM: 1.2 };
    const truck = obj('truck', { kind: 'static', sM: 10, lengthM: 10 });
    expect(PARAMS.nudgeSwingOutSpeedMps).not.toBe(PARAMS.borrowSpeedMps);
    expect(decide(view({ egoSpeedMps: 2, objects: [truck] }), lat).targetSpeedMps).toBe(
      PARAMS.nudgeSwingOutSpeedMps,
    );
  });

  it('passes a box it nudges by within the lane: no wait behind it, no stop for it as a lead', () => {
    const box = obj('box', {
      kind: 'static',
      sM: 8,
      lengthM: 1,
      widthM: 2,
      dM: 2.2,
      laneSpan: { minM: 1.2, maxM: 3.2 },
    });
    const v = view(
      { egoSpeedMps: 3, objects: [box] },
      {
        ego: {
          laneId: 'R0',
          lead: laneAgent('box', { gapM: 8, speedMps: 0, relSpeedMps: -3 }),
          follow: null,
        },
      },
    );
    // on the centre: a wait behind it
    expect(decide(v).speed).not.toBe('ACCELERATE');
    const lat = {
      path: 'FOLLOW_LANE' as const,
      targetLaneId: null,
      reason: '',
      offsetM: -0.25,
      passingId: 'box',
    };
    const d = decide(v, lat);
    expect(d.speed).toBe('ACCELERATE');
    expect(d.targetSpeedMps).toBe(PARAMS.nudgeSwingOutSpeedMps);
  });

  it('nudging past one box, brakes comfortably for the next one that fills the lane, planned before the first is passed', () => {
    // A stands over the lane's left part (an in-lane nudge to the right passes it), B 10 m on fills
    // its middle (no nudge passes it). The analyst names B the blocker only once A is passed; its
    // wait then, a comfortable stop from there, leaves no room for the braking to build up
    // (CARLA Slalom: −4.3 m/s² at 1.9 m/s). Closed loop on the rules at 10 Hz, the braking decided
    // executed as is: every stop decided must be reachable braking at no more than
    // `comfortDecelMps2`, built up from the braking held at `stopOnsetJerkMps3`, and the ego stands
    // before B.
    const b = PARAMS.comfortDecelMps2;
    const lat = {
      path: 'FOLLOW_LANE' as const,
      targetLaneId: null,
      reason: '',
      offsetM: -0.55,
      passingId: 'A',
    };
    const aS = 8;
    const bS = 18;
    let s = 0;
    let v = 3;
    let braking = 0;
    let worstRoomM = Infinity;
    let maxBraking = 0;
    for (let i = 0; i < 150; i++) {
      const boxA = obj('A', {
        kind: 'static',
        sM: aS - s,
        lengthM: 1,
        widthM: 2,
        dM: 1.9,
        laneSpan: { minM: 0.9, maxM: 2.9 },
      });
      const boxB = obj('B', {
        kind: 'static',
        sM: bS - s,
        lengthM: 1,
        widthM: 2,
        dM: 0,
        laneSpan: { minM: -1, maxM: 1 },
      });
      const vw = view(
        { egoSpeedMps: v, egoDM: -0.55, objects: [boxA, boxB] },
        {
          left: null,
          ego: {
            laneId: 'R0',
            lead: laneAgent('B', { gapM: bS - s, speedMps: 0, relSpeedMps: -v }),
            follow: null,
          },
        },
      );
      const d = decide(vw, lat);
      let a: number;
      if (d.speed === 'STOP') {
        if (v > 0.3)
          worstRoomM = Math.min(
            worstRoomM,
            (d.stopDistanceM ?? 0) - rampedStopDistanceM(v, braking, b, PARAMS.stopOnsetJerkMps3),
          );
        a = v > 0 ? -(d.decelMps2 ?? b) : 0;
      } else a = Math.min((d.targetSpeedMps - v) / PARAMS.targetLookS, PARAMS.accelMaxMps2);
      maxBraking = Math.max(maxBraking, -a);
      braking = Math.max(0, -a);
      const vNext = Math.max(0, v + a * 0.1);
      s += ((v + vNext) / 2) * 0.1;
      v = vNext;
    }
    // past A (its near end behind the front), standing before B
    expect(s).toBeGreaterThan(aS + 0.5);
    expect(s).toBeLessThan(bS);
    expect(v).toBe(0);
    expect(maxBraking).toBeLessThanOrEqual(b + 1e-9);
    expect(worstRoomM).toBeGreaterThanOrEqual(-0.05);
  });

  it('comes back from the oncoming lane no faster than the borrow speed, then speeds up', () => {
    // the borrow's return (FOLLOW_LANE) with the centre still 3 m over, in the oncoming lane
    const over = decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, egoDM: 3 }));
    expect(over.targetSpeedMps).toBe(PARAMS.borrowSpeedMps);
    expect(over.reason).toMatch(/back from the oncoming lane/);
    // back over the line: the road's speed again
    expect(decide(view({ egoSpeedMps: PARAMS.borrowSpeedMps, egoDM: 1.5 })).targetSpeedMps).toBe(11);
  });

  it('time to cover a distance accounts for accelerating to the cruise speed', () => {
    expect(timeToCover(0, 5, 10, 1)).toBe(0);
    expect(timeToCover(50, 10, 10, 1)).toBeCloseTo(5, 9);
    // from standstill: 0.5·a·t² = 8 → t = 4 s (below the cruise speed)
    expect(timeToCover(8, 0, 10, 1)).toBeCloseTo(4, 9);
  });

  it('does not overtake a close neighbour fast (it may cut in)', () => {
    const nb = obj('nb', { sM: 5, dM: 3.5, alongMps: 8, speedMps: 8 });
    const d = decide(view({ egoSpeedMps: 9, objects: [nb] }));
    expect(d.targetSpeedMps).toBeLessThanOrEqual(10);
    expect(d.reason).toMatch(/close neighbour nb/);
  });

  it('follows a car merging into the lane the way we go instead of stopping for it', () => {
    const cutter = obj('cutter', { sM: 10, dM: 2, alongMps: 11, speedMps: 11, acrossMps: -1 });
    const crossing = [
      {
        agentId: 'cutter',
        kind: 'vehicle' as const,
        speedMps: 11,
        distanceM: 14,
        conflictM: 30,
        agentTimeS: 1.5,
        egoTimeS: 2,
      },
    ];
    // (under the limit: 3 m/s over it, the limit's own braking binds before a merging car's gap recovery)
    const d = decide(view({ egoSpeedMps: 14, speedLimitMps: 20, objects: [cutter] }, { crossing }));
    expect(d.speed).toBe('DECELERATE');
    expect(d.reason).toMatch(/merging cutter/);
  });

  it('does not follow a faster car that has come up from behind and overlaps the ego (a log car driving through it)', () => {
    // its rear 2 m behind our front bumper, 1 m to the left (the footprints overlap), 4 m/s vs our 1.5
    const through = (dM: number) =>
      obj('through', { sM: -2, dM, lengthM: 5, widthM: 2, alongMps: 4, speedMps: 4, acrossMps: 0.5 });
    const crossing = [
      {
        agentId: 'through',
        kind: 'vehicle' as const,
        speedMps: 4,
        distanceM: 0,
        conflictM: 0,
        agentTimeS: 0,
        egoTimeS: 0,
      },
    ];
    const d = decide(view({ egoSpeedMps: 1.5, objects: [through(1)] }, { crossing }));
    expect(d.speed).toBe('ACCELERATE');
    expect(d.reason).not.toMatch(/merging/);
    // the same car beside us in the next lane (no overlap), merging in: followed as before
    const beside = decide(view({ egoSpeedMps: 1.5, objects: [through(3)] }, { crossing }));
    expect(beside.reason).toMatch(/merging through/);
  });

  it('does not brake for a car merging in behind us from the next lane (its front still behind our rear when it joins)', () => {
    // 8 m behind our rear bumper in the lane to the left, 11 m/s vs our 10, joining our lane in 1 s
    const behind = obj('behind', { sM: -(5 + 8), dM: 3.2, alongMps: 11, speedMps: 11, acrossMps: -1.5 });
    const crossing = [
      {
        agentId: 'behind',
        kind: 'vehicle' as const,
        speedMps: 11,
        distanceM: 2,
        conflictM: 2,
        agentTimeS: 1,
        egoTimeS: 0,
      },
    ];
    const d = decide(view({ egoSpeedMps: 10, objects: [behind] }, { crossing }));
    expect(d.reason).not.toMatch(/merging/);
    expect(d.speed).not.toBe('DECELERATE');
  });

  it('follows a slow car ahead in our path going our way that perception lists as crossing; it does not time a gap behind it', () => {
    // 24 m ahead on our centreline at 0.6 m/s, heading 0.06 rad off ours; its path entry says its
    // rear is 4.5 m (+ margins) from out of our path at 0.6 m/s: a "gap" in ~10 s that never opens
    const slow = obj('slow', {
      sM: 24,
      dM: 0.1,
      speedMps: 0.6,
      alongMps: 0.6,
      acrossMps: -0.04,
      entry: { egoEntryM: 24, agentToEntryM: 0, agentClearM: 4.5, egoExitM: 35 },
    });
    const crossing = [
      {
        agentId: 'slow',
        kind: 'vehicle' as const,
        speedMps: 0.6,
        distanceM: 24,
        conflictM: 24,
        agentTimeS: 0,
        egoTimeS: 5,
      },
    ];
    const d = decide(view({ egoSpeedMps: 4.6, objects: [slow] }, { crossing }));
    expect(d.reason).not.toMatch(/yield/);
    expect(d.reason).toMatch(/merging slow/);
    // IDM behind a 0.6 m/s car 24 m on: easing off, nowhere near a stop
    expect(d.speed).not.toBe('STOP');
    expect(d.targetSpeedMps).toBeGreaterThan(3.5);
  });

  it('from a standstill, holds while a faster car from behind merges in alongside; moves off once it is past or drifts away', () => {
    // standing; a car in the lane to the right, its rear 9 m behind our front bumper at 9.1 m/s,
    // 0.15 rad into our lane (1.4 m/s sideways); its centre joins our line in 2.2 s, by when it is
    // 11 m ahead: at that join gap the ego moved off into where it was going (USA_US101-5_1_T-1)
    const merger = (sM: number, acrossMps: number) =>
      obj('merger', { sM, dM: -3.4, lengthM: 5.6, widthM: 2.3, alongMps: 9.1, speedMps: 9.1, acrossMps });
    const scene = (o: RouteObject, egoSpeedMps = 0) =>
      decide(
        view(
          { egoSpeedMps, objects: [o] },
          {
            crossing: [
              {
                agentId: 'merger',
                kind: 'vehicle' as const,
                speedMps: 9.1,
                distanceM: 4,
                conflictM: 2,
                agentTimeS: 2.2,
                egoTimeS: 0,
              },
            ],
          },
        ),
      );
    const held = scene(merger(-9, 1.4));
    expect(held.speed).toBe('STOP');
    expect(held.reason).toMatch(/holding for merger merging alongside/);
    // past our front bumper: followed as a lead again (nothing to hold for)
    expect(scene(merger(1, 1.4)).reason).not.toMatch(/holding/);
    // drifting away from our lane: no hold
    expect(scene(merger(-9, -1.4)).reason).not.toMatch(/holding/);
    // at speed the join gap stands (braking hard for a car pulling away is the other failure)
    expect(scene(merger(-9, 1.4), 7).reason).not.toMatch(/holding/);
  });

  it('follows a faster car that will merge ahead at the gap it will have when it joins, not the gap it has now', () => {
    // 7 m ahead in the next lane at 9.2 m/s, its path meeting ours in 3.8 s; the ego at 7 m/s
    const merger = obj('merger', { sM: 7, dM: -2.7, alongMps: 9.2, speedMps: 9.2, acrossMps: 0.3 });
    const scene = (agentTimeS: number) =>
      decide(
        view(
          { egoSpeedMps: 7, objects: [merger] },
          {
            crossing: [
              {
                agentId: 'merger',
                kind: 'vehicle' as const,
                speedMps: 9.2,
                distanceM: 8,
                conflictM: 42,
                agentTimeS,
                egoTimeS: 6,
              },
            ],
          },
        ),
      );
    // joining in 3.8 s it is 7 + 2.2 · 3.8 ≈ 15 m ahead by then: no braking now
    const later = scene(3.8);
    expect(later.speed).not.toBe('DECELERATE');
    expect(later.speed).not.toBe('STOP');
    // joining now at 7 m (inside the 1.5 s headway): ease off behind it
    const now = scene(0);
    expect(now.speed).toBe('DECELERATE');
    expect(now.reason).toMatch(/merging merger/);
  });
  const oncoming = (over: { conflictM?: number; agentTimeS?: number; speedMps?: number } = {}) => ({
    agentId: 'onc',
    kind: 'vehicle' as const,
    speedMps: over.speedMps ?? 11,
    distanceM: 40,
    conflictM: over.conflictM ?? 20,
    agentTimeS: over.agentTimeS ?? 2.5,
    egoTimeS: 2,
  });
  /** The oncoming car as an object: 30 m up the other lane; our footprint enters its strip `egoEntryM` ahead. */
  const oncObj = (accelMps2: number, speedMps = 11, agentToEntryM = 30, egoEntryM = 12) =>
    obj('onc', {
      sM: 30,
      dM: 3.5,
      speedMps,
      alongMps: -speedMps,
      accelMps2,
      entry: { egoEntryM, agentToEntryM, agentClearM: agentToEntryM + 8, egoExitM: egoEntryM + 8 },
    });

  it('stops before its footprint enters a crossing car path, not before where the car centre meets our corridor', () => {
    const v = view({ egoSpeedMps: 6, objects: [oncObj(0)] }, { crossing: [oncoming()] });
    const yielded = new Map<string, number>();
    const d = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS, { yieldTo: new Map() }, yielded);
    expect(d.reason).toMatch(/yield to vehicle onc/);
    // entry 12 m minus the 2 m stop margin (the centreline conflict at 20 m would give 18 m)
    expect(yielded.get('onc')! - (v.egoSM + v.egoFrontM)).toBeCloseTo(10, 5);
  });

  it('already inside a crossing car path: clears it when out of it yieldBeforeS before the car gets there, else yields', () => {
    // the ego at 1.7 m/s with its footprint in the strip the car sweeps (entry 0); the car 20 m from
    // our path at 5 m/s (there in 4 s), its centre meeting our corridor 9 m ahead
    const scene = (egoExitM: number, egoEntryM = 0) => {
      const o = obj('onc', {
        sM: 9,
        dM: 6,
        speedMps: 5,
        alongMps: 0,
        accelMps2: 0,
        entry: { egoEntryM, agentToEntryM: 20, agentClearM: 30, egoExitM },
      });
      return decide(
        view(
          { egoSpeedMps: 1.7, objects: [o] },
          { crossing: [oncoming({ conflictM: 9, agentTimeS: 4, speedMps: 5 })] },
        ),
      );
    };
    // out of its path in 4 m: ≈ 1.8 s, + 1 s ≤ 4 s
    expect(scene(4).reason).not.toMatch(/yield to vehicle onc/);
    // out of it in 12 m: ≈ 3.8 s, + 1 s > 4 s: the yield stands
    expect(scene(12).reason).toMatch(/yield to vehicle onc/);
    // not in its path yet: the gap acceptance as before (it gets there within yieldGapS of our clearing)
    expect(scene(4, 1).reason).toMatch(/yield to vehicle onc/);
  });

  it('goes when the crossing car brakes to a stop short of our path, yields when it does not', () => {
    const scene = (accel: number) =>
      decide(
        view({ egoSpeedMps: 6, objects: [oncObj(accel, 8)] }, { crossing: [oncoming({ speedMps: 8 })] }),
      );
    // 8 m/s at 2 m/s²: stops in 16 m, 30 m before our footprint
    expect(scene(-2).reason).not.toMatch(/yield to vehicle onc/);
    // coasting or barely braking: it is coming
    expect(scene(0).reason).toMatch(/yield to vehicle onc/);
    expect(scene(-0.3).reason).toMatch(/yield to vehicle onc/);
    // braking, but not enough to stop short (8² / 2 / 1 = 32 m > 30 − 1 m): still a yield
    expect(scene(-1).reason).toMatch(/yield to vehicle onc/);
  });

  it('goes when the crossing car can stop comfortably at its own red or yellow light before our path', () => {
    const scene = (signalStop: { distanceM: number; signal: 'RED' | 'YELLOW' } | undefined, speedMps = 11) =>
      decide(
        view(
          { egoSpeedMps: 6, objects: [{ ...oncObj(0, speedMps), ...(signalStop ? { signalStop } : {}) }] },
          { crossing: [oncoming({ speedMps })] },
        ),
      );
    // no light: coming at constant speed, a yield
    expect(scene(undefined).reason).toMatch(/yield to vehicle onc/);
    // red 25 m ahead of it, 5 m short of our path: 11² / 2 / 25 = 2.4 m/s² ≤ 3 — it stops there
    expect(scene({ distanceM: 25, signal: 'RED' }).reason).not.toMatch(/yield to vehicle onc/);
    expect(scene({ distanceM: 25, signal: 'YELLOW' }).reason).not.toMatch(/yield to vehicle onc/);
    // too close to stop at 3 m/s² (11² / 2 / 15 = 4.0): it may run the light, still a yield
    expect(scene({ distanceM: 15, signal: 'RED' }).reason).toMatch(/yield to vehicle onc/);
    // the line lies beyond where our footprint enters its strip (30 m − 1 m margin): a yield
    expect(scene({ distanceM: 29.5, signal: 'RED' }, 8).reason).toMatch(/yield to vehicle onc/);
  });

  it('keeps the approach speed while a yield to a vehicle can still be braked for at 2 m/s²', () => {
    const far = decide(
      view(
        { egoSpeedMps: 12, speedLimitMps: 20, objects: [oncObj(0, 11, 66, 60)] },
        { crossing: [oncoming({ conflictM: 60, agentTimeS: 5 })] },
      ),
    );
    expect(far.speed).not.toBe('STOP');
    expect(far.reason).toMatch(/stoppable before onc/);
    // the same yield within the braking curve is a stop
    const near = decide(
      view({ egoSpeedMps: 8, objects: [oncObj(0, 11, 30, 14)] }, { crossing: [oncoming({ conflictM: 20 })] }),
    );
    expect(near.speed).toBe('STOP');
  });

  it('a stop whose IDM speed one second on is zero is a STOP at the point, not a DECELERATE to 0', () => {
    const d = decide(
      view(
        { egoSpeedMps: 2 },
        { nextStopLine: { id: 's', laneId: 'R0', distanceM: 2, kind: 'signal', signal: 'RED' } },
      ),
    );
    expect(d.speed).toBe('STOP');
    expect(d.stopDistanceM).toBeCloseTo(1.7, 5);
  });

  it('behind a lead that stands, the end of the IDM approach is a STOP at the standstill gap, held; a lead moving is followed', () => {
    // a walker standing in the lane 2.4 m ahead, the ego at 0.3 m/s: IDM asks a few cm/s (it only
    // tends to the gap) and that target crept on for good; it is a stop minGapM behind the walker
    const at = (egoSpeedMps: number, gapM: number, leadMps = 0, objects: RouteObject[] = []) =>
      decide(
        view(
          { egoSpeedMps, objects },
          {
            ego: {
              laneId: 'R0',
              lead: laneAgent('w', { gapM, speedMps: leadMps, relSpeedMps: leadMps - egoSpeedMps }),
              follow: null,
            },
          },
        ),
      );
    const creep = at(0.3, 2.4);
    expect(creep.speed).toBe('STOP');
    expect(creep.stopDistanceM).toBeCloseTo(2.4 - PARAMS.minGapM, 9);
    expect(creep.reason).toMatch(/stands/);
    // standing there: held (no ACCELERATE to creep up the last 0.4 m)
    expect(at(0, 2.4).speed).toBe('STOP');
    // from rest a few metres short of the gap: a STOP at the gap (the executor drives up to its point)
    const short = at(0, 5);
    expect(short.speed).toBe('STOP');
    expect(short.stopDistanceM).toBeCloseTo(5 - PARAMS.minGapM, 9);
    // a lead that moves, or one standing far ahead: IDM as before
    expect(at(0.3, 2.4, 1).speed).not.toBe('STOP');
    expect(at(8, 40).speed).not.toBe('STOP');
    // a walker crossing the lane (no speed along it, 1.4 m/s across) moves on: no stop for it
    const walking = obj('w', { kind: 'pedestrian', sM: 2.4 + 2.25 + 0.3, speedMps: 1.4, acrossMps: 1.4 });
    expect(at(0.3, 2.4, 0, [walking]).reason).not.toMatch(/stands/);
  });

  it('behind a car standing in a queue or a box no way round can pass, stands at the standstill gap; behind a walker or a car that may be parked, at minGapM', () => {
    // the same stop behind a lead standing 3 m ahead, the ego at 0.3 m/s; a car we saw drive up and
    // stop in the lane (never a blocker to pass: `inTrafficQueue`) is waited behind at
    // `standstillGapM` (CARLA FollowLeadingVehicle / CatalogExample: the ego stood 2 m back, the
    // expert 0.4–0.65 m); one first seen standing may turn out parked and be passed: steering room
    const at = (o: RouteObject, g: Parameters<typeof view>[1] = {}) =>
      decide(
        view(
          { egoSpeedMps: 0.3, objects: [o] },
          {
            ego: {
              laneId: 'R0',
              lead: laneAgent(o.id, { gapM: 3, speedMps: 0, relSpeedMps: -0.3 }),
              follow: null,
            },
            ...g,
          },
        ),
      );
    const queued = at(obj('car', { sM: 3, standingS: 20, movedM: 30 }));
    expect(queued.speed).toBe('STOP');
    expect(queued.stopDistanceM).toBeCloseTo(3 - PARAMS.standstillGapM, 9);
    // queued before a junction, first seen standing: a queue too
    const atJunction = at(obj('car', { sM: 3, standingS: 20 }), {
      nextJunction: { junctionId: 'j', distanceM: 12 },
    });
    expect(atJunction.stopDistanceM).toBeCloseTo(3 - PARAMS.standstillGapM, 9);
    // first seen standing on the open road (it may be parked), and a walker: minGapM
    expect(at(obj('car', { sM: 3, standingS: 2 })).stopDistanceM).toBeCloseTo(3 - PARAMS.minGapM, 9);
    const walker = at(obj('w', { kind: 'pedestrian', sM: 3, lengthM: 0.5, widthM: 0.6, standingS: 20 }));
    expect(walker.stopDistanceM).toBeCloseTo(3 - PARAMS.minGapM, 9);
    expect(PARAMS.standstillGapM).toBeLessThan(PARAMS.minGapM);
    // a box in the lane's middle that no way round can pass (no neighbour, no nudge): the lead's stop
    // is at the blocker's own wait (`barredWaitM`), not `minGapM` (CARLA Slalom: the lead's stop
    // bound first and stood the ego 2.4 m short of a cone whose wait was at 1 m)
    const box = obj('box', { kind: 'static', sM: 3, lengthM: 1, widthM: 2, standingS: 20 });
    expect(at(box, { left: null }).stopDistanceM).toBeCloseTo(3 - barredWaitM(PARAMS), 9);
  });

  it('a creep stop stands on its point: it rolls on while the least braking would stand short, then brakes onto it', () => {
    // 0.37 m/s, 0.95 m short of the standstill gap behind a stopped car: the stop is commanded without
    // its point (a creep stop) at the braking decided, which was never under 0.1 m/s² — it stood
    // 0.3 m short and held there (CARLA FollowLeadingVehicle: 0.36 m short for 40 s). Closed loop at
    // 10 Hz, the controller's reading of each decision (KEEP holds the speed, STOP brakes at its rate).
    const gap0 = PARAMS.standstillGapM + 0.95;
    let s = 0;
    let v = 0.37;
    for (let i = 0; i < 100; i++) {
      const car = obj('car', { sM: gap0 - s, standingS: 20, movedM: 30 });
      const d = decide(
        view(
          { egoSpeedMps: v, objects: [car] },
          {
            ego: {
              laneId: 'R0',
              lead: laneAgent('car', { gapM: gap0 - s, speedMps: 0, relSpeedMps: -v }),
              follow: null,
            },
          },
        ),
      );
      const a = d.speed === 'STOP' ? -(v > 0 ? (d.decelMps2 ?? 0) : 0) : d.speed === 'KEEP' ? 0 : NaN;
      expect(Number.isNaN(a)).toBe(false);
      const vNext = Math.max(0, v + a * 0.1);
      s += ((v + vNext) / 2) * 0.1;
      v = vNext;
    }
    expect(v).toBe(0);
    // stands within a few centimetres of the gap, never past it
    expect(gap0 - s).toBeGreaterThanOrEqual(PARAMS.standstillGapM - 0.05);
    expect(gap0 - s).toBeLessThan(PARAMS.standstillGapM + 0.1);
  });

  it('does not slow below a follower closing in for a close neighbour', () => {
    const nb = obj('nb', { sM: 5, dM: 3.5, alongMps: 8, speedMps: 8 });
    const lane = (follow: ReturnType<typeof laneAgent> | null) => ({
      ego: { laneId: 'R0', lead: null, follow },
    });
    const alone = decide(view({ egoSpeedMps: 12, speedLimitMps: 20, objects: [nb] }, lane(null)));
    expect(alone.targetSpeedMps).toBeCloseTo(10, 5);
    const followed = decide(
      view(
        { egoSpeedMps: 12, speedLimitMps: 20, objects: [nb] },
        lane(laneAgent('f', { gapM: 12, speedMps: 13, relSpeedMps: 1 })),
      ),
    );
    expect(followed.targetSpeedMps).toBeCloseTo(13, 5);
    // a follower dropping back (slower than the ego) is not closing in: the neighbour cap holds
    const droppingBack = decide(
      view(
        { egoSpeedMps: 12, speedLimitMps: 20, objects: [nb] },
        lane(laneAgent('f', { gapM: 12, speedMps: 11.5, relSpeedMps: -0.5 })),
      ),
    );
    expect(droppingBack.targetSpeedMps).toBeCloseTo(10, 5);
  });

  it('time to cover a distance while braking: Infinity when the body stops first', () => {
    expect(timeAtBraking(16, 8, 2)).toBeCloseTo(4, 9);
    expect(timeAtBraking(12, 8, 2)).toBeCloseTo(2, 9);
    expect(timeAtBraking(20, 8, 2)).toBe(Infinity);
  });

  it('eases off to fit the gap committed to behind a car alongside in the target lane', () => {
    const merge = { leadId: 'A', followId: 'B', leadGapM: -0.25, followGapM: 20.75, speedMps: 14, untilS: 7 };
    const lat = { ...FOLLOW, merge };
    const v = view({ egoSpeedMps: 14, speedLimitMps: 27 });
    const d = decideLongitudinal(v, analyseScene(v, PARAMS), lat, PARAMS);
    expect(d.speed).toBe('DECELERATE');
    expect(d.reason).toMatch(/merge gap/);
    expect(d.decelMps2!).toBeLessThanOrEqual(PARAMS.mergeDecelMps2 + 1e-9);
  });

  it('stops at the end of a lane the route leaves that ends, rather than forcing in', () => {
    const routeChange = {
      laneId: 'L1',
      fromLaneId: 'R0',
      side: 'LEFT' as const,
      startM: -100,
      endM: 12,
      fromContinues: false,
    };
    const d = decide(view({ egoSpeedMps: 6, routeChange }));
    expect(d.speed).toBe('STOP');
    expect(d.reason).toMatch(/end of R0/);
    // a lane that goes on is no reason to stop
    const on = decide(view({ egoSpeedMps: 6, routeChange: { ...routeChange, fromContinues: true } }));
    expect(on.speed).not.toBe('STOP');
  });

  describe('gap acceptance at an unprotected turn', () => {
    /** A yield to `onc` decided before, its stop point 10 m ahead of our front (ego sM 20, front 4). */
    const kept = () => ({ yieldTo: new Map([['onc', 34]]) });
    const run = (o: RouteObject, egoSpeedMps = 0, crossing = [oncoming({ agentTimeS: 0, conflictM: 3 })]) => {
      const v = view({ egoSpeedMps, objects: [o] }, { crossing });
      const yielded = new Map<string, number>();
      const d = decideLongitudinal(v, analyseScene(v, PARAMS), FOLLOW, PARAMS, kept(), yielded);
      return { d, yielded };
    };

    it('a kept yield ends once the car rear is past our footprint part in its path by the margin, though perception still lists it', () => {
      const passed = (rearPastM: number) =>
        obj('onc', { sM: -3, dM: 3.5, speedMps: 11, alongMps: -11, accelMps2: 0, rearPastM });
      expect(run(passed(PARAMS.gapRearMarginM + 0.5)).yielded.has('onc')).toBe(false);
      expect(run(passed(PARAMS.gapRearMarginM - 0.5)).yielded.has('onc')).toBe(true);
    });

    it('a kept yield ends once the car is committed to our path and its rear clears before we could get there', () => {
      const crossing = (agentClearM: number, egoEntryM: number, agentToEntryM = 0) =>
        obj('onc', {
          sM: 2,
          dM: 3.5,
          lengthM: 4.5,
          speedMps: 12,
          alongMps: -12,
          accelMps2: 0,
          entry: { egoEntryM, agentToEntryM, agentClearM, egoExitM: egoEntryM + 12 },
        });
      // centre 0.25 m past (4.5 / 2 − 2), rear out (with 1 m and 1 s) in 1.25 s; we need 2 s for 3 m from rest
      expect(run(crossing(2, 3)).yielded.has('onc')).toBe(false);
      // in our path with its centre still to cross it: rear out in 1.58 s, still before we could get there
      expect(run(crossing(6, 3)).yielded.has('onc')).toBe(false);
      // we are at its path already (0.5 m: 0.8 s from rest), sooner than its rear clears with the margins
      expect(run(crossing(2, 0.5)).yielded.has('onc')).toBe(true);
    });

    it('the approach to a car yielded to is timed: rolling, to meet its gap as it opens', () => {
      // 8 m/s, stop point 28 m ahead (entry 30 − 2), the car enters our corridor in 6 s and is out
      // of our path ≈ 4.5 s later
      const far = decide(
        view(
          { egoSpeedMps: 8, objects: [oncObj(0, 11, 70, 30)] },
          { crossing: [oncoming({ agentTimeS: 6, conflictM: 40 })] },
        ),
      );
      expect(far.speed).toBe('DECELERATE');
      expect(far.reason).toMatch(/yield to vehicle onc: approach timed/);
      // slowing at the approach's braking (not stopping)
      expect(far.decelMps2).toBeLessThanOrEqual(PARAMS.rollDecelMps2 + 1e-9);
      expect(far.targetSpeedMps).toBeCloseTo(8 - PARAMS.rollDecelMps2 * PARAMS.targetLookS, 5);
      expect(far.targetSpeedMps).toBeLessThan(8);
    });

    it('near the path of a car yielded to the ego approaches slowly enough not to look as if it pulls out', () => {
      // 2 m/s, 8 m from its path (stop point 6 m), the car enters our corridor in 3 s: timing alone
      // would roll on at 6 / 2.5 = 2.4 m/s; at 2 m/s we would be in its path (less the 1 m margin) in 3.5 s
      const d = decide(
        view(
          { egoSpeedMps: 2, objects: [oncObj(0, 11, 33, 8)] },
          { crossing: [oncoming({ agentTimeS: 3, conflictM: 12 })] },
        ),
      );
      expect(d.reason).toMatch(/approach timed/);
      expect(d.targetSpeedMps).toBeLessThanOrEqual((8 - PARAMS.yieldShowMarginM) / PARAMS.yieldShowS + 1e-9);
      expect(d.targetSpeedMps).toBeGreaterThan(1);
    });

    it('once the car yielded to is at our path, the ego rolls on to meet its gap: no show cap, stoppable at the stop point', () => {
      // 2 m/s, our footprint enters its strip 8 m ahead (stop point 6 m); a 7 m/s car's rear is out,
      // with the margins, in (8 + 1) / 7 + 1 ≈ 2.3 s — after we could get there (≈ 2.2 s at 1.5 m/s²)
      const at = (agentToEntryM: number) =>
        decide(
          view(
            { egoSpeedMps: 2, objects: [oncObj(0, 7, agentToEntryM, 8)] },
            { crossing: [oncoming({ agentTimeS: agentToEntryM / 7, conflictM: 10, speedMps: 7 })] },
          ),
        );
      const show = (8 - PARAMS.yieldShowMarginM) / PARAMS.yieldShowS;
      // still to come (10 m from our path): the approach must not look like pulling out
      const coming = at(10);
      expect(coming.reason).toMatch(/approach timed/);
      expect(coming.targetSpeedMps).toBeLessThanOrEqual(show + 1e-9);
      // at our path (it can no longer yield): as the gap opens, be where braking at yieldBrake still
      // stops at the stop point, at that speed (v·T + v²/(2b) = 7 m, T ≈ 2.3 s: ≈ 2.4 m/s)
      const passing = at(0);
      expect(passing.reason).toMatch(/yield to vehicle onc/);
      expect(passing.targetSpeedMps).toBeGreaterThan(show + 0.5);
      expect(passing.targetSpeedMps).toBeLessThanOrEqual(
        Math.sqrt(2 * PARAMS.yieldBrakeMps2 * (6 - 0.5)) + 1e-9,
      );
    });

    it('a gap ahead of a crossing car is taken only when it gets there yieldGapS after our footprint has left its path', () => {
      // 10 m/s; the car's centre meets our corridor 30 m ahead; our footprint enters its path 25 m ahead
      const scene = (agentTimeS: number, egoExitM: number) =>
        decide(
          view(
            {
              egoSpeedMps: 10,
              objects: [
                obj('onc', {
                  sM: 40,
                  dM: -20,
                  speedMps: 11,
                  alongMps: 0,
                  acrossMps: 11,
                  accelMps2: 0,
                  entry: {
                    egoEntryM: 25,
                    agentToEntryM: 11 * agentTimeS,
                    agentClearM: 11 * agentTimeS + 8,
                    egoExitM,
                  },
                }),
              ],
            },
            { crossing: [oncoming({ agentTimeS, conflictM: 30 })] },
          ),
        ).reason;
      // too small: it is there 4 s on, we clear at 4 s
      expect(scene(4, 40)).toMatch(/yield to vehicle onc/);
      // large: 10 s on, 6 s after we have cleared
      expect(scene(10, 40)).not.toMatch(/yield to vehicle onc/);
      // 8 s on: enough after our rear passes the centreline point (4 s), not after our footprint has
      // left its path 60 m on (6 s)
      expect(scene(8, 40)).not.toMatch(/yield to vehicle onc/);
      expect(scene(8, 60)).toMatch(/yield to vehicle onc/);
    });
  });
});

describe('longitudinal agent: the yield to a crossing car committed to our path', () => {
  /** A 12 m/s car in the oncoming lane, its front `agentToEntryM` from our path, its rear `agentClearM` from past it. */
  const car = (agentToEntryM: number, agentClearM: number, egoEntryM: number) =>
    obj('onc', {
      sM: 10,
      dM: 3.5,
      lengthM: 4.5,
      speedMps: 12,
      alongMps: -12,
      accelMps2: 0,
      entry: { egoEntryM, agentToEntryM, agentClearM, egoExitM: egoEntryM + 12 },
    });
  /** From rest, yielding to it since before (stop point 20 m on). */
  const kept = (o: RouteObject) => {
    const v = view(
      { egoSpeedMps: 0, objects: [o] },
      {
        crossing: [
          {
            agentId: 'onc',
            kind: 'vehicle',
            speedMps: 12,
            distanceM: 20,
            conflictM: 8,
            agentTimeS: 0.5,
            egoTimeS: 3,
          },
        ],
      },
    );
    const yielded = new Map<string, number>();
    decideLongitudinal(
      v,
      analyseScene(v, PARAMS),
      FOLLOW,
      PARAMS,
      { yieldTo: new Map([['onc', 20]]) },
      yielded,
    );
    return yielded.has('onc');
  };

  it('a car is committed once even the hardest braking would not stop it short of our path', () => {
    const stopM = (12 * 12) / (2 * PARAMS.maxDecelMps2); // 12 m at 6 m/s²
    expect(committedToPath(car(0, 6, 3), PARAMS)).toBe(true);
    expect(committedToPath(car(stopM - 1, 20, 3), PARAMS)).toBe(true);
    expect(committedToPath(car(stopM + 1, 20, 3), PARAMS)).toBe(false);
    expect(committedToPath(obj('x', { speedMps: 12 }), PARAMS)).toBe(false);
  });

  it('the yield ends as soon as the gap behind a committed car is sound, before its centre has crossed our path', () => {
    // 8 m short of our path (it cannot stop in 8 m from 12 m/s), its rear out with the margins in
    // (14 + 1) / 12 + 1 = 2.25 s; we need 3 s to our entry 6 m on from rest (1.5 m/s² up to 3 m/s)
    expect(kept(car(8, 14, 6))).toBe(false);
    // …but not where we could be in its path first (entry 2 m on: 1.6 s)
    expect(kept(car(8, 14, 2))).toBe(true);
  });

  it('the yield to a car that could still stop short of our path stands, though its gap would be sound', () => {
    // 20 m short (it could stop in 12 m and let us go — or brake for us and hold the gap up), its
    // rear out in 3.25 s, our entry 12 m on (5 s from rest)
    expect(kept(car(20, 26, 12))).toBe(true);
  });
});

describe('a lane change beginning (nuPlan reads a + d·α; the change’s steering onset is α)', () => {
  const rc = (startM: number) => ({
    laneId: 'R1',
    fromLaneId: 'R0',
    side: 'LEFT' as const,
    startM,
    endM: 200,
    fromContinues: true,
  });
  const LEFT: LateralDecision = { path: 'LEFT_CHANGE', targetLaneId: 'R1', reason: '' };

  it('speeds up no harder than changeOnsetAccelMps2 while a change is due within the lead time', () => {
    // 6 m/s on an 11 m/s road: free, the target is the limit (the controller rises at 1.5 m/s²)
    expect(decide(view({ egoSpeedMps: 6 })).targetSpeedMps).toBe(11);
    // the change may begin (body a length into its stretch) within 1 s of travel: one look-ahead
    // on at the capped rate
    const d = decide(view({ egoSpeedMps: 6, routeChange: rc(-3) }));
    expect(d.targetSpeedMps).toBeCloseTo(6 + PARAMS.changeOnsetAccelMps2 * PARAMS.targetLookS, 9);
    expect(d.reason).toMatch(/the lane change beginning/);
    // far off, or kept waiting (for a gap) more than the lead time: free
    expect(decide(view({ egoSpeedMps: 6, routeChange: rc(40) })).targetSpeedMps).toBe(11);
    expect(decide(view({ egoSpeedMps: 6, routeChange: rc(-30) })).targetSpeedMps).toBe(11);
  });

  it('holds the cap from the command until the body is changeOnsetM over, not in the target lane', () => {
    const g = (laneId: string, dM: number) => ({
      egoLane: { laneId, sM: 20, dM, headingErrRad: 0, type: 'driving', speedLimitMps: 11, onRoute: true },
    });
    const capped = 6 + PARAMS.changeOnsetAccelMps2 * PARAMS.targetLookS;
    expect(decide(view({ egoSpeedMps: 6 }, g('R0', 0.3)), LEFT).targetSpeedMps).toBeCloseTo(capped, 9);
    expect(decide(view({ egoSpeedMps: 6 }, g('R0', 1.2)), LEFT).targetSpeedMps).toBe(11);
    // in the target lane (its offset there negative, right of its centre): under way, free
    expect(decide(view({ egoSpeedMps: 6 }, g('R1', -1.5)), LEFT).targetSpeedMps).toBe(11);
  });

  it('leaves gentler speeding up and braking as they are', () => {
    // near the limit IDM's free term is under the cap: no change
    const near = decide(view({ egoSpeedMps: 10.8, routeChange: rc(-3) }));
    expect(near.reason).not.toMatch(/the lane change beginning/);
    const lead = laneAgent('a', { gapM: 8, speedMps: 3, relSpeedMps: -3 });
    const brake = decide(
      view({ egoSpeedMps: 6, routeChange: rc(-3) }, { ego: { laneId: 'R0', lead, follow: null } }),
    );
    expect(brake.speed).not.toBe('ACCELERATE');
    expect(brake.reason).not.toMatch(/the lane change beginning/);
  });
});

describe('a crossing car turned back by its red light (stopsForSignal)', () => {
  // 10 m/s, 22 m from the strip our body sweeps, its line `lineM` on (negative: over it)
  const car = (lineM: number, speedMps = 10, signal: 'RED' | 'YELLOW' = 'RED') =>
    obj('x', {
      speedMps,
      accelMps2: 0,
      entry: { egoEntryM: 6, agentToEntryM: 22, agentClearM: 30, egoExitM: 12 },
      signalStop: { distanceM: lineM, signal },
    });

  it('stops where it can at its line comfortably, whatever the ego’s own light', () => {
    expect(stopsForSignal(car(20), PARAMS)).toBe(true); // 2.5 m/s²
    expect(stopsForSignal(car(20), PARAMS, true)).toBe(true);
  });

  it('one that cannot is a conflict — unless the ego clears its junction on red and it rests over its line short of our path', () => {
    // 10 m before its line: 5 m/s²; at 3 m/s² it rests 16.7 m on, 5.3 m short of our path (≥ 2 m)
    expect(stopsForSignal(car(10), PARAMS)).toBe(false);
    expect(stopsForSignal(car(10), PARAMS, true)).toBe(true);
    // already 2 m over its line: the same stop, as far on
    expect(stopsForSignal(car(-2), PARAMS, true)).toBe(true);
    // a yellow does not hold it: it may go on through lawfully
    expect(stopsForSignal(car(10, 10, 'YELLOW'), PARAMS, true)).toBe(false);
    // 13 m/s: it rests 28 m on, past our path
    expect(stopsForSignal(car(10, 13), PARAMS, true)).toBe(false);
    // 11.5 m/s: 22 m on, short of our path by less than Autoware's 2 m margin
    expect(stopsForSignal(car(10, 11.5), PARAMS, true)).toBe(false);
  });
});
