/**
 * The fuzz generator draws physically possible, avoidable situations: pedestrians speed up from rest
 * as the social-force relaxation allows (no full pace one sample after standing), and a cut-in leaves
 * an attentive driver at the expert's speed (0.5 s reaction, then 8 m/s²) room to keep clear.
 */
import { describe, expect, it } from 'vitest';
import { buildFuzzMaps, FUZZ_FAMILIES, fuzzCase } from './fuzzScenario.ts';

const maps = buildFuzzMaps();
const family = (name: (typeof FUZZ_FAMILIES)[number]) => FUZZ_FAMILIES.indexOf(name);
const trackOf = (a: { behavior: unknown }) =>
  (a.behavior as { track: Array<{ tS: number; x: number; y: number; headingRad: number; speedMps: number }> })
    .track;

describe('fuzz generator', () => {
  it('pedestrians and workers speed up from rest at most v/τ (τ = 0.5 s), never a full pace in one sample', () => {
    for (const seed of [7, 11]) {
      for (let i = 0; i < 180; i++) {
        if (i % 9 !== family('pedestrian_crossing') && i % 9 !== family('robot_crossing')) continue;
        const c = fuzzCase(seed, i, 6, maps);
        const tr = trackOf(c.scenario.agents[0]!);
        let prev = tr[0]!;
        for (const p of tr.slice(1)) {
          const accel = (p.speedMps - prev.speedMps) / (p.tS - prev.tS);
          expect(accel).toBeLessThanOrEqual(2.2 / 0.5 + 1e-9);
          // it moves no farther than its speed allows (the faster end of the step: it arrives at rest)
          const dist = Math.hypot(p.x - prev.x, p.y - prev.y);
          expect(dist).toBeLessThanOrEqual(Math.max(p.speedMps, prev.speedMps) * (p.tS - prev.tS) + 1e-9);
          prev = p;
        }
      }
    }
  });
  it('every cut-in leaves an attentive driver at the expert speed (0.5 s, then 8 m/s²) clear of the cutter', () => {
    let checked = 0;
    for (const seed of [7, 11, 20789]) {
      for (let i = family('cut_in'); i < 450; i += 9) {
        const c = fuzzCase(seed, i, 6, maps);
        const ego = c.scenario.egoStart;
        const ch = Math.cos(ego.headingRad);
        const sh = Math.sin(ego.headingRad);
        const tr = trackOf(c.scenario.agents[0]!);
        const t0 =
          tr.find((p) => Math.abs(p.headingRad - ego.headingRad) > 1e-3)?.tS ?? Number.POSITIVE_INFINITY;
        // the ego's centre from its rear axle, then constant speed until t0 + 0.5 s, then 8 m/s²
        let s = c.scenario.vehicle!.rearAxleToCenterM;
        let v = ego.speedMps;
        for (const p of tr) {
          const dx = p.x - ego.x;
          const dy = p.y - ego.y;
          const lon = dx * ch + dy * sh - s;
          const lat = -dx * sh + dy * ch;
          const touches = Math.abs(lon) < (5.176 + 4.8) / 2 && Math.abs(lat) < (2.297 + 1.9) / 2;
          expect(touches, `seed ${seed} run ${i} at ${p.tS} s`).toBe(false);
          const vNext = p.tS >= t0 + 0.5 - 1e-9 ? Math.max(0, v - 0.8) : v;
          s += 0.05 * (v + vNext);
          v = vNext;
        }
        checked++;
      }
    }
    expect(checked).toBe(150);
  });
});
