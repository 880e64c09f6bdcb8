import { describe, expect, it } from 'vitest';
import { agentBox, boxesOverlap, egoBox, RoadMapSchema, type TrackPoint } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { straightLane } from '../../core/map/testFixtures.ts';
import { replayAgent, road, smooth, trackAlong } from '../../scenarios/builtin/index.ts';
import { sampleTrack } from './AgentFleet.ts';
import { vehicleScript } from './ScriptedVehicle.ts';
import { agentAt, drive, egoAtCentre, world } from './testWorld.ts';

const data = road({ lanes: 2, speedLimitMps: 25 });
const still = egoAtCentre(0, 380, -30, 0, 0);

function cutInTrack(startSM: number, speed: (t: number) => number): TrackPoint[] {
  const w0 = world(data, [], still, ['R0']);
  return trackAlong(w0.map, {
    laneIds: ['R0'],
    startSM,
    durationS: 10,
    speed,
    lateral: (t) => 3.5 * (1 - smooth(t, 1, 3.5)),
  });
}

function scriptedWorld(track: TrackPoint[], ego = still) {
  return world(data, [replayAgent('cutter', track, { reactive: 'replay' })], ego, ['R0']);
}

/** An ego on R0 at constant speed, footprint centre from s0. */
const egoOnR0 = (s0: number, v: number) => (tS: number) => egoAtCentre(tS, s0 + v * tS, 0, 0, v);

describe('scripted vehicles keep their script and react', () => {
  it('reads a lane change from a track: lateral profile relative to the target lane', () => {
    const w = scriptedWorld(cutInTrack(40, () => 12));
    const s = vehicleScript(
      cutInTrack(40, () => 12),
      w.map,
    )!;
    expect(s.laneChange).toBeDefined();
    expect(s.dM[0]).toBeCloseTo(3.5, 6);
    expect(s.laneChange!.startS).toBeCloseTo(1.0, 6);
    expect(s.laneChange!.endS).toBeCloseTo(3.5, 1);
  });

  it('a cut-out into the oncoming lane is scripted along its own track, not backwards along that lane', () => {
    // F runs east along y = 0, O west along y = 3.5; the car drives east from F over into O and
    // ends there: O contains its last point, but O's direction is against its travel
    const map = new RoadMap(
      RoadMapSchema.parse({
        id: 'two-way',
        lanes: [
          straightLane('F', { x: 0, y: 0 }, { x: 400, y: 0 }, 25),
          straightLane('O', { x: 400, y: 3.5 }, { x: 0, y: 3.5 }, 25),
        ],
      }),
    );
    const track: TrackPoint[] = [];
    for (let k = 0; k <= 100; k++) {
      const t = k / 10;
      const y = 3.5 * smooth(t, 2, 5);
      track.push({ tS: t, x: 50 + 20 * t, y, headingRad: 0, speedMps: 20 });
    }
    const s = vehicleScript(track, map)!;
    expect(s.laneChange).toBeUndefined();
    // forward along its track at its own speed: 20 m/s over each interval, never backwards
    for (let k = 1; k < track.length; k++) expect(s.sM[k]! - s.sM[k - 1]!).toBeGreaterThan(1.9);
    expect(s.line.headingAt(0)).toBeCloseTo(0, 6);
  });

  it('with nothing in its way a scripted cut-in follows its track', () => {
    const track = cutInTrack(40, (t) => (t < 2 ? 13 : 11));
    const run = drive(scriptedWorld(track), 'interactive', undefined, 10);
    const want = { ...agentAt(run, 0, 'cutter') };
    for (let k = 0; k < run.agents.length; k++) {
      sampleTrack(track, k * 0.1, want);
      const got = agentAt(run, k, 'cutter');
      expect(Math.hypot(got.x - want.x, got.y - want.y), `tick ${k}`).toBeLessThan(1e-6);
    }
    // Its speed too, to the last tick (the script's end once reported 0 there).
    const last = run.agents.length - 1;
    expect(last * 0.1).toBeCloseTo(track[track.length - 1]!.tS, 9);
    expect(agentAt(run, last, 'cutter').speedMps).toBeCloseTo(track[track.length - 1]!.speedMps, 9);
    expect(agentAt(run, last - 10, 'cutter').speedMps).toBeCloseTo(11, 9);
  });

  it('a cut-in backs out while the gap in the target lane is gone, and merges once it is back', () => {
    // The ego comes up from behind at 20 m/s against the cutter's 12: it would have to brake hard.
    const track = cutInTrack(40, () => 12);
    const ego = egoOnR0(22, 20);
    const w = scriptedWorld(track, ego(0));
    const run = drive(w, 'interactive', ego, 10);
    let collided = false;
    for (let k = 0; k < run.agents.length; k++) {
      const c = agentAt(run, k, 'cutter');
      if (boxesOverlap(egoBox(run.egos[k]!, w.scenario.vehicle), agentBox(c))) collided = true;
      // While the ego is not yet past, the cutter's centre stays in its own lane.
      if (22 + 20 * k * 0.1 - 2.6 < c.x + 2.4) expect(c.y, `tick ${k}`).toBeGreaterThan(1.75);
    }
    expect(collided).toBe(false);
    const end = agentAt(run, run.agents.length - 1, 'cutter');
    expect(Math.abs(end.y)).toBeLessThan(0.3);
    // Replayed (nuPlan's reactive mode keeps scripted tracks), the cut-in runs into the ego.
    const replay = drive(w, 'idm', ego, 10);
    const hit = replay.agents.some((_, k) =>
      boxesOverlap(egoBox(replay.egos[k]!, w.scenario.vehicle), agentBox(agentAt(replay, k, 'cutter'))),
    );
    expect(hit).toBe(true);
  });

  it('a cut-in does not brake as scripted in front of a follower closing in during the merge', () => {
    // The built-in cut_in: the cutter drops to 11 m/s as it cuts in 7 m ahead of an ego at 14.
    const track = cutInTrack(40, (t) => (t < 1 ? 13 : 11));
    const ego = egoOnR0(26, 14);
    const w = scriptedWorld(track, ego(0));
    const atMergeEnd = (m: 'idm' | 'interactive') => agentAt(drive(w, m, ego, 4), 35, 'cutter').speedMps;
    expect(atMergeEnd('idm')).toBeCloseTo(11, 6);
    expect(atMergeEnd('interactive')).toBeGreaterThan(12.5);
  });

  it('a hard-braking lead keeps braking as scripted with a follower closing in', () => {
    const w0 = world(data, [], still, ['R0']);
    const track = trackAlong(w0.map, {
      laneIds: ['R0'],
      startSM: 60,
      durationS: 8,
      speed: (t) => Math.max(0, t < 2 ? 15 : 15 - 5 * (t - 2)),
    });
    const ego = egoOnR0(35, 16);
    const run = drive(scriptedWorld(track, ego(0)), 'interactive', ego, 4);
    for (let k = 0; k < run.agents.length; k++)
      expect(agentAt(run, k, 'cutter').speedMps, `tick ${k}`).toBeCloseTo(track[k]!.speedMps, 6);
  });
});
