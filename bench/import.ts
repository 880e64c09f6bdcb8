/**
 * Import benchmark (`node --import tsx bench/import.ts [dir]`): for every CARLA town found, the
 * OpenDRIVE load time (median of 3) beside the bare XML parse of the same file, the RoadMap index
 * build, and the worst gap between linked driving-lane boundaries. Measured side by side in one
 * run; no assertions. Default dir: ../shared/scenarios/carla_towns, else data/carla.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { markdownTable } from '../cli/table.ts';
import { RoadMap } from '../core/map/RoadMap.ts';
import { parseOpenDrive } from '../scenarios/import/index.ts';

const REPEATS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function importBench(dirArg?: string): string {
  const here = new URL('.', import.meta.url).pathname;
  const dir =
    dirArg ??
    [resolve(here, '../../shared/scenarios/carla_towns'), resolve(here, '../data/carla')].find((d) =>
      existsSync(d),
    )!;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.xodr'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  const bare = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
  const rows: (string | number)[][] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const parseMs: number[] = [];
    const loadMs: number[] = [];
    const indexMs: number[] = [];
    let gap = 0;
    let lanes = 0;
    for (let r = 0; r < REPEATS; r++) {
      let t0 = performance.now();
      bare.parse(text);
      parseMs.push(performance.now() - t0);
      t0 = performance.now();
      const res = parseOpenDrive(text, f);
      loadMs.push(performance.now() - t0);
      if (!res.ok) throw new Error(res.error.message);
      t0 = performance.now();
      new RoadMap(res.value.map);
      indexMs.push(performance.now() - t0);
      gap = res.value.worstGapM;
      lanes = res.value.stats.lanes;
    }
    const load = median(loadMs);
    const parse = median(parseMs);
    rows.push([
      f.split('/').pop()!,
      (statSync(f).size / 1048576).toFixed(2),
      lanes,
      parse.toFixed(0),
      load.toFixed(0),
      (load / parse).toFixed(2),
      median(indexMs).toFixed(0),
      (100 * gap).toFixed(2),
    ]);
  }
  return [
    `OpenDRIVE import (${dir}), median of ${REPEATS}; the largest town first`,
    markdownTable(
      ['town', 'MiB', 'lanes', 'XML parse ms', 'load ms', 'load / parse', 'RoadMap index ms', 'worst gap cm'],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(importBench(process.argv[2]));
