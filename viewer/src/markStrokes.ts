/**
 * A boundary line's marking as strokes to paint: one per painted line of the type (two for a
 * double line, beside each other), broken lines cut into dashes of their pattern along the arc
 * length, to scale. Map frame (flat x, y); MapLayer turns strokes into ribbons.
 */
import type { MarkLine } from '../server/protocol.ts';

export interface Stroke {
  /** Flat x, y of the stroke's centre polyline before the sideways shift. */
  pts: number[];
  /** The stroke's centre this far left of `pts` (right: negative), m. */
  centreLeftM: number;
  widthM: number;
}

/** Botts' dots: 0.15 m dots every 1.2 m (California's 4 ft spacing, Caltrans Standard Plan A20A). */
const DOT_M = 0.15;
const DOT_PITCH_M = 1.2;
/** A curb or grass edge drawn as a band this wide, m. */
const EDGE_WIDTH_M = 0.25;

/**
 * The stretches of polyline `flat` that lie in the "on" part of a pattern `onM` paint, `offM` gap
 * starting with paint at the first point; each stretch cut exactly at its ends.
 */
export function dashes(flat: ReadonlyArray<number>, onM: number, offM: number): number[][] {
  const out: number[][] = [];
  const period = onM + offM;
  if (!(onM > 0 && offM > 0) || flat.length < 4) return flat.length >= 4 ? [flat.slice()] : [];
  let s = 0;
  let cur: number[] | null = [flat[0]!, flat[1]!];
  for (let i = 0; i + 3 < flat.length; i += 2) {
    const x0 = flat[i]!;
    const y0 = flat[i + 1]!;
    const x1 = flat[i + 2]!;
    const y1 = flat[i + 3]!;
    const len = Math.hypot(x1 - x0, y1 - y0);
    const at = (d: number) => [x0 + ((x1 - x0) * d) / len, y0 + ((y1 - y0) * d) / len] as const;
    let d = 0;
    while (d < len - 1e-9) {
      let phase = (s + d) % period;
      // (a phase a rounding error short of the period is the next period's start)
      if (period - phase < 1e-9) phase = 0;
      const on = phase < onM - 1e-9;
      const next = Math.min(len, d + (on ? onM - phase : period - phase));
      if (on) {
        if (!cur) cur = [...at(d)];
        if (next < len) {
          cur.push(...at(next));
          out.push(cur);
          cur = null;
        }
      }
      d = next;
    }
    if (cur) cur.push(x1, y1);
    s += len;
  }
  if (cur && cur.length >= 4) out.push(cur);
  return out;
}

/** The strokes of one boundary line (none for `none`). */
export function strokesOf(m: MarkLine): Stroke[] {
  const w = m.widthM;
  const solid = (centreLeftM: number, widthM = w): Stroke => ({ pts: m.pts, centreLeftM, widthM });
  const broken = (centreLeftM: number, on = m.dashM, off = m.gapM, widthM = w): Stroke[] =>
    dashes(m.pts, on, off).map((pts) => ({ pts, centreLeftM, widthM }));
  const one = (kind: string, centreLeftM: number): Stroke[] =>
    kind === 'broken' ? broken(centreLeftM) : [solid(centreLeftM)];
  switch (m.type) {
    case 'solid':
      return [solid(0)];
    case 'broken':
      return broken(0);
    case 'botts_dots':
      return broken(0, DOT_M, DOT_PITCH_M - DOT_M, Math.max(w, DOT_M));
    case 'curb':
    case 'grass':
      return [solid(0, EDGE_WIDTH_M)];
    case 'solid_solid':
    case 'solid_broken':
    case 'broken_solid':
    case 'broken_broken': {
      // the lines a line width apart; the first named lies on the lane's side
      const [near, far] = m.type.split('_') as [string, string];
      const d = w;
      const toLane = m.laneOnLeft ? d : -d;
      return [...one(near, toLane), ...one(far, -toLane)];
    }
    default:
      return [];
  }
}
