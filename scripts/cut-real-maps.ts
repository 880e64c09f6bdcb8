/**
 * Cuts the few lanes a red team's reviewer pairs need out of real maps (imported with the project's
 * importers) and writes them as inline RoadMap JSON to safety/testing/realMaps<set>/<name>.json:
 * set 5 (the default), set 10 and set 11 from /work/shared/scenarios, sets 8 and 9 from the held-out maps (Lanelet2,
 * OpenDRIVE, CommonRoad repositories; not in the repo, licences in realMaps8/ and realMaps9/README.md). Lanes kept whole (imported points, widths, limits, the
 * `speedLimitPosted` flag), links to lanes not kept dropped, the kept lanes' stop lines, the
 * junctions they name and the crosswalks asked for. Run on purpose when a cut must change:
 * `npx tsx scripts/cut-real-maps.ts [root] [set] && npx biome check --write safety/testing/realMaps<set>`
 * (sets 8 and 9: `npx tsx scripts/cut-real-maps.ts /tmp/wild 8` (or 9), the root holding the
 * repositories' files at the paths below).
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
  /**
   * Long lanes kept only over an arc-length window [from, to] m (their imported points there, the
   * link at a clipped end dropped): keeps a cut of a kilometre-long motorway under 100 KB.
   */
  clip?: Record<string, [number, number]>;
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

/** Red team 8: held-out maps, one feature each (paths under the root, see realMaps8/README.md). */
const CUTS8: Cut[] = [
  {
    // a mini roundabout in Karlsruhe (ring radius ≈ 6.4 m, four two-way arms mapped as
    // bidirectional lanelets: each arm's lanelet and its `-rev` twin cover the same strip)
    name: 'l2_roundabout',
    file: 'lanelet2/fzi/lanelet2_maps/res/mapping_example.osm',
    lanes: [
      ...['45308', '45310', '45316', '45322', '45324', '45330', '45332', '45336'],
      ...['45302', '45306', '45338', '45302-rev', '45318', '45314', '45312', '45318-rev'],
      ...['43672', '45326', '45320', '43672-rev', '45356-rev', '45334', '45328', '45356'],
    ],
  },
  {
    // a motorway on-ramp's acceleration lane (48_0_-3, from ramp 1218_0_3) tapering to nothing
    // beside three through lanes, westbound
    name: 't06_on_ramp',
    file: 'opendrive/scenic/assets/maps/CARLA/Town06.xodr',
    lanes: ['48_0_-2', '48_0_-3', '48_0_-4', '48_0_-5', '49_0_-3', '49_0_-4', '1206_0_-4', '1206_0_-5'],
  },
  {
    // a four-lane motorway bend turning 157° left over ≈ 360 m (radius ≈ 130 m)
    name: 't06_bend',
    file: 'opendrive/scenic/assets/maps/CARLA/Town06.xodr',
    lanes: [
      ...['66_0_3', '66_0_4', '66_0_5', '66_0_6', '11_0_3', '11_0_4', '11_0_5', '11_0_6'],
      ...['65_0_-3', '65_0_-4', '65_0_-5', '65_0_-6'],
    ],
  },
  {
    // an urban T-junction (two lanes each way on every arm) with a crosswalk over each arm; the
    // west arm's 2 m shoulder on the right (6_0_-3 → 89_0_-3) as a cyclist rides it
    name: 't10_t_junction',
    file: 'opendrive/scenic/assets/maps/CARLA/Town10HD.xodr',
    lanes: [
      ...['6_0_1', '6_0_2', '6_0_-1', '6_0_-2', '6_0_-3', '89_0_-3', '7_0_1', '7_0_2', '7_0_-1', '7_0_-2'],
      ...['22_0_1', '22_0_2', '22_0_-1', '22_0_-2', '89_0_-1', '89_0_-2', '90_0_1', '90_0_2'],
      ...['100_0_1', '105_0_1', '125_0_-1', '24_0_1', '33_0_1', '41_0_1'],
    ],
    crosswalks: ['24_1140', '33_1141', '89_1142'],
  },
  {
    // an urban T-junction in Pula (one lane each way): the stem 20334 / 20335 from the east, the
    // through road 20549 / 20550 (north) and 20547 / 20546 (south), all six turns
    name: 'pula_t_junction',
    file: 'commonroad/crime/scenarios/HRV_Pula-27_3_T-1.xml',
    lanes: [
      ...['20334', '20335', '20549', '20550', '20547', '20546'],
      ...['23265', '23266', '22886', '22884', '22922', '22925'],
    ],
  },
];

/** Red team 9: held-out maps no earlier set used (paths under the root, see realMaps9/README.md). */
const CUTS9: Cut[] = [
  {
    // CARLA Town01's T-junction at (337, 0): the west arm 1_0_* (157 m straight, one lane each way,
    // undivided), the east arm 0_0_*, the stem 16_0_* from the south, and the six turns through it
    name: 't01_t_junction',
    file: 'opendrive/scenic/assets/maps/CARLA/Town01.xodr',
    lanes: [
      ...['1_0_1', '1_0_-1', '0_0_1', '0_0_-1', '16_0_1', '16_0_-1'],
      ...['27_0_1', '33_0_1', '40_0_-1', '41_0_1', '46_0_-1', '52_0_1'],
    ],
  },
  {
    // a zip merge: two lanes (25 left, 26 right; 160 m) each run on over a 21 m lane (28, 27) into
    // the one lane 24 (147 m); no lane change links them, the lanes themselves converge
    name: 'zip_merge',
    file: 'commonroad/crime/scenarios/ZAM_Zip-1_56_T-1.xml',
    lanes: ['25', '26', '27', '28', '24'],
  },
];

/**
 * Red team 10: maps in /work/shared/scenarios no earlier set used (licences in realMaps10/README.md):
 * a CARLA town's T-junction with its sidewalks, an Autoware (Lanelet2, left-hand traffic) signalised
 * crossroads whose importer declares no junction, and esmini's 2+1 road.
 */
const CUTS10: Cut[] = [
  {
    // CARLA Town02's signalised T-junction 188 at (44, −190): the west arm 4_0_* (31 m), the east
    // arm 5_0_* (70.5 m, with its 0.3 m shoulders and 4 m sidewalks), the stem 8_0_* from the
    // south, the six turns; one 4 m lane each way, undivided, 11.2 m/s
    name: 't02_t_junction',
    file: 'carla_towns/Town02.xodr',
    lanes: [
      ...['4_0_1', '4_0_-1', '5_0_1', '5_0_-1', '8_0_1', '8_0_-1'],
      ...['5_0_2', '5_0_-2', '5_0_3', '5_0_-3'],
      ...['199_0_-1', '200_0_1', '216_0_-1', '224_0_1', '232_0_-1', '236_0_-1'],
    ],
  },
  {
    // Autoware's test map (Japan, left-hand traffic): a four-arm signalised crossroads, one lane each
    // way, 3 m lanes, 30 km/h, a crosswalk over every arm; the west arm's approach 9102 → 9540 →
    // 9546 → 9178 with its 3.5 m shoulder on the left (10291 → 10303 → 10304 → 10310); the twelve
    // turns 49–60 carry Autoware's `turn_direction`
    name: 'aw_crossroads',
    file: 'lanelet2/autoware_core/autoware_test_utils/lanelet2_map.osm',
    lanes: [
      ...['9102', '9540', '9546', '9178', '116', '9183', '9494', '9463'],
      ...['10291', '10303', '10304', '10310'],
      ...['49', '50', '51', '52', '53', '54', '55', '56', '57', '58', '59', '60'],
      ...['112', '113', '122', '123', '124', '125'],
    ],
    crosswalks: ['163', '164', '165', '166'],
  },
  {
    // esmini's 2+1 road (x 0–500): one lane east and two west, then (x 175–325) two east and one
    // west, with 50 m tapers between; 13.9 m/s
    name: 'two_plus_one',
    file: 'esmini/resources/xodr/two_plus_one.xodr',
    lanes: [
      ...['1_0_2', '1_0_1', '1_0_-1', '1_1_2', '1_1_1', '1_1_-1', '1_1_-2', '1_2_1', '1_2_-1'],
      ...['1_2_-2', '1_3_2', '1_3_1', '1_3_-1', '1_3_-2', '1_4_2', '1_4_1', '1_4_-1'],
    ],
  },
];

/**
 * Red team 11: maps in /work/shared/scenarios no earlier set used (licences in realMaps11/README.md):
 * esmini's signalised town crossroads with sidewalks (Fabriksgatan), a Stockholm motorway whose
 * third lane ends (Söderleden), a rural road (straight_500m_signs), the left-hand-traffic E6 (e6mini-lht)
 * and a CommonRoad crossroads in Anglet.
 */
const CUTS11: Cut[] = [
  {
    // Fabriksgatan (town, 3.5 m lanes, 2 m sidewalks): the west arm 3_0_* with its signal stop lines
    // 109–114 m along 3_0_-1, the north-east arm 2_0_*, the east arm 1_0_*, and the turns from the west
    name: 'fab_crossroads',
    file: 'esmini/resources/xodr/fabriksgatan_traffic_lights.xodr',
    lanes: [
      ...['3_0_-1', '3_0_1', '3_0_-3', '3_0_3', '11_0_-1', '12_0_-1', '13_0_-1', '11_0_-3'],
      ...['0_0_-1', '0_0_1', '0_0_-3', '1_0_-1', '1_0_1', '2_0_1', '2_0_-1', '2_0_3', '2_0_-3'],
      ...['5_0_-1', '6_0_-1', '7_0_-1', '14_0_-1', '15_0_-1', '16_0_-1', '8_0_-1', '9_0_-1', '10_0_-1'],
    ],
  },
  {
    // Söderleden (motorway): three eastbound lanes 0_0_-1..-3 (100 m), the third (3 m) ending into
    // the second at the start of 0_1 (two lanes, 1374 m)
    name: 'sod_lane_end',
    file: 'esmini/resources/xodr/soderleden.xodr',
    lanes: ['0_0_-1', '0_0_-2', '0_0_-3', '0_1_-1', '0_1_-2'],
    clip: { '0_1_-1': [0, 400], '0_1_-2': [0, 400] },
  },
  {
    // a straight rural road (`<type rural>` at its start), one 3.1 m lane each way, 500 m
    name: 'rural_straight',
    file: 'esmini/resources/xodr/straight_500m_signs.xodr',
    lanes: ['1_0_1', '1_0_-1'],
  },
  {
    // the E6 in left-hand traffic (rule="LHT"): three northbound lanes 0_0_2..4 (1.47 km)
    name: 'e6_lht',
    file: 'esmini/resources/xodr/e6mini-lht.xodr',
    lanes: ['0_0_2', '0_0_3', '0_0_4'],
    clip: { '0_0_2': [0, 500], '0_0_3': [0, 500], '0_0_4': [0, 500] },
  },
  {
    // Anglet's crossroads (CommonRoad, one 3.5 m lane each way on four arms, twelve turns)
    name: 'anglet_crossroads',
    file: 'commonroad/FRA_Anglet-1_1_T-1.xml',
    lanes: [
      ...['86824', '85604', '86788', '85600', '86786', '85822', '86394', '86392', '86822', '85818'],
      ...['86414', '86823', '86412', '86787', '86413', '86393', '85821', '85601', '85819', '85603'],
    ],
  },
];

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** Keeps lane `l`'s points (and widths) within arc length [from, to] in `out`; drops the links at a clipped end. */
function clipLane(
  out: Record<string, unknown>,
  l: RoadMapData['lanes'][number],
  [from, to]: [number, number],
): void {
  const keepIdx: number[] = [];
  let s = 0;
  for (let i = 0; i < l.centerline.length; i++) {
    if (i > 0)
      s += Math.hypot(
        l.centerline[i]!.x - l.centerline[i - 1]!.x,
        l.centerline[i]!.y - l.centerline[i - 1]!.y,
      );
    if (s >= from - 1e-6 && s <= to + 1e-6) keepIdx.push(i);
  }
  if (keepIdx.length < 2) throw new Error(`${l.id}: fewer than two points in [${from}, ${to}]`);
  out['centerline'] = keepIdx.map((i) => ({ x: round(l.centerline[i]!.x), y: round(l.centerline[i]!.y) }));
  if (l.widthsM) out['widthsM'] = keepIdx.map((i) => round(l.widthsM![i]!));
  if (keepIdx[0]! > 0) out['predecessors'] = [];
  if (keepIdx[keepIdx.length - 1]! < l.centerline.length - 1) out['successors'] = [];
}

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
      const w = c.clip?.[l.id];
      if (w) clipLane(out, l, w);
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
const set = process.argv[3] ?? '5';
const sets: Record<string, Cut[]> = { '5': CUTS, '8': CUTS8, '9': CUTS9, '10': CUTS10, '11': CUTS11 };
for (const c of sets[set] ?? CUTS) {
  const r = importFile(join(root, c.file));
  if (!r.ok || !r.value.map) throw new Error(`${c.file}: ${r.ok ? 'no map' : r.error.message}`);
  const out = join('safety', 'testing', `realMaps${set}`, `${c.name}.json`);
  writeFileSync(out, `${JSON.stringify(cut(r.value.map, c))}\n`);
  console.log(out);
}
