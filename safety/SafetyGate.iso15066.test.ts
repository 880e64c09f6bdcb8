/**
 * ISO/TS 15066 speed and separation monitoring for people behind and beside a robot (review: a
 * person beside the rear half of a robot that turns, or behind one that reverses, was not kept at
 * the protective separation — the rule skipped everyone behind the robot's centre). Situational
 * cases in the table style of SafetyGate.heldout2.test.ts, half of them benign; each verdict was
 * decided from the geometry before the gate was run on it. The robot is the 1 m × 0.7 m AMR of
 * the case tables (2 m/s, 2 m/s² maximum braking); a person is 0.6 m across. A case may give the
 * robot's motion now (`now`: a reversing speed, a yaw rate), which the command's roll-out — always
 * forward, from rest for a robot that reverses — does not carry.
 */
import { describe, expect, it } from 'vitest';
import type { MidLevelCommand } from '../core/index.ts';
import { rightFor, type SituationalCase } from '../stack/testing/caseTable.ts';
import { type AgentSpec, cmd, ROBOT, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import type { SafetyScene } from './Scene.ts';

const m2 = roadMap({ lanes: 2, oncoming: true, shoulder: true });

/** A person standing (or walking at `speed`, heading `dh` off the lane's) on `lane` at centre arc length `s`, `d` left of its centre. */
const person = (s: number, d = 0, speed = 0, dh = 0, lane = 'R0'): AgentSpec => ({
  id: 'w',
  kind: 'pedestrian',
  lane,
  s,
  d,
  speed,
  dh,
});

// The robot's centre is at s = 50 (its rear bumper at 49.5, front at 50.5; sides at d = ±0.35):
// a person's centre 0.3 m beyond a side is at |d| = 0.65 + gap, behind the rear at 49.2 − gap.

interface Iso15066Case extends SituationalCase {
  /** The robot's motion now, where the roll-out does not carry it. */
  now?: { speedMps?: number; yawRateRadps?: number };
}

const CASES: Iso15066Case[] = [
  // ================= behind the robot =================
  {
    name: 'robot at 1.5 m/s driving away from a person standing 0.3 m behind it',
    why: 'the separation grows at 1.5 m/s; a stop would only let the person come nearer',
    spec: { map: m2, vehicle: ROBOT, speed: 1.5, agents: [person(48.9)] },
    command: {},
    expect: 'ALLOW',
  },
  {
    name: 'robot at 1.5 m/s with a person walking after it at 1.6 m/s, 0.5 m behind',
    why: 'they close at 0.1 m/s by the person alone; stopping would turn that into 1.6 m/s against a robot that cannot get out of the way',
    spec: { map: m2, vehicle: ROBOT, speed: 1.5, agents: [person(48.7, 0, 1.6)] },
    command: {},
    expect: 'ALLOW',
  },
  {
    name: 'robot reversing at 0.8 m/s towards a person standing 0.5 m behind it',
    why: 'its back closes in at 0.8 m/s; S_p = S_h + S_r + S_s + C + Z ≈ 1.1 m > 0.5 m: stop',
    spec: { map: m2, vehicle: ROBOT, speed: 0, agents: [person(48.7)] },
    now: { speedMps: -0.8 },
    command: {},
    expect: 'NOT_ALLOW',
    rule: 'iso15066.ssm',
  },
  {
    name: 'robot reversing at 0.5 m/s towards a person 0.8 m behind it who walks towards it at 1 m/s',
    why: 'both close in along the line between them: S_p ≈ 1.1 m > 0.8 m',
    spec: { map: m2, vehicle: ROBOT, speed: 0, agents: [person(48.4, 0, 1)] },
    now: { speedMps: -0.5 },
    command: {},
    expect: 'NOT_ALLOW',
    rule: 'iso15066.ssm',
  },
  {
    name: 'robot reversing at 0.8 m/s away from a person standing 0.5 m ahead of its front',
    why: 'its front moves away from the person; nothing behind it',
    spec: { map: m2, vehicle: ROBOT, speed: 0, agents: [person(51.3)] },
    now: { speedMps: -0.8 },
    command: {},
    expect: 'ALLOW',
  },
  {
    name: 'robot reversing at 0.8 m/s with a person standing 1.5 m behind it',
    why: 'S_p ≈ 1.1 m at 0.8 m/s: the separation is kept',
    spec: { map: m2, vehicle: ROBOT, speed: 0, agents: [person(47.7)] },
    now: { speedMps: -0.8 },
    command: {},
    expect: 'ALLOW',
  },
  // ================= beside the rear half =================
  {
    name: 'robot turning right on the spot at 1 rad/s with a person 0.1 m beside its left rear half',
    why: 'a centre-pivot turn to the right swings the rear to the left, into the person',
    spec: { map: m2, vehicle: ROBOT, speed: 0, agents: [person(49.7, 0.75)] },
    now: { yawRateRadps: -1 },
    command: {},
    expect: 'NOT_ALLOW',
    rule: 'iso15066.ssm',
  },
  {
    name: 'robot turning left on the spot at 1 rad/s with a person 0.1 m beside its left rear half',
    why: 'the rear swings to the right, away from the person',
    spec: { map: m2, vehicle: ROBOT, speed: 0, agents: [person(49.7, 0.75)] },
    now: { yawRateRadps: 1 },
    command: {},
    expect: 'ALLOW',
  },
  {
    name: 'robot at 1 m/s changing to the right aisle lane with a person 0.3 m beside its left rear half',
    why: 'turning right swings the rear to the left, towards the person, before the robot has passed them: slow or stop',
    spec: { map: m2, vehicle: ROBOT, lane: 'R1', speed: 1, agents: [person(49.7, 0.95, 0, 0, 'R1')] },
    command: { path: 'RIGHT_CHANGE', targetLaneId: 'R0' },
    expect: 'NOT_ALLOW',
    rule: 'iso15066.ssm',
  },
  {
    name: 'robot at 1 m/s changing to the left aisle lane with a person 0.3 m beside its right rear half',
    why: 'turning left swings the rear to the right, towards the person: slow or stop',
    spec: { map: m2, vehicle: ROBOT, speed: 1, agents: [person(49.7, -0.95)] },
    command: { path: 'LEFT_CHANGE', targetLaneId: 'R1' },
    expect: 'NOT_ALLOW',
    rule: 'iso15066.ssm',
  },
  {
    name: 'robot at 1 m/s driving straight with a person standing 0.15 m beside its left rear half',
    why: 'its side slides past and its rear moves away; no part of it closes in',
    spec: { map: m2, vehicle: ROBOT, lane: 'R1', speed: 1, agents: [person(49.7, 0.8, 0, 0, 'R1')] },
    command: {},
    expect: 'ALLOW',
  },
  {
    name: 'robot at 1.5 m/s driving straight with a person standing 0.1 m beside its rear half',
    why: 'the rear moves away from the person; a stop would keep the robot beside them',
    spec: { map: m2, vehicle: ROBOT, speed: 1.5, agents: [person(49.7, 0.75)] },
    command: {},
    expect: 'ALLOW',
  },
  {
    name: 'robot at 1.5 m/s driving straight with a person standing 0.5 m beside its front half',
    why: 'ahead of its centre: the robot still closes in (ISO/TS 15066 v_r towards the person) while the person stays beside it; S_p ≈ 2.4 m',
    spec: { map: m2, vehicle: ROBOT, speed: 1.5, agents: [person(50.3, 1.15)] },
    command: {},
    expect: 'NOT_ALLOW',
    rule: 'iso15066.ssm',
  },
  {
    name: 'robot at 0.3 m/s driving straight with a person standing 0.1 m beside its front half',
    why: 'slow, but still closing in (its centre moves towards the person): S_p ≈ 0.55 m > 0.1 m — the closing test is on direction, not on the component’s size (a 0.05 m/s cut on it let a slow robot brush past)',
    spec: { map: m2, vehicle: ROBOT, speed: 0.3, agents: [person(50.1, 0.75)] },
    command: {},
    expect: 'NOT_ALLOW',
    rule: 'iso15066.ssm',
  },
  {
    name: 'robot at 1 m/s changing to the left aisle lane with a person 2.5 m beside its right rear half',
    why: 'the swung rear stays well clear: S_p ≈ 2.4 m at the swing’s speed',
    spec: { map: m2, vehicle: ROBOT, speed: 1, agents: [person(49.7, -3.15)] },
    command: { path: 'LEFT_CHANGE', targetLaneId: 'R1' },
    expect: 'ALLOW',
  },
];

const gate = createSafetyGate();

function sceneOf(c: Iso15066Case): SafetyScene {
  const sc = scene(c.spec);
  if (c.now?.speedMps !== undefined) sc.snapshot.ego.speedMps = c.now.speedMps;
  if (c.now?.yawRateRadps !== undefined) sc.snapshot.ego.yawRateRadps = c.now.yawRateRadps;
  return sc;
}

const run = (c: Iso15066Case) => gate.checkCommand(cmd(c.command as Partial<MidLevelCommand>), sceneOf(c));

describe('ISO/TS 15066 for people behind and beside a robot', () => {
  it('has half of its cases benign', () => {
    expect(CASES.filter((c) => c.expect === 'ALLOW').length * 2).toBeGreaterThanOrEqual(CASES.length);
  });
  for (const c of CASES) {
    it(`${c.expect}: ${c.name}`, () => {
      const v = run(c);
      expect(rightFor(c, v), `${c.why} — ${v.decision}: ${v.explanation}`).toBe(true);
      if (v.decision === 'MODIFY') expect(v.modified).toBeDefined();
      if (v.decision === 'VETO') expect(v.mrm).toBeDefined();
    });
  }
  it('every repaired command of a MODIFY passes the gate itself in the same scene', () => {
    for (const c of CASES) {
      const v = run(c);
      if (v.decision !== 'MODIFY') continue;
      const again = gate.checkCommand(v.modified!, sceneOf(c));
      expect(again.decision, `${c.name}: repair ${JSON.stringify(v.modified)} → ${again.explanation}`).toBe(
        'ALLOW',
      );
    }
  });
});
