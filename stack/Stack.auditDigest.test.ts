import { describe, expect, it } from 'vitest';
import { createClassicalController } from '../controller/index.ts';
import type { MidLevelCommand, WorldSnapshot } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import type { CommandPlanner } from '../core/planning/index.ts';
import {
  type AuditInput,
  type AuditLog,
  canonicalJson,
  createSafetyGate,
  sha256Hex,
} from '../safety/index.ts';
import { egoOn } from '../scenarios/builtin/build.ts';
import { road } from '../scenarios/builtin/maps.ts';
import { runStackScenario } from './runInSim.ts';
import { createStack } from './Stack.ts';
import { testScenario } from './testing/simScene.ts';

const data = road({ lanes: 2, lengthM: 800 });
const map = new RoadMap(data);

/** Keeps 12 m/s; every third plan names a lane that is not there, so the gate vetoes it and a re-plan follows. */
const planner: CommandPlanner<number> = {
  name: 'keeper',
  init: () => 0,
  plan(n, req) {
    const command: MidLevelCommand = {
      speed: 'KEEP',
      path: n % 3 === 2 ? 'LEFT_CHANGE' : 'FOLLOW_LANE',
      ...(n % 3 === 2 ? { targetLaneId: 'no-such-lane' } : {}),
      targetSpeedMps: 12,
      horizonS: 5,
      rationale: 'keep',
      issuedAtS: req.snapshot.tS,
      expiresAtS: req.snapshot.tS + 1,
      source: 'test',
    };
    return { state: n + 1, output: { command } };
  },
};

describe('stack audit digests', () => {
  it('every record digests the snapshot of its own tick, also when the caller hands one object in again changed', async () => {
    const records: AuditInput[] = [];
    const audit = { append: (input: AuditInput) => records.push(input) } as unknown as AuditLog;
    const stack = createStack({
      planner,
      gate: createSafetyGate(),
      controller: createClassicalController(),
      audit,
    });
    // a caller that reuses one snapshot object from tick to tick (a bridge's pool)
    const reused = {} as WorldSnapshot;
    const want = new Map<number, string>();
    const tick = stack.tick.bind(stack);
    stack.tick = (snap) => {
      for (const k of Object.keys(reused)) delete (reused as unknown as Record<string, unknown>)[k];
      Object.assign(reused, structuredClone(snap));
      want.set(snap.tS, sha256Hex(canonicalJson(snap)));
      return tick(reused);
    };
    const scene = testScenario({
      map: data,
      ego: egoOn(map, 'R0', 20, 10),
      routeLaneIds: ['R0'],
      durationS: 3,
    });
    await runStackScenario(scene.scenario, scene.map, stack, { mode: 'nonreactive' });
    expect(records.length).toBeGreaterThan(60);
    // more than one record on some tick (a vetoed command and its re-plan): the digest is shared there
    const perTick = new Map<number, number>();
    for (const r of records) perTick.set(r.tS, (perTick.get(r.tS) ?? 0) + 1);
    expect([...perTick.values()].some((n) => n > 1)).toBe(true);
    for (const r of records) expect(r.inputsDigest, `t = ${r.tS}`).toBe(want.get(r.tS));
    // the digests differ from tick to tick (the snapshot changes): none was carried over
    expect(new Set(records.map((r) => r.inputsDigest)).size).toBe(perTick.size);
  });
});
