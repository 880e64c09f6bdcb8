/**
 * The one line for a scenario reference that did not load. A `.json` that is not a Scenario JSON
 * at all (no `formatVersion`: a run log, a results summary, any other JSON) is named for what it
 * is, not by the schema's first complaint ("formatVersion: Invalid input: expected 1 (+5 more)",
 * issue 17 item 7). A Scenario JSON with a bad field keeps the error naming that field.
 */
import { readFileSync } from 'node:fs';
import { type EdgeplanError, formatError } from '../core/index.ts';

export function scenarioLoadError(e: EdgeplanError, ref: string): string {
  if (e.code !== 'INVALID_INPUT' || !ref.endsWith('.json') || !e.path.startsWith(`${ref}:`))
    return formatError(e);
  let data: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(readFileSync(ref, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return formatError(e);
    data = parsed as Record<string, unknown>;
  } catch {
    return formatError(e);
  }
  if ('formatVersion' in data) return formatError(e);
  if ('scenarioId' in data && 'ticks' in data)
    return `${ref} is a run log (as \`run --out\` and \`eval --out\` write one), not a scenario: \`edgeplan view ${ref}\` shows it`;
  if ('planner' in data && 'scenarios' in data)
    return `${ref} is an evaluation summary (summary.json), not a scenario: \`edgeplan report <results folder> --html report.html\` draws it`;
  return `${ref} is not a Scenario JSON (it has no "formatVersion": 1; the format is ScenarioSchema in core/schemas.ts, the README shows an example)`;
}
