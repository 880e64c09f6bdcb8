/**
 * When each agent was first seen, kept across ticks by the gate's callers (`GatedPlanner`, `Stack`)
 * and handed to the gate as `AgentState.seenForS`: RSS's response time to a newly perceived lead
 * runs from its first sighting (safety/rssFirstSeen.test.ts has the rule itself).
 */
import { describe, expect, it } from 'vitest';
import { createClassicalController } from '../controller/index.ts';
import type { AgentState, MidLevelCommand, TrackPoint, Verdict, WorldSnapshot } from '../core/index.ts';
import { RoadMap, RoutePath } from '../core/map/index.ts';
import type { CommandPlanner } from '../core/planning/index.ts';
import type { Planner } from '../planner/index.ts';
import { createSafetyGate, type SafetyGate } from '../safety/index.ts';
import { egoOn, poseOn } from '../scenarios/builtin/build.ts';
import { road } from '../scenarios/builtin/maps.ts';
import { plannerContext, runScenario } from '../sim/index.ts';
import { AGENTS_SEEN_INITIAL, type AgentsSeen, agentsSeenStep, withSeenFor } from './AgentsSeen.ts';
import { createGatedPlanner } from './GatedPlanner.ts';
import { createStack } from './Stack.ts';
import { CAR } from './testing/safetyScenes.ts';
import { testScenario } from './testing/simScene.ts';

const data = road({ lanes: 2, lengthM: 800 });
const map = new RoadMap(data);
const real = createSafetyGate();
const rhoS = real.params.rssEgo.responseTimeS;
/** How late a snapshot may come without counting as a clock reset: the gate's maxInputAgeS (0.25 s). */
const lateS = real.params.maxInputAgeS;

const car = (id: string, s = 100): AgentState => {
  const p = poseOn(map, 'R0', s);
  return {
    id,
    kind: 'vehicle',
    x: p.x,
    y: p.y,
    headingRad: p.headingRad,
    speedMps: 10,
    lengthM: 4.5,
    widthM: 1.9,
  };
};
const snapAt = (tS: number, agents: AgentState[]): WorldSnapshot => ({
  tS,
  ego: { ...egoOn(map, 'R0', 20, 10), tS },
  agents,
  lights: [],
  route: { laneIds: ['R0'] },
});

/** Feeds `frames` (time, agent ids) through `agentsSeenStep`; returns the state after each. */
function feed(frames: [number, string[]][], forgetAfterS = rhoS): AgentsSeen[] {
  let s = AGENTS_SEEN_INITIAL;
  return frames.map(([t, ids]) => {
    s = agentsSeenStep(
      s,
      snapAt(
        t,
        ids.map((id) => car(id)),
      ),
      forgetAfterS,
      lateS,
    );
    return s;
  });
}

describe('agentsSeenStep', () => {
  it('keeps each agent’s first sighting across snapshots', () => {
    const out = feed([
      [0, ['a']],
      [0.1, ['a', 'b']],
      [0.2, ['a', 'b']],
    ]);
    const last = out[2]!;
    expect(last.agents.get('a')?.firstS).toBe(0);
    expect(last.agents.get('b')?.firstS).toBe(0.1);
    const tagged = withSeenFor(snapAt(0.2, [car('a'), car('b')]), last);
    expect(tagged.agents.map((a) => a.seenForS)).toEqual([0.2, 0.2 - 0.1]);
  });

  it('a snapshot at the last one’s time changes nothing (control steps re-read it)', () => {
    const s = feed([[0.5, ['a']]])[0]!;
    expect(agentsSeenStep(s, snapAt(0.5, [car('a'), car('b')]), rhoS, lateS)).toBe(s);
  });

  it('a snapshot delivered late (older than the last by up to maxInputAgeS) is ignored, not a reset', () => {
    const s = feed([
      [0, ['a']],
      [1, ['a']],
    ])[1]!;
    expect(agentsSeenStep(s, snapAt(1 - 0.2, [car('a'), car('b')]), rhoS, lateS)).toBe(s);
    expect(s.agents.get('a')?.firstS).toBe(0);
  });

  it('a snapshot older than the last by more than maxInputAgeS is a clock reset', () => {
    const out = feed([
      [0, ['a']],
      [1, ['a']],
      [1 - 0.3, ['a']],
    ]);
    expect(out[2]!.tS).toBe(0.7);
    expect(out[2]!.agents.get('a')?.firstS).toBe(0.7);
  });

  it('a clock that goes back starts afresh: every agent first seen at the new time, one ramp from there', () => {
    const out = feed([
      [10, ['a']],
      [11, ['a']],
      [2, ['a', 'b']],
      [2.1, ['a', 'b']],
    ]);
    expect(out[2]!.agents.get('a')?.firstS).toBe(2);
    expect(out[2]!.agents.get('b')?.firstS).toBe(2);
    // the seen-for time grows again from the reset (not held at 0 until the clock passes 11 s)
    const tagged = withSeenFor(snapAt(2.1, [car('a'), car('b')]), out[3]!);
    expect(tagged.agents.map((a) => a.seenForS)).toEqual([2.1 - 2, 2.1 - 2]);
  });

  it('an agent in every snapshot keeps its first sighting however far apart the snapshots', () => {
    const out = feed([
      [0, ['a']],
      [1.5, ['a']],
      [3, ['a']],
    ]);
    expect(out[2]!.agents.get('a')?.firstS).toBe(0);
    expect(withSeenFor(snapAt(3, [car('a')]), out[2]!).agents[0]!.seenForS).toBe(3);
  });

  it('an agent missing from a snapshot more than ρ after its last sighting is first seen again', () => {
    const out = feed([
      [0, ['a']],
      [1.5, []],
      [3, ['a']],
    ]);
    expect(out[1]!.agents.has('a')).toBe(false);
    expect(out[2]!.agents.get('a')?.firstS).toBe(3);
  });

  it('an agent out of sight up to ρ keeps its first sighting; longer, it is first seen again when it comes back', () => {
    const short = feed([
      [0, ['a']],
      [0.1, []],
      [1, ['a']],
    ]);
    expect(short[2]!.agents.get('a')?.firstS).toBe(0);
    const long = feed([
      [0, ['a']],
      [0.1, []],
      [1.1, ['a']],
    ]);
    expect(long[2]!.agents.get('a')?.firstS).toBe(1.1);
  });

  it('a tracker’s own track age is kept where it is longer than the stack’s', () => {
    const s = feed([
      [0, ['a']],
      [1, ['a']],
    ])[1]!;
    const own = { ...car('a'), seenForS: 7 };
    expect(withSeenFor(snapAt(1, [own]), s).agents[0]!.seenForS).toBe(7);
  });

  it('a supplied seen-for time shorter than the stack’s own is replaced by it (no ramp re-granted on the source’s word)', () => {
    const s = feed([
      [0, ['a']],
      [1, ['a']],
    ])[1]!;
    // a bridge that sends "time since the last update" as seenForS: 0 on every message
    const fresh = { ...car('a'), seenForS: 0 };
    expect(withSeenFor(snapAt(1, [fresh]), s).agents[0]!.seenForS).toBe(1);
  });
});

/**
 * The ego at 12 m/s on R0; a car comes into view at t = 1 s 24 m ahead, at 12 m/s and braking at
 * 3 m/s² (a log-replayed track that starts then): first seen braking, an RSS headway deficit.
 */
function braking(): ReturnType<typeof testScenario> {
  const track: TrackPoint[] = [];
  for (let k = 10; k <= 60; k++) {
    const t = k * 0.1;
    const dt = t - 1;
    const v = Math.max(0, 12 - 3 * dt);
    const s = 44 + (dt < 4 ? 12 * dt - 1.5 * dt * dt : 24);
    const p = poseOn(map, 'R0', s);
    track.push({ tS: t, x: p.x, y: p.y, headingRad: p.headingRad, speedMps: v });
  }
  return testScenario({
    map: data,
    ego: egoOn(map, 'R0', 20, 12),
    routeLaneIds: ['R0'],
    durationS: 4,
    agents: [
      {
        id: 'lead',
        kind: 'vehicle',
        lengthM: 4.5,
        widthM: 1.9,
        start: { x: track[0]!.x, y: track[0]!.y, headingRad: track[0]!.headingRad, speedMps: 12 },
        behavior: { type: 'replay', track },
      },
    ],
  });
}

/** A trajectory planner that keeps 12 m/s (the gate's own trajectory for it): it never brakes itself. */
function keeping(rmap: RoadMap): Planner<null> {
  return {
    name: 'keep',
    init: () => null,
    step: (_s, snap) => {
      const command: MidLevelCommand = {
        speed: 'KEEP',
        path: 'FOLLOW_LANE',
        targetSpeedMps: 12,
        horizonS: 5,
        rationale: 'keep',
        issuedAtS: snap.tS,
        expiresAtS: snap.tS + 1,
        source: 'test',
      };
      return {
        state: null,
        output: {
          command,
          trajectory: real.trajectoryFor(command, { snapshot: snap, map: rmap, vehicle: CAR }),
        },
      };
    },
  };
}

interface Told {
  tS: number;
  seenForS?: number;
  accelMps2?: number;
  sustainedDecelMps2?: number;
}

/** The real gate, recording the lead's `seenForS`, acceleration and sustained braking as handed to it, per check. */
function spying(): { gate: SafetyGate; seen: Told[] } {
  const seen: Told[] = [];
  const gate: SafetyGate = {
    ...real,
    checkCommand: (c, sc, o) => {
      const lead = sc.snapshot.agents.find((a) => a.id === 'lead');
      if (lead)
        seen.push({
          tS: sc.snapshot.tS,
          ...(lead.seenForS !== undefined ? { seenForS: lead.seenForS } : {}),
          ...(lead.accelMps2 !== undefined ? { accelMps2: lead.accelMps2 } : {}),
          ...(lead.sustainedDecelMps2 !== undefined ? { sustainedDecelMps2: lead.sustainedDecelMps2 } : {}),
        });
      return real.checkCommand(c, sc, o);
    },
  };
  return { gate, seen };
}

describe('gated planner: first sightings across ticks', () => {
  it('a lead that comes into view braking gets RSS’s response built up for ρ after its first sighting, then full strength', () => {
    const sc = braking();
    const { gate, seen } = spying();
    const verdicts: { tS: number; v: Verdict }[] = [];
    runScenario(
      sc.scenario,
      sc.map,
      createGatedPlanner(keeping(sc.map), { gate, onVerdict: (tS, v) => verdicts.push({ tS, v }) }),
      { mode: 'nonreactive' },
    );
    // the gate is told how long the lead has been seen, growing tick by tick from its first sighting
    expect(seen[0]!.tS).toBeCloseTo(1, 9);
    for (const s of seen) expect(s.seenForS, `t ${s.tS}`).toBeCloseTo(s.tS - 1, 9);
    // at 1.1 s it is seen braking (−3 m/s²): still within ρ of its first sighting, the repair
    // builds the braking up (an onset); from ρ on, full strength (no onset)
    const at = (t: number) => verdicts.find((x) => Math.abs(x.tS - t) < 1e-6)!.v;
    expect(seen[1]!.accelMps2).toBeLessThan(-2);
    expect(at(1.1).decision, at(1.1).explanation).toBe('MODIFY');
    expect(at(1.1).modified?.jerkMps3, at(1.1).explanation).toBeDefined();
    const after = verdicts.filter((x) => x.tS >= 1 + rhoS - 1e-6 && x.v.decision === 'MODIFY');
    expect(after.length).toBeGreaterThan(0);
    for (const x of after) expect(x.v.modified?.jerkMps3, `t ${x.tS}: ${x.v.explanation}`).toBeUndefined();
  });

  it('replays exactly from its log: the snapshots logged rebuild the first sightings and every verdict', () => {
    const sc = braking();
    const log = runScenario(sc.scenario, sc.map, createGatedPlanner(keeping(sc.map)), {
      mode: 'nonreactive',
    });
    // a fresh gated planner fed the logged snapshots, tick by tick
    const p = createGatedPlanner(keeping(sc.map));
    const ctx = plannerContext(sc.scenario, sc.map, 0);
    const snaps: WorldSnapshot[] = log.ticks.map((t) => ({
      tS: t.tS,
      ego: t.ego,
      agents: t.agents,
      lights: t.lights,
      route: sc.scenario.route,
    }));
    let st = p.init(ctx, snaps[0]!);
    const replayed = snaps.map((s) => {
      const r = p.step(st, s, ctx);
      st = r.state;
      return r.output.verdict;
    });
    expect(replayed.some((v) => v?.decision === 'MODIFY' && v.modified?.jerkMps3 !== undefined)).toBe(true);
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(log.ticks.map((t) => t.verdict)));
  });
});

/**
 * A gated `keeping` planner stepped by hand on `frames` (time, the lead's speed, what a tracker
 * says of it); what the gate was told.
 */
function stepGated(frames: [number, number, Partial<AgentState>?][]): Told[] {
  const sc = braking();
  const { gate, seen } = spying();
  const p = createGatedPlanner(keeping(sc.map), { gate });
  const ctx = plannerContext(sc.scenario, sc.map, 0);
  const snaps = frames.map(([t, v, supplied]) =>
    snapAt(t, [{ ...car('lead', 200), speedMps: v, ...supplied }]),
  );
  let st = p.init(ctx, snaps[0]!);
  for (const s of snaps) st = p.step(st, s, ctx).state;
  return seen;
}

describe('gated planner: gaps and clock resets', () => {
  it('steps 1.5 s apart: a lead in every one is seen for the time since its first sighting (no ramp re-granted)', () => {
    const told = stepGated([
      [0, 10],
      [1.5, 10],
      [3, 10],
    ]);
    expect(told.map((x) => x.seenForS)).toEqual([0, 1.5, 3]);
  });

  it('a clock that goes back starts the sightings afresh: seen for the time since the reset, not 0 at every step', () => {
    const told = stepGated([
      [10, 10],
      [10.1, 10],
      [2, 10],
      [2.1, 10],
      [2.2, 10],
    ]);
    const after = told.slice(2).map((x) => x.seenForS!);
    expect(after[0]).toBe(0);
    expect(after[1]).toBeCloseTo(0.1, 9);
    expect(after[2]).toBeCloseTo(0.2, 9);
  });

  it('a clock that goes back starts the speed history afresh: braking on the new time line is seen', () => {
    // the old run to 1 s, then the clock back to 0 (a replay restarted): the lead brakes at 3 m/s²
    // from there; the old run's samples, all newer than the new snapshots, must not hold the history
    const told = stepGated([
      [0.8, 20],
      [0.9, 20],
      [1, 20],
      [0, 10],
      [0.1, 9.7],
      [0.2, 9.4],
      [0.3, 9.1],
    ]);
    expect(told[4]!.accelMps2).toBeCloseTo(-3, 6);
    expect(told.at(-1)!.tS).toBe(0.3);
    expect(told.at(-1)!.sustainedDecelMps2).toBeCloseTo(3, 6);
  });

  it('a snapshot delivered late keeps the first sightings: the lead is seen for the time since it came into view', () => {
    const told = stepGated([
      [0, 10],
      [0.5, 10],
      [0.4, 10],
      [0.6, 10],
    ]);
    expect(told.map((x) => x.seenForS)).toEqual([0, 0.5, 0.4, 0.6]);
  });

  it('a snapshot delivered late keeps the speed history: a braking held around it is still seen', () => {
    const told = stepGated([
      [0, 10],
      [0.1, 9.7],
      [0.2, 9.4],
      [0.15, 9.55],
      [0.3, 9.1],
    ]);
    expect(told.at(-1)!.tS).toBe(0.3);
    expect(told.at(-1)!.sustainedDecelMps2).toBeCloseTo(3, 6);
  });

  it('a tracker’s acceleration above the stack’s own estimate is not kept: a lead seen braking is braking', () => {
    // the lead slows 10 → 9.6 m/s in 0.1 s (−4 m/s²); the tracker says −0.5 (not braking: the ramp)
    const told = stepGated([
      [0, 10, { accelMps2: -0.5 }],
      [0.1, 9.6, { accelMps2: -0.5 }],
    ]);
    expect(told[0]!.accelMps2).toBe(-0.5);
    expect(told[1]!.accelMps2).toBeCloseTo(-4, 6);
  });

  it('a tracker’s acceleration below the stack’s own estimate is kept (the more cautious)', () => {
    const told = stepGated([
      [0, 10, { accelMps2: -3 }],
      [0.1, 10, { accelMps2: -3 }],
    ]);
    expect(told[1]!.accelMps2).toBe(-3);
  });
});

describe('stack: first sightings across control steps', () => {
  it('the gate is told how long each agent has been seen, counted on new snapshots only', () => {
    const { gate, seen } = spying();
    const planner: CommandPlanner<null> = {
      name: 'keeper',
      init: () => null,
      plan: (state, req) => ({
        state,
        output: {
          command: {
            speed: 'KEEP',
            path: 'FOLLOW_LANE',
            targetSpeedMps: 10,
            horizonS: 5,
            rationale: 'keep',
            issuedAtS: req.snapshot.tS,
            expiresAtS: req.snapshot.tS + 1,
            source: 'test',
          },
        },
      }),
    };
    const stack = createStack({
      planner,
      gate,
      controller: createClassicalController(),
      rates: { planHz: 10, controlHz: 20 },
    });
    const lead = { ...car('lead', 200) };
    stack.init({ map, route: RoutePath.build(map, ['R0']), vehicle: CAR, dtS: 0.1, seed: 0 }, snapAt(0, []));
    // control steps every 0.05 s on snapshots every 0.1 s; the lead in view from 0.3 s, out of view
    // at 0.6–0.7 s (a gap shorter than ρ), back until 1.0 s
    for (let k = 0; k <= 20; k++) {
      const tSnap = Math.floor(k / 2) / 10;
      const inView = tSnap >= 0.3 - 1e-9 && !(tSnap > 0.55 && tSnap < 0.75);
      stack.tick(snapAt(tSnap, inView ? [lead] : []));
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s.seenForS, `t ${s.tS}`).toBeCloseTo(s.tS - 0.3, 9);
    expect(seen.some((s) => s.tS > 0.75)).toBe(true);
  });
});
