/**
 * `edgeplan tips build <eval-out-dir>`: lessons from an evaluation's failed runs as a tips file
 * (`TipsFileSchema`) for the hierarchical planner's tips memory. A run fails a metric when nuPlan's
 * score says so: an at-fault collision, time-to-collision out of bound, discomfort, or too little
 * progress. For each failure the scene at the moment it happened (first TTC violation, collision
 * time, the harshest longitudinal jerk or acceleration, the ego first stalled) becomes the tip's
 * feature vector; the lesson and its parameter nudges follow from the kind of failure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ok, type Result, type WorldSnapshot } from '../core/index.ts';
import { RoutePath } from '../core/map/index.ts';
import { SCENE_FEATURES, sceneFeatures, type Tip, type TipsFile, TipsFileSchema } from '../planner/index.ts';
import { loadScenario } from '../scenarios/index.ts';
import { resolveRunLogSources } from '../sim/export/RunLog.ts';
import type { SimLog } from '../sim/index.ts';

export interface TipsBuildOptions {
  /** Planner whose runs are read (default hierarchical). */
  planner?: string;
  /** Maps root for scenario references that need one. */
  mapPath?: string;
  /** A run whose progress ratio is below this failed to make progress (no collision). */
  progressBelow?: number;
}

type Failure = { kind: 'collision' | 'ttc' | 'comfort' | 'progress'; tickIndex: number; what: string };

/** Lesson and nudges per kind of failure (additive changes to `HierarchicalParams`). */
const LESSONS: Record<Failure['kind'], { lesson: string; nudges: Tip['nudges'] }> = {
  collision: {
    lesson: 'an at-fault collision happened in a scene like this: keep longer gaps and accept only wide ones',
    nudges: { headwayS: 0.5, yieldGapS: 1.0, borrowMarginM: 10, changeGapFrontM: 3, changeGapRearM: 3 },
  },
  ttc: {
    lesson: 'time to collision fell below 0.95 s in a scene like this: leave more headway, yield earlier',
    nudges: { headwayS: 0.4, yieldGapS: 0.5, minGapM: 0.5 },
  },
  comfort: {
    lesson: 'the ride broke the comfort bounds in a scene like this: brake earlier and more gently',
    nudges: { headwayS: 0.3, accelMaxMps2: -0.3, targetLookS: 0.5 },
  },
  progress: {
    lesson: 'the ego stalled in a scene like this: take acceptable gaps sooner',
    nudges: { yieldGapS: -0.5, startUpLostS: -0.5, borrowMarginM: -5 },
  },
};

/** A run log as `evaluate` writes it (the SimLog with its metrics). */
type RunLogFile = SimLog & {
  metrics?: unknown;
  scenarioRef?: string;
  scenarioRelRef?: string;
  scenarioSha256?: string;
};

function failuresOf(log: RunLogFile, progressBelow: number): Failure[] {
  const m = log.metrics as {
    multipliers: Record<string, number>;
    weighted: Record<string, number>;
    details: { collisions?: { tS: number }[]; progressRatio: number };
    perTick: { tS: number[]; ttcS: (number | null)[]; lonAccelMps2: number[]; lonJerkMps3: number[] };
  };
  if (!m) return [];
  const out: Failure[] = [];
  const idxAt = (tS: number) => {
    let k = 0;
    for (let i = 0; i < log.ticks.length; i++) if (log.ticks[i]!.tS <= tS + 1e-9) k = i;
    return k;
  };
  if (m.multipliers.no_ego_at_fault_collisions! < 1) {
    const t = m.details.collisions?.[0]?.tS ?? 0;
    out.push({
      kind: 'collision',
      tickIndex: Math.max(0, idxAt(t) - 10),
      what: 'no_ego_at_fault_collisions',
    });
  }
  if (m.weighted.time_to_collision_within_bound! < 1) {
    const i = m.perTick.ttcS.findIndex((v) => v !== null && v < 0.95);
    out.push({ kind: 'ttc', tickIndex: Math.max(0, i - 5), what: 'time_to_collision_within_bound' });
  }
  if (m.weighted.ego_is_comfortable! < 1) {
    let worst = 0;
    let at = 0;
    m.perTick.lonJerkMps3.forEach((j, i) => {
      const bad = Math.max(Math.abs(j) / 4.13, Math.abs(m.perTick.lonAccelMps2[i]!) / 4.05);
      if (bad > worst) {
        worst = bad;
        at = i;
      }
    });
    out.push({ kind: 'comfort', tickIndex: Math.max(0, at - 5), what: 'ego_is_comfortable' });
  }
  if (out.length === 0 && m.details.progressRatio < progressBelow) {
    const i = log.ticks.findIndex((t, k) => k > 10 && t.ego.speedMps < 0.5);
    out.push({ kind: 'progress', tickIndex: Math.max(0, i), what: 'ego_progress_along_expert_route' });
  }
  return out;
}

/**
 * Reads the run logs of an evaluation's results folder and returns the tips file (no file written).
 * Both layouts `edgeplan eval --out` writes are read: `<dir>/<planner>/logs/*.json` (one `--mode`;
 * the mode is the log's own `mode`) and `<dir>/<mode>/<planner>/logs/*.json` (`--mode both`).
 */
export function buildTips(dir: string, o: TipsBuildOptions = {}): Result<TipsFile & { skipped: string[] }> {
  const planner = o.planner ?? 'hierarchical';
  const tips: Tip[] = [];
  const skipped: string[] = [];
  let modes: string[];
  try {
    modes = readdirSync(dir).filter((m) => statSync(join(dir, m)).isDirectory());
  } catch (e) {
    return fail('NOT_FOUND', dir, `not an evaluation output folder (${(e as Error).message})`);
  }
  let runs = 0;
  // one-mode layout first (its mode comes from each log), then one folder per mode
  const folders: { logs: string; mode?: string }[] = [
    { logs: join(dir, planner, 'logs') },
    ...modes.sort().map((mode) => ({ logs: join(dir, mode, planner, 'logs'), mode })),
  ];
  for (const folder of folders) {
    const logs = folder.logs;
    let files: string[];
    try {
      files = readdirSync(logs).filter((f) => f.endsWith('.json'));
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      runs++;
      const log = JSON.parse(readFileSync(join(logs, file), 'utf8')) as RunLogFile;
      const mode = folder.mode ?? log.mode ?? 'nonreactive';
      const failures = failuresOf(log, o.progressBelow ?? 0.5);
      if (failures.length === 0) continue;
      // where it ran, else beside the log (a moved eval folder), checked against its content hash
      const src = resolveRunLogSources(log, join(logs, file));
      const ref = src.ok ? src.value.ref : (log.scenarioRef ?? log.scenarioId);
      if (!src.ok) {
        skipped.push(`${ref}: ${src.error.message}`);
        continue;
      }
      const loaded = loadScenario(ref, o.mapPath ? { mapPath: o.mapPath } : {});
      if (!loaded.ok) {
        skipped.push(`${ref}: ${loaded.error.message}`);
        continue;
      }
      const { scenario, map } = loaded.value;
      const route = RoutePath.build(map, scenario.route.laneIds);
      for (const f of failures) {
        const tick = log.ticks[Math.min(f.tickIndex, log.ticks.length - 1)]!;
        const snap: WorldSnapshot = {
          tS: tick.tS,
          ego: tick.ego,
          agents: tick.agents,
          lights: tick.lights,
          route: scenario.route,
        };
        const l = LESSONS[f.kind];
        tips.push({
          id: `${log.scenarioId}/${mode}/${f.kind}`,
          lesson: l.lesson,
          features: sceneFeatures(snap, map, route, scenario.vehicle).map((v) => Math.round(v * 1000) / 1000),
          nudges: l.nudges,
          source: { scenarioId: log.scenarioId, mode, failure: f.what, tS: Math.round(tick.tS * 10) / 10 },
        });
      }
    }
  }
  if (runs === 0)
    return fail(
      'NOT_FOUND',
      dir,
      `no run logs of planner "${planner}" under ${planner}/logs or <mode>/${planner}/logs`,
    );
  const file = TipsFileSchema.parse({ formatVersion: 1, featureNames: [...SCENE_FEATURES], tips });
  return ok({ ...file, skipped });
}
