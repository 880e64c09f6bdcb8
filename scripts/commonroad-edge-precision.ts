/**
 * How far the real lanelet bounds of CommonRoad maps lie outside the drivable area the importer
 * draws (each lanelet as its centre ± its mean width): every leftBound / rightBound vertex and
 * segment midpoint, its `RoadMap.distanceToDrivable`. The source of the safety gate's
 * `drivableEdgeToleranceM` (safety/SafetyParams.ts): a footprint corner that close to the imported
 * outline may stand on the real road.
 *
 *   npx tsx scripts/commonroad-edge-precision.ts [file.xml …, default the ten shared CommonRoad files]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../scenarios/index.ts';

const SHARED = '/work/shared/scenarios/commonroad';
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(SHARED)
        .filter((f) => f.endsWith('.xml') && !f.includes('Starnberg'))
        .map((f) => join(SHARED, f));

/** The value at fraction `p` of sorted `a`. */
const at = (a: readonly number[], p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))] ?? 0;

const all: number[] = [];
for (const f of files) {
  const r = loadScenario(f);
  if (!r.ok) {
    console.log(`${f}: not loadable (${r.error.message})`);
    continue;
  }
  const map = r.value.map;
  const xml = readFileSync(f, 'utf8');
  const d: number[] = [];
  for (const b of xml.matchAll(/<(leftBound|rightBound)>([\s\S]*?)<\/\1>/g)) {
    const pts = [...b[2]!.matchAll(/<x>([-\d.eE+]+)<\/x>\s*<y>([-\d.eE+]+)<\/y>/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
    }));
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i]!;
      d.push(map.distanceToDrivable(p.x, p.y, 2));
      const q = pts[i + 1];
      if (q) d.push(map.distanceToDrivable((p.x + q.x) / 2, (p.y + q.y) / 2, 2));
    }
  }
  const out = d.filter((v) => v > 1e-9).sort((a, b) => a - b);
  console.log(
    `${f.split('/').pop()}: ${d.length} bound points, ${out.length} outside; outside median ${at(out, 0.5).toFixed(3)} m, 90 % ${at(out, 0.9).toFixed(3)} m, max ${at(out, 1).toFixed(3)} m`,
  );
  all.push(...d);
}
const out = all.filter((v) => v > 1e-9).sort((a, b) => a - b);
console.log(
  `all: ${all.length} bound points, ${((100 * out.length) / all.length).toFixed(1)} % outside the imported outline; outside median ${at(out, 0.5).toFixed(3)} m, 75 % ${at(out, 0.75).toFixed(3)} m, 90 % ${at(out, 0.9).toFixed(3)} m`,
);
for (const t of [0.005, 0.01, 0.02, 0.05])
  console.log(`within ${t} m: ${((100 * all.filter((v) => v <= t).length) / all.length).toFixed(1)} %`);
