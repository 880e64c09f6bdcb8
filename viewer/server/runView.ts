/**
 * Builds what the viewer shows for one run: the log, its map geometry, the reference path and
 * the timeline events (vetoes, collisions, command changes). Also resolves run-log files into
 * run views (the map comes from the log's scenario via loadScenario).
 */
import { fail, formatError, ok, type Result } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import { loadScenario } from '../../scenarios/index.ts';
import { type RunLog, readRunLog, resolveRunLogSources } from '../../sim/export/index.ts';
import { type BevSource, bevSource } from './bevSource.ts';
import { mapGeometry, referencePath } from './mapGeometry.ts';
import type { RunView, TimelineEvent } from './protocol.ts';

/** Timeline events of a log, in time order: vetoes, collisions, command changes. */
export function timelineEvents(log: RunLog): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let prev = '';
  for (const t of log.ticks) {
    if (t.verdict?.decision === 'VETO') {
      const rules = t.verdict.rules.filter((r) => r.decision === 'VETO').map((r) => r.rule);
      events.push({ tS: t.tS, kind: 'veto', label: `veto: ${rules.join(', ') || t.verdict.explanation}` });
    }
    if (t.command) {
      const key = `${t.command.speed} ${t.command.path}`;
      if (key !== prev) events.push({ tS: t.tS, kind: 'command', label: `command: ${key}` });
      prev = key;
    }
  }
  for (const c of log.metrics?.details.collisions ?? [])
    events.push({
      tS: c.tS,
      kind: 'collision',
      label: `collision with ${c.agentId} (${c.type}${c.atFault ? ', at fault' : ''})`,
    });
  return events.sort((a, b) => a.tS - b.tS);
}

/** The view of one run on `map`. */
export function runViewOf(log: RunLog, map: RoadMap, label?: string): RunView {
  return {
    label: label ?? `${log.scenarioId} · ${log.planner} · ${log.mode}`,
    log,
    map: mapGeometry(map),
    refPath: referencePath(map, log.routeLaneIds),
    events: timelineEvents(log),
  };
}

export interface LoadedRuns {
  views: RunView[];
  /** The BEV inset source of these runs (pass to startViewer). */
  bev: BevSource;
}

/** Reads run-log files and resolves each one's map from its scenario id (built-in or .json). */
export function loadRunViews(paths: ReadonlyArray<string>, scenarioRef?: string): Result<LoadedRuns> {
  const views: RunView[] = [];
  const sources: { log: RunLog; map: RoadMap }[] = [];
  for (const p of paths) {
    const log = readRunLog(p);
    if (!log.ok) return log;
    // where it ran, else beside the log (a moved folder), checked against its content hash
    const src = resolveRunLogSources(log.value, p, scenarioRef);
    if (!src.ok) return src;
    const loaded = loadScenario(src.value.ref, src.value.mapPath ? { mapPath: src.value.mapPath } : {});
    if (!loaded.ok)
      return fail(
        'NOT_FOUND',
        p,
        `cannot resolve the map of scenario ${log.value.scenarioId} (${formatError(loaded.error)}); pass --scenario <file.json>`,
      );
    views.push(runViewOf(log.value, loaded.value.map));
    sources.push({ log: log.value, map: loaded.value.map });
  }
  return ok({ views, bev: bevSource(sources) });
}
