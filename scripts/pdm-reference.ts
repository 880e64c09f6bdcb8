/**
 * Copies the original PDM-Closed's reference outputs (tuplan_garage run with nuplan-devkit on the
 * built-in scenarios; see the source folder's README) into the repository as test fixtures,
 * trimmed to what the tests read. Run on purpose when the reference changes:
 *
 *   npx tsx scripts/pdm-reference.ts [../shared/reference/pdm_closed]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(process.argv[2] ?? resolve(here, '../../shared/reference/pdm_closed'));
const out = resolve(here, '../data/reference/pdm_closed');

interface SourceSnapshot {
  id: string;
  scenario: string;
  tick: number;
  snapshot: unknown;
  centreline: { xs: number[]; ys: number[] };
  original: unknown;
}
const snaps: { about: string; snapshots: SourceSnapshot[] } = JSON.parse(
  readFileSync(resolve(src, 'snapshots.json'), 'utf8'),
);
const CENTRELINE_STRIDE = 10;
const trimmed = {
  about: snaps.about,
  source: 'shared/reference/pdm_closed/snapshots.json, trimmed by scripts/pdm-reference.ts',
  snapshots: snaps.snapshots.map((s) => ({
    id: s.id,
    scenario: s.scenario,
    tick: s.tick,
    snapshot: s.snapshot,
    // Every 10th point of the reference centreline, to check that the built-in scenario still
    // produces the same route path the original was given.
    centreline: {
      stride: CENTRELINE_STRIDE,
      xs: s.centreline.xs.filter((_, i) => i % CENTRELINE_STRIDE === 0),
      ys: s.centreline.ys.filter((_, i) => i % CENTRELINE_STRIDE === 0),
    },
    original: s.original,
  })),
};
writeFileSync(resolve(out, 'snapshots.json'), `${JSON.stringify(trimmed)}\n`);
const closed = JSON.parse(readFileSync(resolve(src, 'closed_loop_original.json'), 'utf8'));
writeFileSync(resolve(out, 'closed_loop_original.json'), `${JSON.stringify(closed, null, 1)}\n`);
console.log(`wrote ${out}/snapshots.json and closed_loop_original.json from ${src}`);
