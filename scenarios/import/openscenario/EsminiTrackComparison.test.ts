import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwrap } from '../../../core/index.ts';
import { importFile } from '../index.ts';
import { parseEsminiCsv } from './EsminiCsv.ts';
import { compareTrack, egoNameOf, ourTracks } from './EsminiTrackComparison.ts';

// Rows of real esmini output (v3.6.0 @ 77028d83, headless --fixed_timestep 0.05 --csv_logger
// --disable_controllers), trimmed to a few times; data/esmini-compare/README.md has the commands.
const DATA = join(import.meta.dirname, '../../../data/esmini-compare');
const esminiRun = (name: string) => parseEsminiCsv(readFileSync(join(DATA, `${name}.csv`), 'utf8'));

describe("esmini's CSV logger output", () => {
  it('reads each entity track at its reference point with the box centre offset', () => {
    const csv = esminiRun('direct_junction');
    expect(csv.gitRev).toMatch(/77028d83/);
    expect([...csv.tracks.keys()]).toEqual(['Ego', 'Car']);
    const car = csv.tracks.get('Car')!;
    expect(car.map((s) => s.tS)).toEqual([0, 1, 2, 2.5, 3, 4, 5, 6]);
    expect(car[3]).toEqual({ tS: 2.5, x: 100, y: -1.75, headingRad: 0, speedMps: 20, bbXM: 1.4, bbYM: 0 });
  });
});

describe('our import held against esmini', () => {
  it('compares agents at the box centre, the ego at the reference point', () => {
    const csv = esminiRun('direct_junction');
    const s = unwrap(importFile(join(DATA, 'direct_junction.xosc'))).scenarios[0]!;
    const ego = egoNameOf(s, csv.tracks);
    expect(ego).toBe('Ego');
    const tracks = ourTracks(s, ego!);
    expect(tracks.map((t) => [t.role, t.anchor])).toEqual([
      ['ego', 'reference'],
      ['Car', 'boxCentre'],
    ]);
    // the ego on road 1 at 10 m/s: the same rows at the rear axle
    const c = compareTrack(tracks[0]!, csv.tracks.get('Ego')!)!;
    expect(c.n).toBe(8);
    expect(c.maxPosM).toBeLessThan(0.01);
  });

  it('drives an entity over a direct junction onto the linked road, as esmini does', () => {
    const csv = esminiRun('direct_junction');
    const s = unwrap(importFile(join(DATA, 'direct_junction.xosc'))).scenarios[0]!;
    const car = ourTracks(s, 'Ego').find((t) => t.role === 'Car')!;
    const c = compareTrack(car, csv.tracks.get('Car')!)!;
    expect(c.n).toBe(8);
    expect(c.maxPosM).toBeLessThan(0.01);
    expect(c.firstOverS).toBeNull();
  });
});

describe('paths around a loop road', () => {
  it('keeps an entity lapping a road that is its own successor on its lap, as esmini does', () => {
    // Car at 50 m/s on a 1585 m loop: at 31.2 s its path was extended from a point the old
    // projection put on the next lap's pass (the path's end): it stood still for a step.
    const csv = esminiRun('loop');
    const s = unwrap(importFile(join(DATA, 'loop.xosc'))).scenarios[0]!;
    const car = ourTracks(s, 'Ego').find((t) => t.role === 'Car')!;
    const c = compareTrack(car, csv.tracks.get('Car')!)!;
    expect(c.n).toBe(10);
    expect(c.maxPosM).toBeLessThan(0.05);
  });
});

describe('the storyboard step of the import', () => {
  it('catches a reach-position window narrower than a 0.1 s step, as esmini at 0.05 s does', () => {
    // Car at 25 m/s, ReachPosition s = 51.3 ± 1 m: 0.1 s steps pass at s = 50 and 52.5 (never
    // within 1 m), 0.05 s steps at 51.25; esmini slows it to 5 m/s from 1.65 s.
    const csv = esminiRun('reach');
    const s = unwrap(importFile(join(DATA, 'reach.xosc'))).scenarios[0]!;
    expect(s.dtS).toBe(0.1);
    const car = ourTracks(s, 'Ego').find((t) => t.role === 'Car')!;
    const c = compareTrack(car, csv.tracks.get('Car')!)!;
    expect(c.n).toBe(8);
    expect(c.maxPosM).toBeLessThan(0.01);
    expect(c.maxSpeedMps).toBeLessThan(0.01);
  });
});

describe('LongitudinalDistanceAction', () => {
  it("closes to the distance with esmini's damped spring under the DynamicConstraints", () => {
    // Car at 10 m/s keeps 15 m (freespace) behind the Ego at 20 m/s from 1 s: +4 m/s² (the
    // constraint) to 33.8 m/s at 8 s, then back to the Ego's speed; the old gain controller was
    // 3.6 m off by 8 s.
    const csv = esminiRun('long_distance');
    const s = unwrap(importFile(join(DATA, 'long_distance.xosc'))).scenarios[0]!;
    const car = ourTracks(s, 'Ego').find((t) => t.role === 'Car')!;
    const c = compareTrack(car, csv.tracks.get('Car')!)!;
    expect(c.n).toBe(12);
    expect(c.maxPosM).toBeLessThan(0.001);
    expect(c.maxSpeedMps).toBeLessThan(0.001);
  });
});

describe('an entity facing against its lane', () => {
  it("drives back along the lane and its predecessors and stops at the road's start, as esmini does", () => {
    // Back (lane -3 of the arc, turned by pi) drives back onto road 1 and stands at x = 0 from
    // 9.5 s; Ahead (lane 3 of road 1, turned by pi) drives on round the arc and stands at its end.
    // Each is three lanes from a lane running its way: before, both drove straight on along their
    // heading (198.6 m and 160.4 m off).
    const csv = esminiRun('wrong_way');
    const s = unwrap(importFile(join(DATA, 'wrong_way.xosc'))).scenarios[0]!;
    for (const name of ['Back', 'Ahead']) {
      const t = ourTracks(s, 'Ego').find((x) => x.role === name)!;
      const c = compareTrack(t, csv.tracks.get(name)!)!;
      expect(c.n, name).toBe(10);
      expect(c.maxPosM, name).toBeLessThan(0.1);
      expect(c.maxSpeedMps, name).toBeLessThan(0.01);
    }
    const back = csv.tracks.get('Back')!;
    expect(back.at(-1)).toMatchObject({ x: 0, speedMps: 0 });
  });
});

describe("esmini's speed actions", () => {
  const csv = esminiRun('speed_actions');
  const s = unwrap(importFile(join(DATA, 'speed_actions.xosc'))).scenarios[0]!;
  const held = (name: string) => {
    const t = ourTracks(s, 'Ego').find((x) => x.role === name)!;
    return compareTrack(t, csv.tracks.get(name)!)!;
  };

  it('steps a ring of relative speeds in Init order, after a zero-length first step', () => {
    // A = B + 2, B = C + 2, C = A + 2 (continuous, step), started C, B, A: esmini's Starts leave
    // C 2, B 4, A 6 m/s, its first frame (dt = 0) steps them once more to 8, 10, 12, and each later
    // step raises all three by maxAcceleration · dt, C first. Before: 6.4 m/s and 75.6 m off.
    expect(csv.tracks.get('A')![0]!.speedMps).toBeCloseTo(12, 6);
    for (const name of ['A', 'B', 'C']) {
      const c = held(name);
      expect(c.n, name).toBe(13);
      expect(c.maxSpeedMps, name).toBeLessThan(0.01);
      expect(c.maxPosM, name).toBeLessThan(0.05);
    }
  });

  it("reads a non-continuous relative target's reference speed every step", () => {
    // D (10 m/s) takes E's speed (delta 0) from 1 s, when E is at 5.9 m/s and accelerating: it
    // slows at 3 m/s² towards E's speed as it is each step, meets it at 7.6 m/s and keeps that
    // (the action ends); read once at the start, the target was 5.9 m/s (15.9 m off before).
    const c = held('D');
    expect(csv.tracks.get('D')!.at(-1)!.speedMps).toBeCloseTo(7.6, 6);
    expect(c.maxSpeedMps).toBeLessThan(0.01);
    expect(c.maxPosM).toBeLessThan(0.01);
  });

  it('runs a maneuver group again up to its maximumExecutionCount', () => {
    // F's group (up to 20, then down to 5 m/s) runs twice: 20 m/s again at 8 s (before: once, 37.5 m off).
    const c = held('F');
    expect(csv.tracks.get('F')!.find((e) => e.tS === 8)!.speedMps).toBeCloseTo(20, 6);
    expect(c.maxSpeedMps).toBeLessThan(0.01);
    expect(c.maxPosM).toBeLessThan(0.01);
  });
});

describe('an event overriding its siblings', () => {
  it('stops their running actions: a slowdown cut short keeps the speed it reached', () => {
    // Car slows 30 -> 10 m/s (sinusoidal, 3 s) from 1 s; at 2 s an override event in the same
    // maneuver starts a lane offset, stopping the slowdown: esmini's Car keeps 25.4 m/s (before:
    // the slowdown ran on to 10 m/s, 79 m off by 8 s).
    const csv = esminiRun('overwrite');
    const s = unwrap(importFile(join(DATA, 'overwrite.xosc'))).scenarios[0]!;
    const car = ourTracks(s, 'Ego').find((t) => t.role === 'Car')!;
    const c = compareTrack(car, csv.tracks.get('Car')!)!;
    expect(csv.tracks.get('Car')!.at(-1)!.speedMps).toBeCloseTo(25.4, 1);
    expect(c.n).toBe(10);
    expect(c.maxSpeedMps).toBeLessThan(0.01);
    expect(c.maxPosM).toBeLessThan(0.1);
  });
});

describe('a lane change through a lane split', () => {
  it('follows the target lane where it turns off before the change ends, as esmini does', () => {
    // Car changes from lane -1 to lane -2 over 5 s from 1 s and reaches the split at 4 s: esmini
    // moves it on the target lane, which turns off to the right (y -35.9 at 8 s); before, it
    // kept lane -1's path with an offset and went straight on.
    const csv = esminiRun('lane_split');
    const s = unwrap(importFile(join(DATA, 'lane_split.xosc'))).scenarios[0]!;
    const car = ourTracks(s, 'Ego').find((t) => t.role === 'Car')!;
    const c = compareTrack(car, csv.tracks.get('Car')!)!;
    expect(csv.tracks.get('Car')!.at(-1)!.y).toBeLessThan(-30);
    expect(c.n).toBe(10);
    expect(c.maxPosM).toBeLessThan(0.05);
  });
});

describe('past the end of a route', () => {
  it("takes a junction's first connection, as esmini does; without a route the straightest", () => {
    // Routed's route runs along road 1 only; at the junction its lane has two connections, the
    // first (road 12) turning left: esmini takes it (no road of the route lies beyond, so no
    // connection matches and the first is kept). The Ego, routeless, goes straight on (road 10).
    // Before, Routed went straight on too (32 m off by 10 s).
    const csv = esminiRun('route_end');
    const s = unwrap(importFile(join(DATA, 'route_end.xosc'))).scenarios[0]!;
    const tracks = ourTracks(s, 'Ego');
    const routed = compareTrack(tracks.find((t) => t.role === 'Routed')!, csv.tracks.get('Routed')!)!;
    const ego = compareTrack(tracks.find((t) => t.role === 'ego')!, csv.tracks.get('Ego')!)!;
    expect(csv.tracks.get('Routed')!.at(-1)!.y).toBeGreaterThan(20);
    expect(csv.tracks.get('Ego')!.at(-1)!.y).toBeCloseTo(-1.75, 6);
    expect(routed.n).toBe(10);
    expect(routed.maxPosM).toBeLessThan(0.2);
    expect(ego.maxPosM).toBeLessThan(0.01);
  });
});

describe('a trailer chain teleported by its head', () => {
  it("lines the trailer up behind the tow vehicle's hitch at its speed, as esmini does", () => {
    // Init teleports Trailer to s = 100, then Tractor to s = 40 (10 m/s): esmini's
    // AlignTrailers puts the trailer's coupler on the hitch (s = 34) with the tractor's speed
    // from the first frame; before, it was pulled from s = 100 (66 m off) and stood at 0 m/s at 0 s.
    const csv = esminiRun('trailer_align');
    const s = unwrap(importFile(join(DATA, 'trailer_align.xosc'))).scenarios[0]!;
    const tr = ourTracks(s, 'Ego').find((t) => t.role === 'Trailer')!;
    const c = compareTrack(tr, csv.tracks.get('Trailer')!)!;
    expect(csv.tracks.get('Trailer')![0]).toMatchObject({ x: 34, speedMps: 10 });
    expect(c.n).toBe(7);
    expect(c.maxPosM).toBeLessThan(0.01);
    expect(c.maxSpeedMps).toBeLessThan(0.01);
  });
});

describe("the OpenDRIVE header's <offset>", () => {
  it('moves the roads and every WorldPosition into the frame of esmini’s output', () => {
    // geo_offset.xodr: offset x −1000, y −500, hdg 0.5; Car's WorldPosition is in the road file's
    // own frame. esmini shifts, then rotates both (RoadManager, parseOSCPosition): kept local, each
    // track is about 1.2 km off; with only the roads moved, Car would start off the road.
    const csv = esminiRun('geo_offset');
    const s = unwrap(importFile(join(DATA, 'geo_offset.xosc'))).scenarios[0]!;
    expect(s.map).toMatchObject({ kind: 'file', headerOffset: 'esmini' });
    for (const t of ourTracks(s, 'Ego')) {
      const c = compareTrack(t, csv.tracks.get(t.role === 'ego' ? 'Ego' : t.role)!)!;
      expect(c.n).toBe(8);
      expect(c.maxPosM).toBeLessThan(0.02);
      expect(c.maxHeadingRad).toBeLessThan(0.01);
    }
  });
});

describe('a route driven by the default controller', () => {
  it("keeps its lane: the junction's connection towards the route, an unreachable route ignored, else the first", () => {
    // route_lanes.xodr lists connecting road 10 before 12; the junction's connections are 12, 10 (lane −1), 11 (lane −2).
    const csv = esminiRun('route_lanes');
    const s = unwrap(importFile(join(DATA, 'route_lanes.xosc'))).scenarios[0]!;
    const tracks = ourTracks(s, 'Ego');
    for (const name of ['Straight', 'Right', 'Past']) {
      const c = compareTrack(tracks.find((t) => t.role === name)!, csv.tracks.get(name)!)!;
      expect(c.n, name).toBe(9);
      // 0.1 m on the arc of road 12 (our lane polyline against esmini's arc), as route_end's
      expect(c.maxPosM, name).toBeLessThan(0.15);
    }
  });
});

describe('turning through a junction whose connecting roads overlap', () => {
  it("steps along the road of the entity's own path lane, not the nearest junction road", () => {
    // junction_turn.xodr: connecting roads 10 (left) and 11 (right) leave road 1 at the same point.
    // Measured on the nearest road (11 for Left), the step was stretched by 1 / cos of the angle
    // between the two roads: Left ended 1.56 m ahead of esmini.
    const csv = esminiRun('junction_turn');
    const s = unwrap(importFile(join(DATA, 'junction_turn.xosc'))).scenarios[0]!;
    const tracks = ourTracks(s, 'Ego');
    for (const [name, tol] of [
      ['Left', 0.1],
      ['Right', 0.15],
    ] as const) {
      const c = compareTrack(tracks.find((t) => t.role === name)!, csv.tracks.get(name)!)!;
      expect(c.n, name).toBe(10);
      expect(c.maxPosM, name).toBeLessThan(tol);
    }
  });
});

describe('a RoutePosition in lane coordinates', () => {
  it("puts the entity on the route's road at pathS, in lane laneId with laneOffset in the road frame", () => {
    // route_position.xosc: FromLaneCoordinates pathS 30, laneId −2, laneOffset 1 on a route along
    // lane −1: esmini's SetRouteLanePosition gives t = −5.25 + 1; read on the route's lane, 3.6 m off.
    const csv = esminiRun('route_position');
    const s = unwrap(importFile(join(DATA, 'route_position.xosc'))).scenarios[0]!;
    const car = ourTracks(s, 'Ego').find((t) => t.role === 'Car')!;
    const c = compareTrack(car, csv.tracks.get('Car')!)!;
    expect(c.n).toBe(6);
    expect(c.maxPosM).toBeLessThan(0.05);
  });
});

describe('a banked road (superelevation)', () => {
  it('places a lane at t·cos(roll) beside the reference line and steps s as esmini does', () => {
    // banked.xodr: roll rising to 0.48 rad along a straight and an arc. esmini's Track2XYZ rotates
    // (0, t, 0) by the roll, as libOpenDRIVE's Road::get_xyz does; laid out flat, Parked (t = 6.25)
    // stood 0.71 m and Outer (t = −8.75) drove 1.02 m wide of esmini.
    const csv = esminiRun('banked');
    const s = unwrap(importFile(join(DATA, 'banked.xosc'))).scenarios[0]!;
    const tracks = ourTracks(s, 'Ego');
    for (const [name, tol] of [
      ['ego', 0.02],
      ['Outer', 0.1],
      ['Inner', 0.2],
      ['Parked', 0.01],
      // 1.5 m off its lane centre: the offset stays on the surface as the roll grows (0.29 m without)
      ['Offset', 0.1],
    ] as const) {
      const c = compareTrack(
        tracks.find((t) => t.role === name)!,
        csv.tracks.get(name === 'ego' ? 'Ego' : name)!,
      )!;
      expect(c.n, name).toBe(10);
      expect(c.maxPosM, name).toBeLessThan(tol);
    }
  });
});

describe('a TimeHeadwayCondition without a relativeDistanceType', () => {
  it('measures the Euclidean distance, as esmini does (Position::Distance)', () => {
    // headway.xosc: Car, 7 m to the right of the Ego and closing at 10 m/s, slows when its headway
    // falls below 0.5 s (10 m at 20 m/s). esmini fires at 2.8 s (about 7.1 m behind, 10 m away);
    // measured along the heading it fired at 2.5 s and Car ended 3.75 m behind.
    const csv = esminiRun('headway');
    const s = unwrap(importFile(join(DATA, 'headway.xosc'))).scenarios[0]!;
    const car = ourTracks(s, 'Ego').find((t) => t.role === 'Car')!;
    const c = compareTrack(car, csv.tracks.get('Car')!)!;
    expect(c.n).toBe(10);
    expect(c.maxPosM).toBeLessThan(0.01);
  });
});

describe('a speed action beside a trajectory started before it', () => {
  it('moves the trajectory with the speed from before the speed action stepped (storyboard order)', () => {
    // trajectory_speed.xosc: an untimed trajectory from Init, a story speed change at 5 m/s² from
    // 1 s. esmini steps the trajectory first, at the speed of the previous step: without that the
    // Ego ran ahead by 0.0125 m a step while the speed changed, 0.75 m in all.
    const csv = esminiRun('trajectory_speed');
    const s = unwrap(importFile(join(DATA, 'trajectory_speed.xosc'))).scenarios[0]!;
    const ego = ourTracks(s, 'Ego').find((t) => t.role === 'ego')!;
    const c = compareTrack(ego, csv.tracks.get('Ego')!)!;
    expect(c.n).toBe(10);
    expect(c.maxPosM).toBeLessThan(0.01);
  });
});

describe('a RelativeClearanceCondition across a road link', () => {
  it('finds the lanes along the road network (Position::Delta), so an oncoming car on the next road is in the opposite lane', () => {
    // clearance_link.xosc: road 1 ends on road 2's end; Oncoming, on road 2's lane −1 (the lane road 1's
    // lane 1 continues as), comes towards the Ego. esmini holds the condition at once; counted by the
    // lateral offset on the other road it blocked until Oncoming reached road 1 (2 s, 20.5 m).
    const csv = esminiRun('clearance_link');
    const s = unwrap(importFile(join(DATA, 'clearance_link.xosc'))).scenarios[0]!;
    const ego = ourTracks(s, 'Ego').find((t) => t.role === 'ego')!;
    const c = compareTrack(ego, csv.tracks.get('Ego')!)!;
    expect(c.n).toBe(8);
    expect(c.maxPosM).toBeLessThan(0.01);
  });
});
