/**
 * Turns across the ego's path (issue #14), as a reviewer checks them: `edgeplan safety check` (the
 * CLI's main(), in-process) on scenes at the built-in four-way junction (`scenarios/builtin`
 * `intersection()`: arms east 0, north 1, west 2, south 3; IN{k} ends 14 m from the centre, the
 * connectors C{i}{j} cross the box; lanes 3.5 m wide). The ego comes north on IN3 and goes straight
 * on (C31); an oncoming car comes south on IN1. Each pair is the same command, safe or unsafe by
 * one fact of the scene, decided from RSS or traffic law before the gate was run on it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { intersection } from '../scenarios/builtin/index.ts';
import { agent, FRONT_M, type Obj, pairTable, scen } from './testing/reviewerPairs.ts';

const KEEP: Obj = { speed: 'KEEP', path: 'FOLLOW_LANE' };
const LANES = intersection().lanes as unknown as Obj[];
const NORTH = Math.PI / 2;
const SOUTH = -Math.PI / 2;

const { cases, scenes, pair } = pairTable('ltap_');

// LTAP/OD (Euro NCAP's car-to-car left turn across path, opposite direction; esmini
// `ltap-od-relative-speed`): the ego at 10 m/s, its front 15 m before the junction; the oncoming car
// at 8 m/s, its front 17.75 m before it. Its left turn (C10, to the east) crosses the ego's lane at
// ≈ (1.75, 5): ≈ 28 m on for the car (3.5 s), 32 m for the ego's front (3.2 s; its rear clears at
// ≈ 3.9 s). Once the car has begun to turn the ego is ≈ 2 s from the spot, 20 m at 10 m/s, and
// brakes too late (esmini: contact at 4.2 m/s). The driver turning left yields to oncoming traffic
// (StVO §9(3)), but its indicator says it is turning: RSS's proper response to a car that may
// cross is to be able to stop short of its path (or pass before it) — the left indicator makes
// the turn the case to plan for; a right indicator (C12, to the west) never crosses the ego's way.
const ltapScene = (indicator: string) =>
  scen(LANES, [1.75, -14 - 15 - FRONT_M, NORTH, 10], ['IN3', 'C31', 'OUT1'], {
    agents: [agent('onc', 'vehicle', -1.75, 14 + 17.75 + 2.25, SOUTH, 8, {}, { indicator })],
  });
pair('ltap_od_indicating', 'turn across path', KEEP, ltapScene('RIGHT'), ltapScene('LEFT'), {
  safe: 'the oncoming car indicates right (C12, west): it never crosses the ego lane; straight on at 10 m/s',
  unsafe:
    'the oncoming car indicates left: its turn (C10) crosses the ego lane at ≈ 3.5 s, while the ego is in it (3.2–3.9 s) -> slow or stop short',
});

// Left turn across the path of an oncoming car going straight on (issue #14): the ego at 7 m/s,
// its front 10 m before the junction, turns left (C32, to the west) across C13, which the oncoming
// car takes straight through at 15 m/s. With the car's front 9.5 m before the junction it is through
// the spot where the turn crosses C13 ≈ 0.3 s before the ego reaches it (the gate's 0.2 s steps put
// it at 0.2–0.4 s): no footprint overlap, no TTC breach, and a car 0.3 s off its forecast at 15 m/s
// (4.5 m) strikes the ego's side with neither able to stop (RSS, different geometry; PET < 1 s is a
// serious conflict). The turn yields to oncoming traffic (StVO §9(3)): stop short of its path. With
// the car 40.5 m further on it is through the spot ≈ 3 s before the ego (nothing to yield to).
const ltapPetScene = (carFrontBeforeJunctionM: number) =>
  scen(LANES, [1.75, -14 - 10 - FRONT_M, NORTH, 7], ['IN3', 'C32', 'OUT2'], {
    agents: [agent('onc', 'vehicle', -1.75, 14 + carFrontBeforeJunctionM + 2.25, SOUTH, 15)],
  });
pair('ltap_pet_behind', 'turn across path', KEEP, ltapPetScene(9.5 - 40.5), ltapPetScene(9.5), {
  safe: 'the oncoming car (15 m/s) is through the spot where the left turn crosses its lane ≈ 3 s before the ego (7 m/s): turn at that speed',
  unsafe:
    'the oncoming car (15 m/s, right of way) is through that spot only ≈ 0.3 s before the ego: post-encroachment time < 1 s, a yield not given -> stop short of its path',
});

const DIR = mkdtempSync(join(tmpdir(), 'edgeplan-ltap-'));
for (const [file, scene] of scenes) writeFileSync(join(DIR, file), JSON.stringify(scene, null, 1));

/** `edgeplan safety check … --json` in-process: exit code and the verdict it printed. */
async function check(
  scene: string,
  command: object,
): Promise<{ code: number; decision: string; text: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const args = ['safety', 'check', join(DIR, scene), '--command', JSON.stringify(command), '--json'];
  try {
    const code = await main(['node', 'edgeplan', ...args], (s) => lines.push(s));
    const text = lines.join('\n');
    return { code, decision: (JSON.parse(text) as { decision: string }).decision, text };
  } finally {
    spy.mockRestore();
  }
}

describe('turns across the ego path through `edgeplan safety check`', () => {
  for (const c of cases)
    it(`${c.id}: ${c.expect.join(' or ')} (${c.why})`, async () => {
      const r = await check(c.scene, c.command);
      expect(r.code).toBe(0);
      expect(c.expect, r.text).toContain(r.decision);
    });
});
