/**
 * A small SVG plot helper for self-contained HTML reports (no CDN, no script): line plots with
 * gaps for missing values and optional reference lines, and grouped bar charts. Returns SVG markup.
 */

export interface Series {
  name: string;
  /** CSS colour. */
  colour: string;
  xs: ReadonlyArray<number>;
  /** null = no value (the line breaks there). */
  ys: ReadonlyArray<number | null>;
}

export interface RefLine {
  y: number;
  label: string;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  widthPx?: number;
  heightPx?: number;
  /** Fixed y range; by default the data's (and reference lines') range, padded. */
  yMin?: number;
  yMax?: number;
  refLines?: ReadonlyArray<RefLine>;
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** Short number for axes: at most 2 decimals, trailing zeros of the fraction dropped. */
export function fmt(v: number): string {
  const a = Math.abs(v);
  const s = a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  const t = s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  return t === '-0' ? '0' : t;
}

/** "Nice" tick values covering [lo, hi] (1, 2, 5 × 10^k steps, about `n` of them). */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.round(v / step) * step);
  return out;
}

/** Plot margins, px: room for the title and legend above, tick labels and axis label below. */
const MARGIN = { left: 52, right: 12, top: 40, bottom: 36 };

/** A line plot; series with no finite values are listed in the legend only. */
export function linePlot(series: ReadonlyArray<Series>, o: PlotOptions): string {
  const W = o.widthPx ?? 340;
  const H = o.heightPx ?? 230;
  const xs = series.flatMap((s) => s.xs);
  const ys = series.flatMap((s) => s.ys.filter((v): v is number => v !== null && Number.isFinite(v)));
  for (const r of o.refLines ?? []) ys.push(r.y);
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  let y0 = o.yMin ?? (ys.length ? Math.min(...ys) : 0);
  let y1 = o.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (y1 - y0 < 1e-9) {
    y0 -= 1;
    y1 += 1;
  } else if (o.yMin === undefined || o.yMax === undefined) {
    const pad = 0.06 * (y1 - y0);
    if (o.yMin === undefined) y0 -= pad;
    if (o.yMax === undefined) y1 += pad;
  }
  const pw = W - MARGIN.left - MARGIN.right;
  const ph = H - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * pw;
  const py = (y: number) => MARGIN.top + (1 - (Math.min(y1, Math.max(y0, y)) - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" class="pt">${esc(o.title)}</text>`);
  for (const t of niceTicks(y0, y1)) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${W - MARGIN.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" class="grid"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 4}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${fmt(t)}</text>`,
    );
  }
  for (const t of niceTicks(x0, x1, 6)) {
    parts.push(
      `<text x="${px(t).toFixed(1)}" y="${H - MARGIN.bottom + 14}" text-anchor="middle" class="tick">${fmt(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + pw / 2}" y="${H - 4}" text-anchor="middle" class="al">${esc(o.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(12 ${MARGIN.top + ph / 2}) rotate(-90)" text-anchor="middle" class="al">${esc(o.yLabel)}</text>`,
  );
  for (const r of o.refLines ?? []) {
    const y = py(r.y).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${W - MARGIN.right}" y1="${y}" y2="${y}" class="ref"/>`);
    parts.push(
      `<text x="${W - MARGIN.right - 2}" y="${(py(r.y) - 3).toFixed(1)}" text-anchor="end" class="reft">${esc(r.label)}</text>`,
    );
  }
  for (const s of series) {
    let d = '';
    let pen = false;
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i];
      if (y === null || y === undefined || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${px(s.xs[i]!).toFixed(1)} ${py(y).toFixed(1)}`;
      pen = true;
    }
    if (d)
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.6"><title>${esc(s.name)}</title></path>`,
      );
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${pw}" height="${ph}" class="frame"/>`);
  let lx = MARGIN.left + 6;
  for (const s of series) {
    parts.push(`<rect x="${lx}" y="${MARGIN.top - 12}" width="10" height="3" fill="${s.colour}"/>`);
    parts.push(`<text x="${lx + 13}" y="${MARGIN.top - 7}" class="lg">${esc(s.name)}</text>`);
    lx += 22 + 6.5 * s.name.length;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg>`;
}

export interface BarGroup {
  label: string;
  bars: ReadonlyArray<{ name: string; colour: string; value: number }>;
}

/** Grouped vertical bars (one group per label, one bar per series) on a fixed y range. */
export function barChart(
  groups: ReadonlyArray<BarGroup>,
  o: { title: string; yLabel: string; yMax: number; widthPx?: number; heightPx?: number },
): string {
  const per = Math.max(1, ...groups.map((g) => g.bars.length));
  const W = o.widthPx ?? Math.max(420, 70 + groups.length * (per * 14 + 18));
  const H = o.heightPx ?? 260;
  const bottom = 90;
  const pw = W - MARGIN.left - MARGIN.right;
  const ph = H - MARGIN.top - bottom;
  const py = (y: number) => MARGIN.top + (1 - Math.min(o.yMax, Math.max(0, y)) / o.yMax) * ph;
  const gw = pw / Math.max(1, groups.length);
  const bw = Math.min(14, (gw - 8) / per);
  const parts: string[] = [
    `<text x="${W / 2}" y="16" text-anchor="middle" class="pt">${esc(o.title)}</text>`,
  ];
  for (const t of niceTicks(0, o.yMax)) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${W - MARGIN.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" class="grid"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 4}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${fmt(t)}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(12 ${MARGIN.top + ph / 2}) rotate(-90)" text-anchor="middle" class="al">${esc(o.yLabel)}</text>`,
  );
  groups.forEach((g, i) => {
    const gx = MARGIN.left + i * gw + (gw - bw * g.bars.length) / 2;
    g.bars.forEach((b, j) => {
      // A zero still shows as a 2 px stub, so "scored 0" differs from "not run".
      const y = Math.min(py(b.value), MARGIN.top + ph - 2);
      parts.push(
        `<rect x="${(gx + j * bw).toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(MARGIN.top + ph - y).toFixed(1)}" fill="${b.colour}"><title>${esc(`${g.label} · ${b.name}: ${fmt(b.value)}`)}</title></rect>`,
      );
    });
    const cx = MARGIN.left + (i + 0.5) * gw;
    parts.push(
      `<text transform="translate(${cx.toFixed(1)} ${MARGIN.top + ph + 8}) rotate(40)" class="tick">${esc(g.label)}</text>`,
    );
  });
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${pw}" height="${ph}" class="frame"/>`);
  const names = [...new Map(groups.flatMap((g) => g.bars.map((b) => [b.name, b.colour] as const))).entries()];
  let lx = MARGIN.left + 6;
  for (const [name, colour] of names) {
    parts.push(`<rect x="${lx}" y="${MARGIN.top - 15}" width="10" height="8" fill="${colour}"/>`);
    parts.push(`<text x="${lx + 13}" y="${MARGIN.top - 7}" class="lg">${esc(name)}</text>`);
    lx += 22 + 6.5 * name.length;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg>`;
}
