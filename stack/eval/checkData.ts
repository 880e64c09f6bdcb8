/**
 * `check-data`: imports every file of a data folder (shared/scenarios layout: one sub-folder per
 * family), reports per family how many load, the worst linked-boundary gap of each OpenDRIVE map,
 * which files wait for a map that is not at hand (a CARLA town), what is skipped and why, and
 * (optionally) runs the first scenario of every loaded file closed-loop for 15 s with a planner and
 * scores it (nuPlan CLS, non-reactive).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { formatError } from '../../core/index.ts';
import { RoadMap } from '../../core/map/RoadMap.ts';
import { importFile } from '../../scenarios/import/index.ts';
import { loadOpenDrive } from '../../scenarios/import/opendrive/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { type Driver, runDriver } from '../registry.ts';

/** Closed-loop run length for .xosc scenarios, s (the 15 s, nuPlan's scenario length). */
export const CHECK_RUN_S = 15;

export interface FamilyReport {
  family: string;
  loaded: number;
  total: number;
  /** Files of kinds no importer reads (OpenSCENARIO 2.0 .osc, catalogs, foreign XML). */
  skipped: number;
  /** Why they were skipped: reason → count. */
  skippedWhy: Record<string, number>;
  /** Files that hold scenarios on a map we do not have (not loaded, not failed): file → what it needs. */
  needsMap: { file: string; what: string }[];
  /** OpenDRIVE: worst gap between linked driving-lane boundaries over the family's maps, m. */
  worstGapM?: number;
  worstGapAt?: string;
  /** Closed-loop runs (first scenario of each loaded file): completed / attempted. */
  ran?: number;
  runTotal?: number;
  /** nuPlan CLS-NR of each completed run, 0..1 (mean = the family's score). */
  scores?: number[];
  /** Scenarios found in the loaded files (routes, logs). */
  scenarios: number;
  failures: { file: string; error: string }[];
  /** Import warnings of loaded files (e.g. a route whose town is missing or a waypoint off the map). */
  notes: string[];
  loadMs: number;
}

export interface CheckOptions {
  /**
   * What drives the ego in the closed-loop runs (a trajectory planner or a command stack such as
   * `hierarchical`, see `createDriver`), fresh per run; none = no runs.
   */
  driver?: () => Driver | undefined;
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

/** Why a file is not imported, or undefined when an importer reads it (catalogs and foreign XML are skipped, not failed). */
export function skipReason(path: string): string | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.osc') return 'OpenSCENARIO 2.0 (.osc): unsupported format';
  if (!IMPORTABLE.has(ext)) return `${ext || 'no extension'}: not a scenario or map format`;
  if (/[/\\]catalogs[/\\]/i.test(path))
    return 'OpenSCENARIO catalogs: read through the scenarios that use them';
  if (ext === '.xml') {
    const root = xmlRootOf(path);
    const known = ['routes', 'scenarios', 'commonRoad', 'OpenDRIVE', 'OpenSCENARIO'];
    if (!root || !known.includes(root)) return `XML <${root ?? '?'}>: unsupported format`;
  }
  return undefined;
}

/** Whether a file is one our importers read. */
export function isImportable(path: string): boolean {
  return skipReason(path) === undefined;
}

/** An import message saying which map a file needs (see the CARLA and OpenSCENARIO importers). */
const NEEDS_MAP = /needs (\S+\.xodr); pass --map/;

export async function checkData(dir: string, o: CheckOptions = {}): Promise<FamilyReport[]> {
  const files: string[] = [];
  walk(dir, files);
  const reports = new Map<string, FamilyReport>();
  const fam = (f: string): FamilyReport => {
    const name = relative(dir, f).split(/[/\\]/)[0] ?? '.';
    const key = name === relative(dir, f) ? '.' : name;
    let r = reports.get(key);
    if (!r) {
      r = {
        family: key,
        loaded: 0,
        total: 0,
        skipped: 0,
        skippedWhy: {},
        needsMap: [],
        scenarios: 0,
        failures: [],
        notes: [],
        loadMs: 0,
      };
      reports.set(key, r);
    }
    return r;
  };
  const todo = files.filter((f) => {
    if (/\.(md|txt|csv|json|png)$/i.test(f) || /LICENSE/i.test(f)) return false;
    const why = skipReason(f);
    if (why) {
      const r = fam(f);
      r.skipped++;
      r.skippedWhy[why] = (r.skippedWhy[why] ?? 0) + 1;
      return false;
    }
    return true;
  });
  for (const [i, f] of todo.entries()) {
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
        continue;
      }
      r.loaded++;
      if (r.worstGapM === undefined || odr.value.worstGapM > r.worstGapM) {
        r.worstGapM = odr.value.worstGapM;
        r.worstGapAt = `${relative(dir, f)} ${odr.value.worstGapAt}`;
      }
      continue;
    }
    const imp = importFile(f);
    r.loadMs += performance.now() - t0;
    const rel = relative(dir, f);
    if (!imp.ok && imp.error.code === 'UNSUPPORTED' && imp.error.path.startsWith(f)) {
      // The file itself is of a kind no importer reads, known only once opened (plain
      // OpenStreetMap, a parameter distribution): a skip. (A missing library is a failure.)
      r.total--;
      r.skipped++;
      const why = `${ext}: ${imp.error.message}`;
      r.skippedWhy[why] = (r.skippedWhy[why] ?? 0) + 1;
      continue;
    }
    if (!imp.ok) {
      const needs = NEEDS_MAP.exec(imp.error.message);
      if (needs) r.needsMap.push({ file: rel, what: needs[1]! });
      else r.failures.push({ file: rel, error: formatError(imp.error) });
      continue;
    }
    if (imp.value.scenarios.length === 0) {
      // Every scenario of the file is on a map we do not have: not loaded, and not a failure.
      const needs = [...new Set(imp.value.warnings.map((w) => NEEDS_MAP.exec(w)?.[1]).filter((x) => x))];
      if (needs.length > 0) {
        r.needsMap.push({ file: rel, what: needs.join(', ') });
        continue;
      }
    }
    r.loaded++;
    r.scenarios += imp.value.scenarios.length;
    for (const w of imp.value.warnings) r.notes.push(`${rel}: ${w}`);
    const s = imp.value.scenarios[0];
    // The scenario's own map (a routes file spans several towns; `imp.value.map` is the last one).
    const odrOfScenario =
      s?.map.kind === 'file'
        ? loadOpenDrive(s.map.path, {
            ...(s.map.headerOffset ? { headerOffset: s.map.headerOffset } : {}),
            ...(s.map.defaultRule ? { defaultRule: s.map.defaultRule } : {}),
          })
        : undefined;
    const mapData =
      s?.map.kind === 'inline' ? s.map.map : odrOfScenario?.ok ? odrOfScenario.value.map : undefined;
    if (o.driver && s && (mapData ?? imp.value.map)) {
      r.ran ??= 0;
      r.runTotal = (r.runTotal ?? 0) + 1;
      const driver = o.driver();
      if (!driver) continue;
      try {
        const map = new RoadMap((mapData ?? imp.value.map)!);
        // 15 s (nuPlan's length) or the scenario's own, shorter, duration; the engine also ends a
        // run when the ego reaches the end of its route.
        const durationS = Math.min(CHECK_RUN_S, s.durationS);
        // The expert is cut to the run (progress is scored against the expert's own).
        const expert = s.expert.filter((p) => p.tS <= durationS + 1e-9);
        const log = await runDriver(driver, { ...s, durationS, expert }, map, {
          mode: 'nonreactive',
          seed: 0,
        });
        r.ran++;
        (r.scores ??= []).push(evaluateRun(log, map).score);
      } catch (e) {
        r.failures.push({ file: rel, error: `closed-loop run failed: ${(e as Error).message}` });
      } finally {
        if (driver.kind === 'stack') driver.close?.();
      }
    }
  }
  return [...reports.values()]
    .filter((r) => r.total > 0 || r.skipped > 0)
    .sort((a, b) => a.family.localeCompare(b.family));
}
