/**
 * The evaluation report as one self-contained HTML page (inline CSS and SVG, no script, no CDN):
 * a score table and bar chart per scenario and planner, then per scenario the speed, longitudinal
 * acceleration, jerk and TTC over time of every planner, with nuPlan's bounds drawn in.
 */
import type { RunLog } from '../export/index.ts';
import { NUPLAN_METRIC_PARAMS } from '../metrics/index.ts';
import { barChart, linePlot, type Series } from './svgPlot.ts';

/** Distinct colours per planner (Tableau 10), in order of first appearance. */
const COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface ReportOptions {
  title?: string;
}

/** The run's column label: the planner, with the agent mode when the report mixes modes. */
function runLabel(log: RunLog, mixedModes: boolean): string {
  return mixedModes ? `${log.planner} (${log.mode === 'nonreactive' ? 'NR' : 'R'})` : log.planner;
}

/** Builds the HTML report of `logs` (run logs with metrics, as `eval --out` writes them). */
export function buildReport(logs: ReadonlyArray<RunLog>, opts: ReportOptions = {}): string {
  const mixedModes = new Set(logs.map((l) => l.mode)).size > 1;
  const labels = [...new Set(logs.map((l) => runLabel(l, mixedModes)))];
  const colour = (label: string) => COLOURS[labels.indexOf(label) % COLOURS.length]!;
  const scenarios = [...new Set(logs.map((l) => l.scenarioId))];
  const find = (id: string, label: string) =>
    logs.find((l) => l.scenarioId === id && runLabel(l, mixedModes) === label);
  const score = (l: RunLog | undefined) => (l?.metrics ? 100 * l.metrics.score : undefined);

  const head = `<tr><th>scenario</th>${labels.map((p) => `<th style="color:${colour(p)}">${esc(p)}</th>`).join('')}</tr>`;
  const rows = scenarios
    .map((id) => {
      const cells = labels.map((p) => {
        const l = find(id, p);
        const s = score(l);
        const hits = l?.metrics?.details.collisions.filter((c) => c.atFault).length ?? 0;
        return s === undefined
          ? '<td class="na">–</td>'
          : `<td class="${s >= 80 ? 'good' : s >= 50 ? 'mid' : 'bad'}">${s.toFixed(1)}${hits ? ` <span title="at-fault collisions">✗${hits}</span>` : ''}</td>`;
      });
      return `<tr><td><a href="#${esc(id)}">${esc(id)}</a></td>${cells.join('')}</tr>`;
    })
    .join('');
  const means = labels.map((p) => {
    const s = scenarios.map((id) => score(find(id, p))).filter((v): v is number => v !== undefined);
    return s.length ? s.reduce((a, b) => a + b, 0) / s.length : undefined;
  });
  const meanRow = `<tr class="mean"><td>mean</td>${means.map((m) => `<td>${m === undefined ? '–' : m.toFixed(1)}</td>`).join('')}</tr>`;
  const bars = barChart(
    scenarios.map((id) => ({
      label: id,
      bars: labels.map((p) => ({ name: p, colour: colour(p), value: score(find(id, p)) ?? 0 })),
    })),
    { title: 'Score per scenario (nuPlan CLS, 0–100)', yLabel: 'score', yMax: 100 },
  );

  const c = NUPLAN_METRIC_PARAMS.comfort;
  const sections = scenarios.map((id) => {
    const runs = labels
      .map((p) => ({ p, l: find(id, p) }))
      .filter((r): r is { p: string; l: RunLog } => !!r.l);
    const series = (pick: (l: RunLog) => ReadonlyArray<number | null> | undefined): Series[] =>
      runs.map(({ p, l }) => ({
        name: p,
        colour: colour(p),
        xs: l.metrics?.perTick.tS ?? l.ticks.map((t) => t.tS),
        ys: pick(l) ?? [],
      }));
    const speed = linePlot(
      runs.map(({ p, l }) => ({
        name: p,
        colour: colour(p),
        xs: l.ticks.map((t) => t.tS),
        ys: l.ticks.map((t) => t.ego.speedMps),
      })),
      { title: 'Ego speed', xLabel: 't [s]', yLabel: 'speed [m/s]', yMin: 0 },
    );
    const accel = linePlot(
      series((l) => l.metrics?.perTick.lonAccelMps2),
      {
        title: 'Longitudinal acceleration',
        xLabel: 't [s]',
        yLabel: 'accel [m/s²]',
        refLines: [
          { y: c.maxLonAccelMps2, label: `nuPlan max ${c.maxLonAccelMps2}` },
          { y: c.minLonAccelMps2, label: `nuPlan min ${c.minLonAccelMps2}` },
        ],
      },
    );
    const jerk = linePlot(
      series((l) => l.metrics?.perTick.lonJerkMps3),
      {
        title: 'Longitudinal jerk',
        xLabel: 't [s]',
        yLabel: 'jerk [m/s³]',
        refLines: [
          { y: c.maxAbsLonJerkMps3, label: `±${c.maxAbsLonJerkMps3}` },
          { y: -c.maxAbsLonJerkMps3, label: '' },
        ],
      },
    );
    const ttcBound = NUPLAN_METRIC_PARAMS.ttc.leastMinTtcS;
    const ttc = linePlot(
      series((l) => l.metrics?.perTick.ttcS),
      {
        title: 'Time to collision (gaps: none within 3 s)',
        xLabel: 't [s]',
        yLabel: 'TTC [s]',
        yMin: 0,
        yMax: 3,
        refLines: [{ y: ttcBound, label: `nuPlan bound ${ttcBound} s` }],
      },
    );
    const notes = runs
      .flatMap(({ p, l }) =>
        (l.metrics?.details.collisions ?? []).map(
          (k) =>
            `<li><b style="color:${colour(p)}">${esc(p)}</b>: collision with ${esc(k.agentId)} at ${k.tS.toFixed(1)} s (${k.type}${k.atFault ? ', at fault' : ''})</li>`,
        ),
      )
      .join('');
    const scores = runs
      .map(({ p, l }) => `<span style="color:${colour(p)}">${esc(p)} ${score(l)?.toFixed(1) ?? '–'}</span>`)
      .join(' · ');
    return `<section id="${esc(id)}"><h2>${esc(id)}</h2><p>${scores}</p>${notes ? `<ul>${notes}</ul>` : ''}<div class="plots">${speed}${accel}${jerk}${ttc}</div></section>`;
  });

  const title = opts.title ?? 'edgeplan evaluation report';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}
.good{background:#e3f4e1}.mid{background:#fff3cd}.bad{background:#f8d7da}.na{color:#999}.mean td{font-weight:600;border-top:2px solid #999}
.plots{display:flex;flex-wrap:wrap;gap:8px}section{margin-top:28px;border-top:1px solid #ccc}
svg{background:#fff}.pt{font-size:13px;font-weight:600}.tick{font-size:10px;fill:#555}.al{font-size:11px;fill:#333}.lg{font-size:11px}
.grid{stroke:#eee}.frame{fill:none;stroke:#999}.ref{stroke:#d33;stroke-dasharray:4 3}.reft{font-size:10px;fill:#d33}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${logs.length} runs · ${scenarios.length} scenarios · planners: ${labels.map((p) => `<b style="color:${colour(p)}">${esc(p)}</b>`).join(', ')}. Scores are nuPlan closed-loop scores ×100; ✗n = at-fault collisions.</p>
<table>${head}${rows}${meanRow}</table>
${bars}
${sections.join('\n')}
</body></html>
`;
}
