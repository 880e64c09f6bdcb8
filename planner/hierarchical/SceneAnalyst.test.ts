import { describe, expect, it } from 'vitest';
import { analyseScene } from './SceneAnalyst.ts';
import { laneAgent, obj, PARAMS, view } from './testing/views.ts';

const kinds = (v: ReturnType<typeof view>) => analyseScene(v, PARAMS).hazards.map((h) => h.kind);

describe('scene analyst (rules)', () => {
  it('a static object in the ego lane ahead is a blocked lane', () => {
    const a = analyseScene(view({ objects: [obj('truck', { kind: 'static', sM: 30 })] }), PARAMS);
    expect(a.hazards[0]).toMatchObject({ kind: 'blocked_lane', agentId: 'truck' });
  });

  it('a vehicle standing in the lane long enough, far from a stop line, is a blocked lane', () => {
    const v = view({ objects: [obj('car', { standingS: PARAMS.parkedAfterS + 1 })] });
    expect(kinds(v)).toContain('blocked_lane');
  });

  it('a car seen driving that stopped in the lane (not pulled over, no hazards) is a stopped lead, not a blocked lane', () => {
    const lead = { ego: { laneId: 'R0', lead: laneAgent('car', { speedMps: 0, gapM: 30 }), follow: null } };
    // it stood long past parkedAfterS 30 m ahead, centred in the lane (two-way road, kerb on the right)
    const at = (over: Parameters<typeof obj>[1]) =>
      kinds(view({ objects: [obj('car', { standingS: 60, ...over })] }, lead));
    // first seen standing: nothing tells it from a parked car — blocked after parkedAfterS
    expect(at({ movedM: 0 })).toContain('blocked_lane');
    expect(at({})).toContain('blocked_lane'); // (not tracked: as before)
    // seen driving 30 m before it stopped: traffic, waited behind
    expect(at({ movedM: 30 })).not.toContain('blocked_lane');
    expect(at({ movedM: 30 })).toContain('stopped_lead');
    // … however long it stands; moved less than seenDrivingM it is still one first seen standing
    expect(at({ movedM: PARAMS.seenDrivingM * 0.9 })).toContain('blocked_lane');
    // pulled over to the kerb (1.6 m right of the centre, no lane on the right: 1.6 m of the 1.3 m it
    // could move over, over 0.8) it parked there; pulled towards the oncoming lane it did not
    expect(at({ movedM: 30, dM: -1.6 })).toContain('blocked_lane');
    expect(at({ movedM: 30, dM: 1.6 })).not.toContain('blocked_lane');
    // a same-direction lane on the right is no kerb either
    expect(
      kinds(view({ rightWidthM: 3.5, objects: [obj('car', { standingS: 60, movedM: 30, dM: -1.6 })] }, lead)),
    ).not.toContain('blocked_lane');
    // hazard lights on, or flagged parked: it has parked (double-parked, broken down) where it stands
    expect(at({ movedM: 30, hazardLights: true })).toContain('blocked_lane');
    expect(at({ movedM: 30, parked: true })).toContain('blocked_lane');
  });

  it('a vehicle queued at a stop line is not a blocked lane', () => {
    const v = view(
      { objects: [obj('car', { sM: 20, standingS: 20 })] },
      { nextStopLine: { id: 's', laneId: 'R0', distanceM: 30, kind: 'signal', signal: 'RED' } },
    );
    expect(kinds(v)).not.toContain('blocked_lane');
  });

  it('names the lead, a stopped lead apart', () => {
    expect(kinds(view({}, { ego: { laneId: 'R0', lead: laneAgent('a'), follow: null } }))).toContain('lead');
    const stopped = view({}, { ego: { laneId: 'R0', lead: laneAgent('a', { speedMps: 0 }), follow: null } });
    expect(kinds(stopped)).toContain('stopped_lead');
  });

  it('reads red and yellow lights and stop signs at the next stop line', () => {
    const line = (signal: 'RED' | 'YELLOW' | 'NONE', kind = 'signal') => ({
      nextStopLine: { id: 's', laneId: 'R0', distanceM: 25, kind, signal },
    });
    expect(kinds(view({}, line('RED')))).toContain('red_light');
    expect(kinds(view({}, line('YELLOW')))).toContain('yellow_light');
    expect(kinds(view({}, line('NONE', 'stop_sign')))).toContain('stop_sign');
  });

  it('lists crossing walkers before crossing vehicles', () => {
    const crossing = [
      {
        agentId: 'car',
        kind: 'vehicle' as const,
        speedMps: 8,
        distanceM: 20,
        conflictM: 15,
        agentTimeS: 2,
        egoTimeS: 1.5,
      },
      {
        agentId: 'ped',
        kind: 'pedestrian' as const,
        speedMps: 1.4,
        distanceM: 30,
        conflictM: 25,
        agentTimeS: 2,
        egoTimeS: 2.5,
      },
    ];
    expect(kinds(view({}, { crossing })).slice(0, 2)).toEqual(['crossing_vru', 'crossing_vehicle']);
  });

  it('a walker at the crosswalk ahead occupies it', () => {
    const v = view(
      { objects: [obj('ped', { kind: 'pedestrian', sM: 20, dM: 2.5, widthM: 0.6, lengthM: 0.6 })] },
      { nextCrosswalk: { id: 'cw', distanceM: 21 } },
    );
    expect(kinds(v)).toContain('crosswalk_occupied');
  });

  it('a walker standing on the pavement beside the crosswalk does not occupy it; one walking towards the road does', () => {
    const ped = (acrossMps: number) =>
      view(
        {
          objects: [
            obj('ped', {
              kind: 'pedestrian',
              sM: 20,
              dM: -4.25,
              widthM: 0.6,
              lengthM: 0.6,
              acrossMps,
              speedMps: acrossMps,
            }),
          ],
        },
        { nextCrosswalk: { id: 'cw', distanceM: 21 } },
      );
    expect(kinds(ped(0))).not.toContain('crosswalk_occupied');
    expect(kinds(ped(1.3))).toContain('crosswalk_occupied');
    // walking away from the road (right, away from the lane): not ours
    expect(kinds(ped(-1.3))).not.toContain('crosswalk_occupied');
  });

  it('a parked van on the right beside the lane is an occlusion', () => {
    const v = view({
      objects: [obj('van', { kind: 'static', sM: 40, dM: -2.9, widthM: 2.1, lengthM: 5.5 })],
    });
    expect(kinds(v)).toContain('occlusion');
    expect(kinds(v)).not.toContain('blocked_lane');
  });

  it('oncoming traffic in the left lane is listed with its time to reach us', () => {
    const a = analyseScene(
      view({ objects: [obj('onc', { sM: 110, dM: 3.5, alongMps: -11, speedMps: 11 })] }),
      PARAMS,
    );
    const h = a.hazards.find((x) => x.kind === 'oncoming_traffic')!;
    expect(h.timeS).toBeCloseTo(10, 5);
  });

  it('a neighbour drifting toward our lane close ahead is a cut-in', () => {
    const v = view({
      leftWidthM: 3.5,
      objects: [obj('cutter', { sM: 8, dM: 3.0, alongMps: 9, speedMps: 9, acrossMps: -1 })],
    });
    expect(kinds(v)).toContain('cut_in');
  });

  it('the route continuing in the left lane asks for a change to the left', () => {
    const v = view(
      {},
      {
        left: { laneId: 'L1', changeAllowed: true, opposite: false },
        successors: [
          { laneId: 'L1', relation: 'left', startM: -10, lengthM: 100 },
          { laneId: 'L2', relation: 'successor', startM: 90, lengthM: 100 },
        ],
      },
    );
    const a = analyseScene(v, PARAMS);
    expect(a.routeIntent).toBe('CHANGE_LEFT');
    expect(a.changeByM).toBe(90);
  });

  it('a left turn through the next junction is TURN_LEFT', () => {
    const v = view({ routeTurnRad: 1.5 }, { nextJunction: { junctionId: 'j', distanceM: 20 } });
    expect(analyseScene(v, PARAMS).routeIntent).toBe('TURN_LEFT');
  });

  it('world text is noted but not unusual (a sign must not choose who plans: ux21 #2b); a blocked lane with no way around is', () => {
    const withText = analyseScene(view({ hasWorldText: true }), PARAMS);
    expect(withText.unusual).toBe(false);
    expect(withText.notes.join(' ')).toMatch(/world text present/);
    const boxedIn = view({ objects: [obj('truck', { kind: 'static' })] }, { left: null, right: null });
    expect(analyseScene(boxedIn, PARAMS).unusual).toBe(true);
    expect(analyseScene(view(), PARAMS).unusual).toBe(false);
  });
  it('the limit in force is the lowest of the speed limit, the curve cap and the roll-out horizon cap', () => {
    expect(analyseScene(view({ speedLimitMps: 11, curveCapMps: 30 }), PARAMS).speedLimitMps).toBe(11);
    expect(analyseScene(view({ speedLimitMps: 11, curveCapMps: 9 }), PARAMS).speedLimitMps).toBe(9);
    expect(
      analyseScene(view({ speedLimitMps: 11, curveCapMps: 9, horizonCapMps: 7.4 }), PARAMS).speedLimitMps,
    ).toBe(7.4);
  });
});
