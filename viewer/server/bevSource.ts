/**
 * The BEV inset's image for a tick: the log's own `tick.bevPng` when the planner recorded its input,
 * else the environment transform (perception/) rendered for that tick's snapshot — what a
 * BEV-driven planner would have seen. Rendered on request; one transform (and raster) per run.
 */
import type { WorldSnapshot } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import { bevToPng, EnvironmentTransform } from '../../perception/index.ts';
import type { RunLog } from '../../sim/export/index.ts';

/** PNG bytes of run `run`'s tick `tick`, or undefined when there is no such tick. */
export type BevSource = (run: number, tick: number) => Buffer | undefined;

export function bevSource(runs: ReadonlyArray<{ log: RunLog; map: RoadMap }>): BevSource {
  const transforms: (EnvironmentTransform | undefined)[] = runs.map(() => undefined);
  return (run, tick) => {
    const r = runs[run];
    const t = r?.log.ticks[tick];
    if (!r || !t) return undefined;
    if (t.bevPng) return Buffer.from(t.bevPng, 'base64');
    // Built on first use: a replay that never opens the inset pays nothing.
    const tf = (transforms[run] ??= new EnvironmentTransform(r.map, {}, r.log.vehicle));
    const snap: WorldSnapshot = {
      tS: t.tS,
      ego: t.ego,
      agents: t.agents,
      lights: t.lights,
      route: { laneIds: r.log.routeLaneIds },
    };
    const ctx = tf.transform(snap);
    return bevToPng(ctx.raster, { legend: false });
  };
}
