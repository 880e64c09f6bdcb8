/**
 * What the controller of a command stack did over a run, from its log: which exits the early-exit
 * network took, the compute it spent against full depth, its fallbacks (failures) and the steps its
 * verified path drove by design. `run` prints it for one run, `eval` per planner and mode over the
 * suite (`mergeControllerStats`). The log holds each tick's first control step (`SimTick.controller`).
 */
import { z } from 'zod';
import type { SimLog } from '../sim/SimLog.ts';

/** The statistics as data (they cross worker threads and the BullMQ queue: parsed there). */
export const ControllerStatsSchema = z.object({
  /** Controller names seen, in the order first seen (`early-exit`, `full-depth`, `classical`). */
  controllers: z.array(z.string()),
  /** Ticks whose first control step the log describes. */
  steps: z.number(),
  /** Exits taken: `exitCounts[k − 1]` steps took exit k (early-exit and full-depth networks). */
  exitCounts: z.array(z.number()),
  /** Exits the network has (0 when no step said). */
  exitsOf: z.number(),
  /** Sum and count of `computeFraction` over the steps that gave one. */
  computeSum: z.number(),
  computeSteps: z.number(),
  /** Fallback steps (a failure of the path that should have driven) by reason. */
  fallbacks: z.record(z.string(), z.number()),
  /** Steps the verified (classical) path drove by design, by reason. */
  verified: z.record(z.string(), z.number()),
});
export type ControllerStats = z.infer<typeof ControllerStatsSchema>;

/** The controller statistics of a run log; undefined when no tick records a controller (planners that are not command stacks). */
export function controllerStats(log: Pick<SimLog, 'ticks'>): ControllerStats | undefined {
  let s: ControllerStats | undefined;
  for (const t of log.ticks) {
    const c = t.controller;
    if (!c) continue;
    s ??= {
      controllers: [],
      steps: 0,
      exitCounts: [],
      exitsOf: 0,
      computeSum: 0,
      computeSteps: 0,
      fallbacks: {},
      verified: {},
    };
    s.steps++;
    if (!s.controllers.includes(c.controller)) s.controllers.push(c.controller);
    if (c.exits !== undefined) s.exitsOf = Math.max(s.exitsOf, c.exits);
    if (c.exit !== undefined && !c.fallback && !c.verifiedPath) {
      while (s.exitCounts.length < c.exit) s.exitCounts.push(0);
      s.exitCounts[c.exit - 1]!++;
    }
    if (c.computeFraction !== undefined) {
      s.computeSum += c.computeFraction;
      s.computeSteps++;
    }
    if (c.fallback) s.fallbacks[c.fallback] = (s.fallbacks[c.fallback] ?? 0) + 1;
    if (c.verifiedPath) s.verified[c.verifiedPath] = (s.verified[c.verifiedPath] ?? 0) + 1;
  }
  return s;
}

/** `a` and `b` summed (runs of one planner and mode); either may be undefined. */
export function mergeControllerStats(
  a: ControllerStats | undefined,
  b: ControllerStats | undefined,
): ControllerStats | undefined {
  if (!a || !b) return a ?? b;
  const add = (x: Record<string, number>, y: Record<string, number>) => {
    const r = { ...x };
    for (const [k, n] of Object.entries(y)) r[k] = (r[k] ?? 0) + n;
    return r;
  };
  const exitCounts = Array.from(
    { length: Math.max(a.exitCounts.length, b.exitCounts.length) },
    (_, i) => (a.exitCounts[i] ?? 0) + (b.exitCounts[i] ?? 0),
  );
  return {
    controllers: [...a.controllers, ...b.controllers.filter((c) => !a.controllers.includes(c))],
    steps: a.steps + b.steps,
    exitCounts,
    exitsOf: Math.max(a.exitsOf, b.exitsOf),
    computeSum: a.computeSum + b.computeSum,
    computeSteps: a.computeSteps + b.computeSteps,
    fallbacks: add(a.fallbacks, b.fallbacks),
    verified: add(a.verified, b.verified),
  };
}

const byCount = (r: Record<string, number>): string =>
  Object.entries(r)
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/**
 * One line: `controller early-exit: 150 ticks (…) · exit 2 on 140 ticks (93.3 %), exit 3 on 10 (6.7 %) (of
 * 6 exits) · mean compute 35.0 % of full depth · fallbacks 0 · classical by design (braking limit) 0`. Empty for a classical controller with
 * nothing to say (no exits, no fallback): its line would be noise.
 */
export function controllerSummary(s: ControllerStats | undefined): string {
  if (!s) return '';
  const net = s.controllers.some((c) => c !== 'classical');
  const fallbacks = Object.values(s.fallbacks).reduce((a, b) => a + b, 0);
  if (!net && fallbacks === 0) return '';
  const verified = Object.values(s.verified).reduce((a, b) => a + b, 0);
  const pct = (n: number) => `${((100 * n) / Math.max(1, s.steps)).toFixed(1)} %`;
  const exits = s.exitCounts
    .map((n, i) => ({ n, k: i + 1 }))
    .filter((e) => e.n > 0)
    .map((e, j) => `exit ${e.k} on ${e.n}${j === 0 ? ' ticks' : ''} (${pct(e.n)})`)
    .join(', ');
  const parts = [
    `controller ${s.controllers.join('/')}: ${s.steps} ticks (the first control step of each)`,
    ...(net ? [`${exits || 'no exit taken'}${s.exitsOf ? ` (of ${s.exitsOf} exits)` : ''}`] : []),
    ...(net && s.computeSteps > 0
      ? [`mean compute ${((100 * s.computeSum) / s.computeSteps).toFixed(1)} % of full depth`]
      : []),
    `fallbacks ${fallbacks}${fallbacks ? ` (${byCount(s.fallbacks)})` : ''}`,
    `classical by design (braking limit) ${verified}${verified ? ` (${byCount(s.verified)})` : ''}`,
  ];
  return parts.join(' · ');
}
