/**
 * Cuts the few lanes red team 5's reviewer pairs need out of real maps in /work/shared/scenarios
 * (imported with the project's importers) and writes them as inline RoadMap JSON to
 * safety/testing/realMaps5/<name>.json: lanes kept whole (imported points, widths, limits, the
 * `speedLimitPosted` flag), links to lanes not kept dropped, the kept lanes' stop lines, the
 * junctions they name and the crosswalks asked for. Run on purpose when a cut must change:
 * `npx tsx scripts/cut-real-maps.ts [scenarioRoot] && npx biome check --write safety/testing/realMaps5`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoadMapData } from '../core/index.ts';
import { importFile } from '../scenarios/import/index.ts';

interface Cut {
  name: string;
  file: string;
  lanes: string[];
  crosswalks?: string[];
}

const CUTS: Cut[] = [
  {
    // a signalised four-arm junction, northbound approach (3 lanes, stop lines) with its left turn,
    // and the southbound lanes that meet it
    name: 'peach_junction',
    file: 'commonroad/USA_Peach-4_8_T-1.xml',
    lanes: [
      '43392',
      '43396',
      '43402',
      '43834',
      '43648',
      '43616',
      '43474',
      '43634',
      '43394',
      '43400',
      '43406',
      '43838',
      '43638',
      '43646',
      '43488',
      '43398',
      '43404',
      '43836',
      '43636',
      '43349',
      '43590',
      '43652',
      '43600',
      '43486',
      '43208',
      '43592',
      '43630',
      '43830',
      '43380',
      '43343',
      '43594',
      '43632',
      '43832',
      '43382',
    ],
  },
  {
    // a six-lane freeway section without posted limits: three of its lanes and their continuations
    name: 'us101_three_lanes',
    file: 'commonroad/USA_US101-3_3_T-1.xml',
    lanes: ['31', '29', '33', '27', '35', '26'],
  },
  {
    // a two-way curve (radius ≈ 60 m) ending at a junction whose exit a crosswalk crosses
    name: 'town04_curve_crosswalk',
    file: 'carla_towns/Town04.xodr',
    lanes: ['52_0_1', '52_0_-1', '52_0_2', '52_0_-2', '1133_0_-1', '1141_0_-1', '1122_0_1', '1148_0_-1'],
    crosswalks: ['1122_2074'],
  },
  {
    // a tight two-way rural curve (radius ≈ 31 m), shoulders kept
    name: 'town07_tight_curve',
    file: 'carla_towns/Town07.xodr',
    lanes: ['24_0_1', '24_0_-1', '24_0_2', '24_0_-2'],
  },
];

const round = (v: number): number => Math.round(v * 1000) / 1000;

function cut(map: RoadMapData, c: Cut): RoadMapData {
  const keep = new Set(c.lanes);
  const missing = c.lanes.filter((id) => !map.lanes.some((l) => l.id === id));
  if (missing.length > 0) throw new Error(`${c.name}: no lanes ${missing.join(', ')}`);
  const lanes = map.lanes
    .filter((l) => keep.has(l.id))
    .map((l) => {
      const out: Record<string, unknown> = {
        ...l,
        centerline: l.centerline.map((p) => ({ x: round(p.x), y: round(p.y) })),
        widthM: round(l.widthM),
        successors: l.successors.filter((s) => keep.has(s)),
        predecessors: l.predecessors.filter((s) => keep.has(s)),
      };
      if (l.widthsM) out['widthsM'] = l.widthsM.map(round);
      if (l.left && !keep.has(l.left.laneId)) delete out['left'];
      if (l.right && !keep.has(l.right.laneId)) delete out['right'];
      return out as RoadMapData['lanes'][number];
    });
  const junctionIds = new Set(lanes.map((l) => l.junctionId).filter((j) => j !== undefined));
  return {
    id: c.name,
    lanes,
    crosswalks: map.crosswalks.filter((w) => (c.crosswalks ?? []).includes(w.id)),
    stopLines: map.stopLines.filter((s) => keep.has(s.laneId)),
    junctions: map.junctions.filter((j) => junctionIds.has(j.id)),
    drivableAreas: [],
    source: `cut from ${c.file} (${map.source ?? 'imported'}) by scripts/cut-real-maps.ts`,
  };
}

const root = process.argv[2] ?? '/work/shared/scenarios';
for (const c of CUTS) {
  const r = importFile(join(root, c.file));
  if (!r.ok || !r.value.map) throw new Error(`${c.file}: ${r.ok ? 'no map' : r.error.message}`);
  const out = join('safety', 'testing', 'realMaps5', `${c.name}.json`);
  writeFileSync(out, `${JSON.stringify(cut(r.value.map, c))}\n`);
  console.log(out);
}
