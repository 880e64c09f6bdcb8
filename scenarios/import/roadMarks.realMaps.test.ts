/**
 * Lane markings on the real maps in /work/shared/scenarios (skipped where the folder is absent):
 * every map imports, and the stretches per type × colour are printed — the figures the
 * scenarios README quotes. Run: `npx vitest run scenarios/import/roadMarks.realMaps.test.ts`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RoadMapData } from '../../core/index.ts';
import { importFile } from './index.ts';

const ROOT = '/work/shared/scenarios';

function files(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (ext.test(f)) out.push(p);
  }
  return out.sort();
}

/** Stretches per `type colour`, with where the marking came from (the file's own or the default). */
function count(map: RoadMapData, into: Map<string, number>): { own: number; defaulted: number } {
  let own = 0;
  let defaulted = 0;
  for (const l of map.lanes)
    for (const marks of [l.leftMarks, l.rightMarks]) {
      if (!marks) {
        defaulted++;
        continue;
      }
      own++;
      for (const m of marks) into.set(`${m.type} ${m.color}`, (into.get(`${m.type} ${m.color}`) ?? 0) + 1);
    }
  return { own, defaulted };
}

const FAMILIES: [string, string[]][] = [
  ['carla_towns', files(join(ROOT, 'carla_towns'), /\.xodr$/)],
  ['esmini', files(join(ROOT, 'esmini'), /\.xodr$/)],
  ['commonroad', files(join(ROOT, 'commonroad'), /\.xml$/)],
  ['lanelet2', files(join(ROOT, 'lanelet2'), /\.osm$/)],
];

describe.skipIf(!existsSync(ROOT))('lane markings on the real maps', () => {
  const totals = new Map<string, Map<string, number>>();
  it.each(FAMILIES)('imports every %s map with its markings', (family, list) => {
    expect(list.length).toBeGreaterThan(0);
    const by = new Map<string, number>();
    let own = 0;
    let defaulted = 0;
    const failed: string[] = [];
    for (const f of list) {
      const r = importFile(f);
      if (!r.ok || !r.value.map) {
        failed.push(`${f}: ${r.ok ? 'no map' : r.error.message}`);
        continue;
      }
      const c = count(r.value.map, by);
      own += c.own;
      defaulted += c.defaulted;
    }
    totals.set(family, by);
    const rows = [...by.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${k.padEnd(24)} ${n}`);
    console.log(
      `${family}: ${list.length} maps, ${failed.length} failed; lane sides with the file's marking ${own}, default ${defaulted}\n${rows.join('\n')}`,
    );
    expect(failed).toEqual([]);
    // every family here carries markings of its own, broken lines among them
    expect(own).toBeGreaterThan(0);
    expect([...by.keys()].some((k) => k.startsWith('broken'))).toBe(true);
  });

  it("reads the CARLA towns' yellow centre lines (broken and double solid) as yellow", () => {
    const by = totals.get('carla_towns') ?? new Map();
    expect(by.get('broken yellow') ?? 0).toBeGreaterThan(0);
    expect(by.get('solid_solid yellow') ?? 0).toBeGreaterThan(0);
  });
});
