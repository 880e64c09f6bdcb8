import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwrap } from '../../../core/index.ts';
import { loadOpenDrive } from './index.ts';
import { lanePosition, positionDelta, type RoadPosition, roadDistance } from './RoadPath.ts';

// esmini's fabriksgatan.xodr (a four-way junction, 16 roads), vendored in data/esmini. Expected
// values: esmini's own tests on that file (RoadManager_test.cpp DistanceTest / DeltaTest /
// ProbeTest / RoadPosTest, RoadManagerDll_test.cpp, esmini 77028d8).
const XODR = join(import.meta.dirname, '../../../data/esmini/resources/xodr/fabriksgatan.xodr');

const geo = () => unwrap(loadOpenDrive(XODR)).geometry;
const pos = (
  road: number,
  lane: number,
  s: number,
  offset: number,
  h: { absRad?: number; relRad?: number },
) => {
  const p = lanePosition(geo(), String(road), lane, s, offset, h);
  if (!p) throw new Error(`no lane position ${road}/${lane}/${s}`);
  return p as RoadPosition;
};

describe('road paths on fabriksgatan.xodr (esmini RoadPath / Delta)', () => {
  it('adds the counter connection esmini derives: road 3 lane 1 enters connecting road 10 towards road 0', () => {
    const j = geo().junction('4')!;
    const c = j.connections.find((x) => x.incomingRoadId === '3' && x.connectingRoadId === '10');
    expect(c).toEqual({
      incomingRoadId: '3',
      connectingRoadId: '10',
      contactPoint: 'end',
      laneLinks: [{ from: 1, to: -1 }],
    });
  });

  it('measures the longitudinal road distance through the junction, positive when the target lies ahead', () => {
    const a = pos(0, 1, 10, 0, { absRad: 1.6 });
    expect(roadDistance(geo(), a, pos(1, 1, 15, 0, {}), 'longitudinal')).toBeCloseTo(34.141086, 5);
    expect(roadDistance(geo(), a, pos(1, 1, 14, 0, {}), 'longitudinal')).toBeCloseTo(33.141086, 5);
  });

  it('gives the same road distance negative when the measuring position faces away', () => {
    const a = pos(0, 1, 10, 0, { absRad: 5.0 });
    expect(roadDistance(geo(), a, pos(1, 1, 14, 0, {}), 'longitudinal')).toBeCloseTo(-33.141086, 5);
    expect(roadDistance(geo(), a, pos(1, -1, 14, 0, {}), 'longitudinal')).toBeCloseTo(-33.141086, 5);
  });

  it('measures the lateral road distance across a road that runs the other way as t sum', () => {
    const a = pos(0, 1, 10, 0, { absRad: 5.0 });
    expect(roadDistance(geo(), a, pos(1, 1, 14, 0, {}), 'lateral')).toBeCloseTo(3.5, 5);
    expect(roadDistance(geo(), a, pos(1, -1, 14, 0, {}), 'lateral')).toBeCloseTo(0, 5);
  });

  it('follows the start lane: from the left lane of road 3 the path takes connecting road 10', () => {
    const a = pos(3, 1, 5, -0.25, { relRad: 0 });
    const b = pos(0, -1, 15, 0.15, {});
    expect(roadDistance(geo(), a, b, 'longitudinal')).toBeCloseTo(139.317791, 5);
    expect(roadDistance(geo(), a, b, 'lateral')).toBeCloseTo(-3.1, 5);
  });

  it('reports no road distance between connecting roads that no directed path joins', () => {
    expect(
      roadDistance(geo(), pos(16, -1, 5, -0.25, {}), pos(8, -1, 1, 0.15, {}), 'lateral'),
    ).toBeUndefined();
    expect(positionDelta(geo(), pos(11, -1, 1, 0, {}), pos(6, -1, 1, 0, {})).found).toBe(false);
  });

  it('counts the lanes between the positions along the path (Delta dLaneId, dOppLane)', () => {
    const a = pos(0, 1, 5, 0, { relRad: Math.PI });
    const same = positionDelta(geo(), a, pos(2, 1, 250, 0, { relRad: Math.PI })).delta;
    expect(same.ds).toBeCloseTo(74.5658, 4);
    expect([same.dLaneId, same.dOppLane]).toEqual([0, false]);
    const opp = positionDelta(geo(), a, pos(2, -1, 250, 0, { relRad: Math.PI })).delta;
    expect([opp.dLaneId, opp.dOppLane]).toEqual([-1, true]);
    const other = positionDelta(geo(), a, pos(3, -1, 100, 0, { relRad: 0 })).delta;
    expect(other.ds).toBeCloseTo(34.31779, 5);
    expect(other.dt).toBeCloseTo(-3.5, 5);
  });
});

describe('moves along s through a junction on fabriksgatan.xodr (esmini MoveAlongS)', () => {
  it('takes the straightest connecting road (road 0 lane 1 → road 9) and turns the heading with it', () => {
    const g = geo();
    const m = g.moveAlongS('0', 1, 1, -1.5, { tM: 1.75 })!;
    expect([m.roadId, m.laneId, m.madeJunctionChoice, m.headingFlipped]).toEqual(['9', -1, true, true]);
  });

  it('probes 130 m from road 3 through the junction onto road 1 at s 5.2365 (ProbeTest)', () => {
    const g = geo();
    const m = g.moveAlongS('3', -1, 5, 130, { tM: -1.75 })!;
    expect([m.roadId, m.laneId, m.enteredNewRoad]).toEqual(['1', -1, true]);
    expect(m.sM).toBeCloseTo(5.2365, 4);
    expect(unwrap(g.pose('1', m.sM, 0)).hRoad).toBeCloseTo(0.19298, 5);
  });

  it('snaps a point past a road end onto that road: s at the end, the lateral offset from the nearest driving lane', () => {
    const c = geo().snapToRoad('3', 31.11617, -19.56364)!;
    expect(c.sM).toBeCloseTo(geo().roadLength('3')!, 9);
    expect([c.laneId]).toEqual([-1]);
    expect(c.offsetM).toBeCloseTo(-15.71443, 5);
  });
});
