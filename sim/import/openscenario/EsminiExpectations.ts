/**
 * Holds our OpenSCENARIO / OpenDRIVE interpretation against esmini's own regression values
 * (`expectations.json`, explained in EXPECTATIONS.md beside it): every scenario value is checked on
 * a storyboard-mode run at the step the test used, every road value on the OpenDRIVE road model.
 * Tolerances are EXPECTATIONS.md's practical ones (a strict count at esmini's own tolerances is
 * reported beside them).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadOpenDrive } from '../opendrive/index.ts';
import type { RoadGeometry } from '../opendrive/RoadGeometry.ts';
import { runStoryboard, type StateRow, type StoryboardResult } from './StoryboardRun.ts';

export type Category = 'road queries' | 'initial positions' | 'states early' | 'states late' | 'event times';
export const CATEGORIES: readonly Category[] = [
  'road queries',
  'initial positions',
  'states early',
  'states late',
  'event times',
];

/** Practical tolerances (EXPECTATIONS.md: about ±1 step for events, 0.05 m / 0.01 rad early, looser late). */
export const PRACTICAL = {
  /** States at or before this time are "early", s. */
  earlyUntilS: 10,
  positionEarlyM: 0.05,
  positionLateM: 0.5,
  angleEarlyRad: 0.01,
  angleLateRad: 0.05,
  speedEarlyMps: 0.05,
  speedLateMps: 0.2,
  /** Road queries: at least this, m (or the test's own tolerance if larger). */
  roadM: 1e-3,
} as const;

interface ScenarioExpectation {
  id: string;
  scenario: string;
  options: string[];
  entity: string | null;
  time_s: number;
  quantity: string;
  expected: number;
  tolerance: number;
  match: string;
  source_kind: string;
}

interface RoadExpectation {
  id: string;
  xodr: string;
  input: Record<string, unknown> & { query: string };
  expected: Record<string, unknown>;
  tolerance: number;
}

export interface CheckResult {
  id: string;
  category: Category;
  file: string;
  what: string;
  expected: unknown;
  got: unknown;
  /** Holds at the practical tolerance / at esmini's own tolerance. */
  ok: boolean;
  strictOk: boolean;
  note?: string;
}

export interface CategoryRow {
  category: Category;
  total: number;
  ok: number;
  strictOk: number;
}

/** The simulation step a test used (the first --fixed_timestep of `options`, or the C++ test's dt). */
export function stepOf(options: readonly string[]): number {
  const i = options.indexOf('--fixed_timestep');
  if (i >= 0) return Number(options[i + 1]);
  for (const o of options) {
    const m = /dt=([\d.]+)/.exec(o);
    if (m) return Number(m[1]);
  }
  return 0.01;
}

const angleDiff = (a: number, b: number): number => {
  const d = (((a - b) % (2 * Math.PI)) + 3 * Math.PI) % (2 * Math.PI);
  return Math.abs(d - Math.PI);
};

function categoryOf(e: ScenarioExpectation): Category {
  if (e.source_kind === 'log_event') return 'event times';
  if (e.time_s === 0 || e.source_kind === 'log_init_position') return 'initial positions';
  return e.time_s <= PRACTICAL.earlyUntilS ? 'states early' : 'states late';
}

function stateValue(row: StateRow, q: string): number | undefined {
  switch (q) {
    case 'x':
      return row.x;
    case 'y':
      return row.y;
    case 'z':
      return row.z;
    case 'h':
      return row.h;
    case 'p':
      return row.p;
    case 'r':
      return row.r;
    case 'speed':
      return row.speedMps;
    case 's':
      return row.road?.sM;
    case 't':
      return row.road?.tM;
    case 'lane_id':
      return row.road?.laneId;
    default:
      return undefined;
  }
}

function practicalTol(e: ScenarioExpectation, step: number): number {
  const early = e.time_s <= PRACTICAL.earlyUntilS;
  if (e.source_kind === 'log_event') return step + 1e-6;
  if (e.quantity === 'lane_id') return 0;
  if (['h', 'p', 'r'].includes(e.quantity)) return early ? PRACTICAL.angleEarlyRad : PRACTICAL.angleLateRad;
  if (e.quantity === 'speed') return early ? PRACTICAL.speedEarlyMps : PRACTICAL.speedLateMps;
  return early ? PRACTICAL.positionEarlyM : PRACTICAL.positionLateM;
}

function checkScenarioValue(e: ScenarioExpectation, run: StoryboardResult, step: number): CheckResult {
  const base = {
    id: e.id,
    category: categoryOf(e),
    file: e.scenario,
    expected: e.expected,
  };
  const tolP = Math.max(practicalTol(e, step), e.tolerance);
  if (e.source_kind === 'log_event') {
    const times = run.events
      .filter((v) => v.kind === e.quantity && (e.entity === null || v.name === e.entity))
      .map((v) => v.tS);
    const best = times.reduce<number | undefined>(
      (b, t) => (b === undefined || Math.abs(t - e.expected) < Math.abs(b - e.expected) ? t : b),
      undefined,
    );
    const d = best === undefined ? Infinity : Math.abs(best - e.expected);
    return {
      ...base,
      what: `${e.quantity} ${e.entity ?? ''}`.trim(),
      got: best ?? null,
      ok: d <= tolP,
      strictOk: d <= e.tolerance + 1e-9,
    };
  }
  const row = run.states.find((r) => r.name === e.entity && Math.abs(r.tS - e.time_s) < step / 2);
  const v = row ? stateValue(row, e.quantity) : undefined;
  const what = `${e.entity} ${e.quantity} @ ${e.time_s} s`;
  if (v === undefined) return { ...base, what, got: null, ok: false, strictOk: false, note: 'no state' };
  const d = ['h', 'p', 'r'].includes(e.quantity) ? angleDiff(v, e.expected) : Math.abs(v - e.expected);
  return { ...base, what, got: v, ok: d <= tolP + 1e-9, strictOk: d <= e.tolerance + 1e-9 };
}

type Lp = { road_id: number; lane_id: number; s: number; offset?: number };

/** Answers one road query on our road model; undefined when the query is not implemented. */
export function roadQuery(
  geo: RoadGeometry,
  input: RoadExpectation['input'],
): Record<string, unknown> | undefined {
  const lanePos = (p: Lp) => {
    const c = geo.laneCenterT(String(p.road_id), p.lane_id, p.s);
    if (!c) return undefined;
    return geo.pose(String(p.road_id), p.s, c.tM + (p.offset ?? 0));
  };
  switch (input.query) {
    case 'num_roads':
      return { num_roads: geo.roads.length };
    case 'road_length':
      return { length: geo.roadLength(String(input.road_id)) };
    case 'road_width': {
      const road = geo.road(String(input.road_id));
      if (!road) return undefined;
      const side = input.side === 1 ? 1 : -1;
      const off = geo.outerT(road, Number(input.s), side);
      const centre = geo.laneCenterT(String(input.road_id), 0, Number(input.s))?.tM ?? 0;
      return { width: Math.abs(off - centre) };
    }
    case 'lane_to_world': {
      const p = lanePos(input as unknown as Lp);
      return p ? { x: p.x, y: p.y, s: input.s } : undefined;
    }
    case 'track_to_world': {
      const p = geo.pose(String(input.road_id), Number(input.s), Number(input.t));
      return p ? { x: p.x, y: p.y } : undefined;
    }
    case 'lane_section_at_s': {
      const road = geo.road(String(input.road_id));
      if (!road) return undefined;
      const ids = geo.laneIdsAt(road.id, Number(input.s));
      return { lane_section_idx: geo.sectionIndex(road, Number(input.s)), first_lane_id: ids[0] };
    }
    case 'lane_ids_at_s': {
      const ids = geo.laneIdsAt(String(input.road_id), Number(input.s));
      const withCentre = [...ids.filter((i) => i > 0), 0, ...ids.filter((i) => i < 0)];
      return { lane_ids: withCentre };
    }
    case 'junction_id': {
      const road = geo.road(String(input.road_id));
      if (!road) return undefined;
      const j = Number(road.junction);
      return { junction_id: j, in_junction: j >= 0 };
    }
    case 'world_to_road': {
      const c = geo.worldToRoad(Number(input.x), Number(input.y));
      if (!c) return undefined;
      return { road_id: Number(c.roadId), lane_id: c.laneId, offset: c.offsetM, h: input.h };
    }
    default:
      return undefined;
  }
}

function compareDeep(exp: unknown, got: unknown, tol: number): boolean {
  if (typeof exp === 'number') return typeof got === 'number' && Math.abs(exp - got) <= tol + 1e-12;
  if (typeof exp === 'string' || typeof exp === 'boolean') return exp === got;
  if (Array.isArray(exp))
    return (
      Array.isArray(got) && exp.length === got.length && exp.every((x, i) => compareDeep(x, got[i], tol))
    );
  if (exp && typeof exp === 'object') {
    if (!got || typeof got !== 'object') return false;
    return Object.entries(exp).every(([k, v]) => compareDeep(v, (got as Record<string, unknown>)[k], tol));
  }
  return exp === got;
}

/** Road-query offsets in esmini's tests are measured to the lane centre with its sign; compare with the test's tolerance (at least PRACTICAL.roadM). */
function checkRoad(e: RoadExpectation, resources: string): CheckResult {
  const base = {
    id: e.id,
    category: 'road queries' as const,
    file: e.xodr,
    what: e.input.query,
    expected: e.expected,
  };
  const odr = loadOpenDrive(join(resources, 'xodr', e.xodr));
  if (!odr.ok) return { ...base, got: null, ok: false, strictOk: false, note: odr.error.message };
  const got = roadQuery(odr.value.geometry, e.input);
  if (!got) return { ...base, got: null, ok: false, strictOk: false, note: 'query not implemented' };
  return {
    ...base,
    got,
    ok: compareDeep(e.expected, got, Math.max(e.tolerance, e.tolerance > 0 ? PRACTICAL.roadM : 0)),
    strictOk: compareDeep(e.expected, got, e.tolerance),
  };
}

/** Checks every expectation of `expectations.json` (resources/ beside it); results per value. */
export function checkEsminiExpectations(
  expectationsPath: string,
  o: { onScenario?: (file: string) => void } = {},
): CheckResult[] {
  const data = JSON.parse(readFileSync(expectationsPath, 'utf8')) as {
    scenario_expectations: ScenarioExpectation[];
    road_expectations: RoadExpectation[];
  };
  const resources = join(dirname(expectationsPath), 'resources');
  const out: CheckResult[] = [];
  const groups = new Map<string, ScenarioExpectation[]>();
  for (const e of data.scenario_expectations) {
    const key = `${e.scenario}|${stepOf(e.options)}`;
    const g = groups.get(key) ?? [];
    g.push(e);
    groups.set(key, g);
  }
  for (const [key, list] of groups) {
    const [file, stepStr] = key.split('|') as [string, string];
    const step = Number(stepStr);
    o.onScenario?.(file);
    const maxT = Math.max(...list.map((e) => (e.source_kind === 'log_event' ? e.expected : e.time_s)));
    const run = runStoryboard(join(resources, file), { stepS: step, maxDurationS: maxT + 1 });
    for (const e of list) {
      if (!run.ok) {
        out.push({
          id: e.id,
          category: categoryOf(e),
          file,
          what: e.quantity,
          expected: e.expected,
          got: null,
          ok: false,
          strictOk: false,
          note: run.error.message,
        });
        continue;
      }
      out.push(checkScenarioValue(e, run.value, step));
    }
  }
  for (const e of data.road_expectations) out.push(checkRoad(e, resources));
  return out;
}

/** Counts per category (and a total row). */
export function summarize(results: readonly CheckResult[]): CategoryRow[] {
  const rows = CATEGORIES.map((category) => {
    const r = results.filter((x) => x.category === category);
    return {
      category,
      total: r.length,
      ok: r.filter((x) => x.ok).length,
      strictOk: r.filter((x) => x.strictOk).length,
    };
  });
  return rows;
}
