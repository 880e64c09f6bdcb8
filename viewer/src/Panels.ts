/**
 * The side panels as text: the active mid-level command and its rationale, the safety verdict,
 * the clicked agent, and the BEV inset. Pure functions of (run, tick, selection) → HTML, written
 * to the DOM only when the tick or the selection changes.
 */
import type { RunLog, RunTick } from '../../sim/export/index.ts';

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const f1 = (v: number) => v.toFixed(1);
const deg = (r: number) => ((r * 180) / Math.PI).toFixed(0);

/** The last tick at or before k that carries a value for `pick`. */
function latest<T>(
  ticks: ReadonlyArray<RunTick>,
  k: number,
  pick: (t: RunTick) => T | undefined,
): T | undefined {
  for (let i = k; i >= 0; i--) {
    const v = pick(ticks[i]!);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function commandHtml(log: RunLog, k: number, title = 'Command'): string {
  const c = latest(log.ticks, k, (t) => t.command);
  if (!c)
    return `<h3>${title}</h3><p class="muted">no mid-level command (this planner emits trajectories only)</p>`;
  const tS = log.ticks[k]!.tS;
  const expired = tS > c.expiresAtS;
  return `<h3>${title}</h3><p><b>${c.speed}</b> · <b>${c.path}</b>${
    c.targetSpeedMps !== undefined ? ` · target ${f1(c.targetSpeedMps)} m/s` : ''
  }${c.targetLaneId ? ` · lane ${esc(c.targetLaneId)}` : ''}${expired ? ' <span class="warn">(expired)</span>' : ''}</p>
<p class="rationale">${esc(c.rationale || '(no rationale)')}</p><p class="muted" title="issued at ${f1(c.issuedAtS)} s, expires at ${f1(c.expiresAtS)} s">${esc(c.source)} · valid ${f1(c.issuedAtS)}–${f1(c.expiresAtS)} s</p>`;
}

/** Class of a decision for colouring. */
const cls = (d: string) => (d === 'VETO' ? 'veto' : d === 'MODIFY' ? 'modify' : 'allow');

/**
 * The verdict of tick k: the decision, then the rules that fired (MODIFY / VETO) one per line; the
 * rules that passed are folded under one line (`<details>`), so that a 20-rule gate stays readable.
 */
export function verdictHtml(log: RunLog, k: number, hasSafety: boolean, title = 'Safety'): string {
  if (!hasSafety) return `<h3>${title}</h3><p class="muted">no safety data in this run</p>`;
  const v = log.ticks[k]!.verdict;
  if (!v) return `<h3>${title}</h3><p class="muted">no verdict at this tick</p>`;
  const li = (r: (typeof v.rules)[number]) =>
    `<li class="${cls(r.decision)}"><b>${esc(r.rule)}</b> ${r.decision} — ${esc(r.message)}</li>`;
  const fired = v.rules.filter((r) => r.decision !== 'ALLOW');
  const passed = v.rules.filter((r) => r.decision === 'ALLOW');
  const firedHtml = fired.length > 0 ? `<ul class="fired">${fired.map(li).join('')}</ul>` : '';
  const passedHtml =
    passed.length > 0
      ? `<details class="passed"><summary class="muted">${passed.length} rule${passed.length > 1 ? 's' : ''} passed</summary><ul>${passed
          .map((r) => `<li class="allow"><b>${esc(r.rule)}</b></li>`)
          .join('')}</ul></details>`
      : '';
  return `<h3>${title}</h3><p class="${cls(v.decision)}"><b>${v.decision}</b> ${esc(v.explanation)}</p>${firedHtml}${passedHtml}`;
}

export function inspectorHtml(
  log: RunLog,
  k: number,
  id: string | undefined,
  egoCentre: { x: number; y: number },
): string {
  if (!id) return '<h3>Inspector</h3><p class="muted">click an agent</p>';
  const a = log.ticks[k]!.agents.find((x) => x.id === id);
  if (!a) return `<h3>Inspector</h3><p><b>${esc(id)}</b> not present at this tick</p>`;
  const dist = Math.hypot(a.x - egoCentre.x, a.y - egoCentre.y);
  const hit = log.metrics?.details.collisions.find((c) => c.agentId === id);
  return `<h3>Inspector</h3><table>
<tr><td>id</td><td id="insp-id">${esc(a.id)}</td></tr>
<tr><td>kind</td><td id="insp-kind">${a.kind}${log.staticAgentIds.includes(a.id) ? ' (static)' : ''}</td></tr>
<tr><td>speed</td><td id="insp-speed">${f1(a.speedMps)} m/s</td></tr>
<tr><td>position</td><td>${f1(a.x)}, ${f1(a.y)} m · ${deg(a.headingRad)}°</td></tr>
<tr><td>size</td><td>${f1(a.lengthM)} × ${f1(a.widthM)} m</td></tr>
<tr><td>to ego</td><td>${f1(dist)} m</td></tr>
${hit ? `<tr><td>collision</td><td class="veto">${f1(hit.tS)} s ${hit.type}${hit.atFault ? ' (ego at fault)' : ''}</td></tr>` : ''}
</table>`;
}

export function bevHtml(log: RunLog, k: number): string {
  const png = latest(log.ticks, k, (t) => t.bevPng);
  if (!png) return '<p class="muted">no BEV in this run</p>';
  return `<img alt="planner BEV input" src="data:image/png;base64,${png}">`;
}
