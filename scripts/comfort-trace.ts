/**
 * Why a run failed nuPlan's `ego_is_comfortable`: for each run log (an `edgeplan run|eval --out`
 * log), each of the six comfort checks that failed, with the first tick out of bounds, its value and
 * the worst one (the signals as sim/metrics computes them), and with `-v` the ticks up to a second
 * past the first failure: speed, acceleration, the filtered signals, and the command driven (speed
 * decision, braking, onset, stop point, source) and the gate's verdict.
 *
 *   npx tsx scripts/comfort-trace.ts [-v] RUN_LOG.json …
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { SimLog } from '../sim/index.ts';
import { comfortScore, comfortSignals } from '../sim/metrics/comfort.ts';
import { devkitHistory } from '../sim/metrics/index.ts';
import { NUPLAN_METRIC_PARAMS } from '../sim/metrics/params.ts';

const C = NUPLAN_METRIC_PARAMS.comfort;
const args = process.argv.slice(2);
const verbose = args.includes('-v');
const f2 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));

for (const file of args.filter((a) => !a.startsWith('-'))) {
  const log = devkitHistory(JSON.parse(readFileSync(file, 'utf8')) as SimLog);
  const tUs = Float64Array.from(log.ticks, (t) => Math.round(t.tS * 1e6));
  const s = comfortSignals(log, tUs);
  const r = comfortScore(s);
  const name = basename(file, '.json');
  if (r.failed.length === 0) {
    console.log(`${name}: comfortable`);
    continue;
  }
  const checks: Record<string, [Float64Array, number, number]> = {
    ego_lon_acceleration: [s.lonAccelMps2, C.minLonAccelMps2, C.maxLonAccelMps2],
    ego_lat_acceleration: [s.latAccelMps2, -C.maxAbsLatAccelMps2, C.maxAbsLatAccelMps2],
    ego_lon_jerk: [s.lonJerkMps3, -C.maxAbsLonJerkMps3, C.maxAbsLonJerkMps3],
    ego_jerk: [s.magJerkMps3, -C.maxAbsMagJerkMps3, C.maxAbsMagJerkMps3],
    ego_yaw_rate: [s.yawRateRadps, -C.maxAbsYawRateRadps, C.maxAbsYawRateRadps],
    ego_yaw_acceleration: [s.yawAccelRadps2, -C.maxAbsYawAccelRadps2, C.maxAbsYawAccelRadps2],
  };
  let first = log.ticks.length;
  const parts: string[] = [];
  for (const k of r.failed) {
    const [v, lo, hi] = checks[k]!;
    let i0 = -1;
    let worst = -1;
    for (let i = 0; i < v.length; i++) {
      if (lo < v[i]! && v[i]! < hi) continue;
      if (i0 < 0) i0 = i;
      if (worst < 0 || Math.abs(v[i]!) > Math.abs(v[worst]!)) worst = i;
    }
    first = Math.min(first, i0);
    parts.push(
      `${k} first ${log.ticks[i0]!.tS.toFixed(1)} s (${f2(v[i0])}), worst ${log.ticks[worst]!.tS.toFixed(1)} s (${f2(v[worst])})`,
    );
  }
  console.log(`${name}: ${parts.join('; ')}`);
  if (!verbose) continue;
  for (let i = 0; i < Math.min(log.ticks.length, first + 11); i++) {
    const t = log.ticks[i]!;
    const c = t.command;
    const v = t.verdict;
    const fired = (v?.rules ?? [])
      .filter((x) => x.decision !== 'ALLOW')
      .map((x) => `${x.rule}:${x.decision}`);
    const cmd = c
      ? `${c.speed}${c.decelMps2 !== undefined ? `@${f2(c.decelMps2)}` : ''}${c.jerkMps3 !== undefined ? ` onset ${f2(c.jerkMps3)}` : ''}${c.stopAt ? ' +point' : ''} ${c.source}`
      : '–';
    console.log(
      `  ${t.tS.toFixed(1)} s v ${f2(t.ego.speedMps)} a ${f2(t.ego.accelMps2)} | lon ${f2(s.lonAccelMps2[i])} jerk ${f2(s.lonJerkMps3[i])} |jerk| ${f2(s.magJerkMps3[i])} yaw ${f2(s.yawRateRadps[i])} ${f2(s.yawAccelRadps2[i])} | ${t.drivenReason ?? ''} ${cmd} | ${v?.decision ?? ''} ${fired.join(',')}`,
    );
  }
}
