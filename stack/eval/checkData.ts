/**
 * `check-data`: imports every file of a data folder (shared/scenarios layout: one sub-folder per
 * family), reports per family how many load, the worst linked-boundary gap of each OpenDRIVE map,
 * and (optionally) runs each OpenSCENARIO scenario closed-loop for 15 s with a planner.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { formatError } from '../../core/index.ts';
import { RoadMap } from '../../core/map/RoadMap.ts';
import type { Planner } from '../../planner/index.ts';
import { importFile } from '../../scenarios/import/index.ts';
import { loadOpenDrive } from '../../scenarios/import/opendrive/index.ts';
import { runScenario } from '../../sim/runScenario.ts';

/** Closed-loop run length for .xosc scenarios, s (the 15 s, nuPlan's scenario length). */
export const CHECK_RUN_S = 15;

export interface FamilyReport {
  family: string;
  loaded: number;
  total: number;
  /** Files of kinds no importer reads (OpenSCENARIO 2.0 .osc, legacy ScenarioRunner .xml, catalogs). */
  skipped: number;
  /** OpenDRIVE: worst gap between linked driving-lane boundaries over the family's maps, m. */
  worstGapM?: number;
  worstGapAt?: string;
  /** OpenSCENARIO: scenarios that ran closed-loop to completion / were run. */
  ran?: number;
  runTotal?: number;
  /** Scenarios found in the loaded files (routes, logs). */
  scenarios: number;
  failures: { file: string; error: string }[];
  /** Import warnings of loaded files (e.g. a route whose town is missing or a waypoint off the map). */
  notes: string[];
  loadMs: number;
}

export interface CheckOptions {
  /** Planner factory for the closed-loop runs; none = no runs. */
  planner?: () => Planner | undefined;
  onFile?: (file: string, done: number, total: number) => void;
}

const IMPORTABLE = new Set(['.xodr', '.xosc', '.xml', '.osm', '.db']);

function walk(dir: string, out: string[]): void {
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      if (f !== 'LICENSES') walk(p, out);
    } else out.push(p);
  }
}

function xmlRootOf(path: string): string | undefined {
  try {
    const head = readFileSync(path, 'utf8').slice(0, 4096);
    return /<([A-Za-z_][\w.-]*)[\s>]/.exec(
      head.replace(/<\?[^>]*\?>/g, '').replace(/<!--[\s\S]*?-->/g, ''),
    )?.[1];
  } catch {
    return undefined;
  }
}

/** Whether a file is one our importers read (catalogs and foreign XML are skipped, not failed). */
export function isImportable(path: string): boolean {
  const ext = extname(path).toLowerCase();
  if (!IMPORTABLE.has(ext)) return false;
  if (/[/\\]catalogs[/\\]/i.test(path)) return false;
  if (ext === '.xml') {
    const root = xmlRootOf(path);
    return root === 'routes' || root === 'commonRoad' || root === 'OpenDRIVE' || root === 'OpenSCENARIO';
  }
  return true;
}

export function checkData(dir: string, o: CheckOptions = {}): FamilyReport[] {
  const files: string[] = [];
  walk(dir, files);
  const reports = new Map<string, FamilyReport>();
  const fam = (f: string): FamilyReport => {
    const name = relative(dir, f).split(/[/\\]/)[0] ?? '.';
    const key = name === relative(dir, f) ? '.' : name;
    let r = reports.get(key);
    if (!r) {
      r = { family: key, loaded: 0, total: 0, skipped: 0, scenarios: 0, failures: [], notes: [], loadMs: 0 };
      reports.set(key, r);
    }
    return r;
  };
  const todo = files.filter((f) => {
    if (/\.(md|txt|csv|json|png)$/i.test(f) || /LICENSE/i.test(f)) return false;
    if (!isImportable(f)) {
      fam(f).skipped++;
      return false;
    }
    return true;
  });
  todo.forEach((f, i) => {
    o.onFile?.(relative(dir, f), i, todo.length);
    const r = fam(f);
    r.total++;
    const t0 = performance.now();
    const ext = extname(f).toLowerCase();
    if (ext === '.xodr') {
      const odr = loadOpenDrive(f);
      r.loadMs += performance.now() - t0;
      if (!odr.ok) {
        r.failures.push({ file: relative(dir, f), error: formatError(odr.error) });
        return;
      }
      r.loaded++;
      if (r.worstGapM === undefined || odr.value.worstGapM > r.worstGapM) {
        r.worstGapM = odr.value.worstGapM;
        r.worstGapAt = `${relative(dir, f)} ${odr.value.worstGapAt}`;
      }
      return;
    }
    const imp = importFile(f);
    r.loadMs += performance.now() - t0;
    if (!imp.ok) {
      r.failures.push({ file: relative(dir, f), error: formatError(imp.error) });
      return;
    }
    r.loaded++;
    r.scenarios += imp.value.scenarios.length;
    for (const w of imp.value.warnings) r.notes.push(`${relative(dir, f)}: ${w}`);
    if (ext === '.xosc' && o.planner) {
      r.ran ??= 0;
      r.runTotal = (r.runTotal ?? 0) + 1;
      const s = imp.value.scenarios[0];
      const planner = o.planner();
      if (!s || !imp.value.map || !planner) return;
      try {
        const map = new RoadMap(imp.value.map);
        const log = runScenario({ ...s, durationS: CHECK_RUN_S }, map, planner, {
          mode: 'nonreactive',
          seed: 0,
        });
        const lastT = log.ticks[log.ticks.length - 1]?.tS ?? 0;
        if (lastT >= CHECK_RUN_S - 0.1 - 1e-6) r.ran++;
        else r.failures.push({ file: relative(dir, f), error: `run stopped at ${lastT.toFixed(1)} s` });
      } catch (e) {
        r.failures.push({ file: relative(dir, f), error: `closed-loop run failed: ${(e as Error).message}` });
      }
    }
  });
  return [...reports.values()]
    .filter((r) => r.total > 0 || r.skipped > 0)
    .sort((a, b) => a.family.localeCompare(b.family));
}
