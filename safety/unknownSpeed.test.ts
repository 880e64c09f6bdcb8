/**
 * An agent whose speed nobody measured (`AgentState.speedKnown: false`, the ROS bridge's
 * Detection3D objects at their first sighting; placeholder speed 0) is held against the command both
 * at rest and moving along its heading and lane at its kind's plausible speed (`speedHypotheses.ts`).
 * The first three scenes the gate before this allowed (it read the placeholder as a car at rest);
 * the fourth the bridge's invented speed allowed (13.9 m/s for a car heading towards the ego: it
 * would have cleared the junction); the fifth holds the at-rest half for a lead.
 */
import { describe, expect, it } from 'vitest';
import type { AgentState, MidLevelCommand } from '../core/index.ts';
import { cmd, junctionMap, roadMap, type SceneSpec, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';
import type { SafetyScene } from './Scene.ts';
import { plausibleSpeedMps, withSpeedHypotheses } from './speedHypotheses.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});

/** The scene with its agent first seen now: speed unknown (placeholder 0), or measured at `speedMps`. */
function firstSeen(spec: SceneSpec, speedMps?: number): SafetyScene {
  const sc = scene(spec);
  sc.snapshot.agents = sc.snapshot.agents.map(
    (a): AgentState =>
      speedMps === undefined
        ? { ...a, speedMps: 0, speedKnown: false, seenForS: 0 }
        : { ...a, speedMps, seenForS: 0 },
  );
  return sc;
}

const road = roadMap({ lanes: 1, oncoming: true, dashedCentre: true, id: 'dash' });
const junction = junctionMap();
const straightThrough = ['IN2', 'C20', 'OUT0'];
const failing = (v: ReturnType<typeof gate.checkCommand>) =>
  v.rules.filter((r) => r.decision !== 'ALLOW').map((r) => r.rule);

/** Every scene's command is checked as it is and the agent is named `c`. */
function check(spec: SceneSpec, command: MidLevelCommand, speedMps?: number) {
  return gate.checkCommand(command, firstSeen(spec, speedMps));
}

describe('an agent of unknown speed is checked at rest and moving', () => {
  it('a car 90 m ahead in the ego lane facing the ego: a KEEP at 12 m/s is repaired (it may be coming on)', () => {
    const spec: SceneSpec = {
      map: road,
      s: 50,
      speed: 12,
      agents: [{ id: 'c', lane: 'R0', s: 50 + 2.6 + 90 + 2.4, dh: Math.PI }],
    };
    expect(check(spec, cmd(), 0).decision).toBe('ALLOW'); // (standing, it leaves room)
    const v = check(spec, cmd());
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(failing(v)).toContain('rss.longitudinalOpposite');
    expect(v.modified?.speed).not.toBe('KEEP');
  });

  it('a car 120 m ahead in the oncoming lane: a borrow into that lane is not allowed as it is', () => {
    const spec: SceneSpec = { map: road, s: 50, speed: 10, agents: [{ id: 'c', lane: 'O0', s: 400 - 170 }] };
    const borrow = cmd({ path: 'LEFT_BORROW', targetLaneId: 'O0' });
    expect(check(spec, borrow, 0).decision).toBe('ALLOW');
    const v = check(spec, borrow);
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(failing(v)).toContain('rss.longitudinalOpposite');
  });

  it('a car 30 m before its stop line on the crossing road: a KEEP at 12 m/s through the junction is repaired', () => {
    const spec: SceneSpec = {
      map: junction,
      lane: 'IN2',
      s: 100,
      speed: 12,
      route: straightThrough,
      agents: [{ id: 'c', lane: 'IN3', s: 90 }],
    };
    expect(check(spec, cmd(), 0).decision).toBe('ALLOW');
    const v = check(spec, cmd());
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(failing(v)).toContain('collision.predicted');
  });

  it('a car standing across the ego path in the junction, heading towards its side: the KEEP is repaired, not passed as if it cleared', () => {
    const spec: SceneSpec = {
      map: junction,
      lane: 'IN2',
      s: 90,
      speed: 12,
      route: straightThrough,
      agents: [{ id: 'c', lane: 'C31', s: 12 }],
    };
    // (the ROS bridge took it at 13.9 m/s, heading towards the ego's side of the junction)
    expect(check(spec, cmd(), 13.9).decision).toBe('ALLOW');
    const v = check(spec, cmd());
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(failing(v)).toContain('collision.predicted');
  });

  it('a lead 30 m ahead in the ego lane: taken at rest (RSS stops the ego short of it)', () => {
    const spec: SceneSpec = {
      map: road,
      s: 50,
      speed: 12,
      agents: [{ id: 'c', lane: 'R0', s: 50 + 2.6 + 30 + 2.4 }],
    };
    expect(check(spec, cmd(), P.unknownSpeedMps.vehicle).decision).toBe('ALLOW');
    const v = check(spec, cmd());
    expect(v.decision, v.explanation).toBe('MODIFY');
    expect(v.modified?.speed).not.toBe('KEEP');
  });
});

describe('withSpeedHypotheses', () => {
  it('leaves a snapshot whose speeds are all measured as the same object', () => {
    const sc = scene({ map: road, agents: [{ id: 'c', lane: 'R0', s: 90, speed: 5 }] });
    expect(withSpeedHypotheses(sc.snapshot, road, P)).toBe(sc.snapshot);
  });

  it('puts each agent of unknown speed at rest and at its plausible speed, same id and pose', () => {
    const sc = firstSeen({ map: road, agents: [{ id: 'c', lane: 'R0', s: 90 }] });
    const out = withSpeedHypotheses(sc.snapshot, road, P).agents;
    expect(out.map((a) => [a.id, a.x, a.speedMps])).toEqual([
      ['c', 90, 0],
      ['c', 90, 13.9],
    ]);
  });

  it('takes a vehicle on a faster lane at its lane speed limit', () => {
    const fast = roadMap({ lanes: 1, speedLimitMps: 30, id: 'fast' });
    const a = firstSeen({ map: fast, agents: [{ id: 'c', lane: 'R0', s: 90 }] }).snapshot.agents[0]!;
    expect(plausibleSpeedMps(a, fast, P)).toBe(30);
  });

  it('keeps a static object of unknown speed at rest only', () => {
    const sc = firstSeen({ map: road, agents: [{ id: 'c', kind: 'static', lane: 'R0', s: 90 }] });
    expect(withSpeedHypotheses(sc.snapshot, road, P).agents.map((a) => a.speedMps)).toEqual([0]);
  });
});
