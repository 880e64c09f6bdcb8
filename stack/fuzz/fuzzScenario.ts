/**
 * Randomised closed-loop scenarios for the gate's fuzz test, drawn from the built-in families
 * with a seeded RNG: a lead that brakes hard, a cut-in, a pedestrian crossing, a stopped obstacle,
 * a light turning red, and a slow car in dense traffic. Speeds, gaps and timings vary per run.
 * Starts that no driver could survive (an obstacle inside the stopping distance, a cut-in closer
 * than 8 m) are not drawn: the campaign measures avoidable collisions.
 */
import { createRng, type RoadMapData, type Scenario, type ScenarioAgent } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import {
  egoOn,
  expertFromCentreTrack,
  idmAgent,
  inlineMap,
  intersection,
  poseOn,
  replayAgent,
  road,
  scenario,
  smooth,
  trackAlong,
  vehicleAgent,
  walkTrack,
} from '../../scenarios/builtin/index.ts';

export const FUZZ_FAMILIES = [
  'hard_braking_lead',
  'cut_in',
  'pedestrian_crossing',
  'stopped_obstacle',
  'red_light',
  'dense_queue',
] as const;
export type FuzzFamily = (typeof FUZZ_FAMILIES)[number];

/** The two fuzz maps, built on first use (not at import: no work or state at module load). */
export interface FuzzMaps {
  roadData: RoadMapData;
  roadMap: RoadMap;
  jxData: RoadMapData;
  jxMap: RoadMap;
}
export function buildFuzzMaps(): FuzzMaps {
  const roadData = road({ lanes: 2, oncoming: true, speedLimitMps: 16.7, lengthM: 400, id: 'fuzz_road' });
  const jxData = intersection();
  return { roadData, roadMap: new RoadMap(roadData), jxData, jxMap: new RoadMap(jxData) };
}

export interface FuzzCase {
  family: FuzzFamily;
  scenario: Scenario;
  map: RoadMap;
}

function pedestrian(id: string, track: ReturnType<typeof walkTrack>): ScenarioAgent {
  return {
    id,
    kind: 'pedestrian',
    lengthM: 0.6,
    widthM: 0.6,
    start: { ...track[0]!, speedMps: 0 },
    behavior: { type: 'replay', track },
    reactive: 'replay',
  };
}

/** Builds run `index` of a fuzz campaign with `seed` (deterministic). */
export function fuzzCase(
  seed: number,
  index: number,
  durationS = 8,
  maps: FuzzMaps = buildFuzzMaps(),
): FuzzCase {
  const { roadData, roadMap, jxData, jxMap } = maps;
  const rng = createRng((seed * 100003 + index * 7919) >>> 0);
  const u = (a: number, b: number): number => a + (b - a) * rng();
  const family = FUZZ_FAMILIES[index % FUZZ_FAMILIES.length]!;
  const agents: ScenarioAgent[] = [];
  const v0 = u(8, 15);
  let map = roadMap;
  let data = roadData;
  let laneIds = ['R0'];
  let egoS = 20;
  let signals: Scenario['signals'] = [];
  if (family === 'hard_braking_lead') {
    const gap = u(10, 35);
    const vl = v0 + u(-2, 1);
    const tb = u(0.5, 4);
    const dec = u(3, 8);
    agents.push(
      replayAgent(
        'lead',
        trackAlong(map, {
          laneIds,
          startSM: egoS + gap,
          durationS,
          speed: (t) => (t < tb ? vl : vl - dec * (t - tb)),
        }),
        { reactive: 'replay' },
      ),
    );
  } else if (family === 'cut_in') {
    // the cut-in starts with the cutter's centre 8–25 m ahead of the ego's: hard, but avoidable
    // by an attentive driver (closer cut-ins are the cutter's fault under RSS and unavoidable)
    const vc = v0 + u(-4, 1);
    const t0 = u(0.3, 3);
    const ds = u(8, 25) - (vc - v0) * t0;
    const dur = u(1.5, 3);
    const vAfter = vc - u(0, 4);
    agents.push(
      replayAgent(
        'cutter',
        trackAlong(map, {
          laneIds,
          startSM: egoS + ds,
          durationS,
          speed: (t) => (t < t0 ? vc : vAfter),
          lateral: (t) => 3.5 * (1 - smooth(t, t0, t0 + dur)),
        }),
        { reactive: 'replay' },
      ),
    );
  } else if (family === 'pedestrian_crossing') {
    const s = egoS + u(20, 60);
    const a = poseOn(map, 'R0', s, -3.5);
    const b = poseOn(map, 'R0', s, 9);
    agents.push(pedestrian('ped', walkTrack(a, b, u(0, 4), u(0.8, 2.2), durationS)));
  } else if (family === 'stopped_obstacle') {
    // at least an 8 m/s² stop (plus 0.5 s of reaction and 10 m of footprints) away: avoidable
    const minAhead = (v0 * v0) / 8 + 0.5 * v0 + 10;
    const p = poseOn(map, 'R0', egoS + Math.max(minAhead, u(15, 80)), u(-0.5, 0.5));
    agents.push(vehicleAgent('parked', { ...p, speedMps: 0 }, { type: 'static' }, { kind: 'static' }));
  } else if (family === 'red_light') {
    map = jxMap;
    data = jxData;
    laneIds = ['IN2', 'C20', 'OUT0'];
    egoS = 120 - u(20, 70);
    const tRed = u(0, 3);
    signals = [
      {
        laneIds: ['C20'],
        phases: [
          { fromS: 0, state: 'GREEN' },
          { fromS: tRed, state: 'YELLOW' },
          { fromS: tRed + 3, state: 'RED' },
        ],
      },
    ];
    agents.push(
      replayAgent(
        'cross',
        trackAlong(map, {
          laneIds: ['IN3', 'C31', 'OUT1'],
          startSM: 120 - u(20, 60),
          durationS,
          speed: (t) => (t < tRed + 3 ? 0 : u(0, 0) + 8),
        }),
        { reactive: 'replay' },
      ),
    );
  } else {
    // dense queue: a slow car ahead and traffic in the next lane
    agents.push(idmAgent(map, 'slow', ['R0'], egoS + u(15, 45), u(2, 8), u(3, 8)));
    agents.push(idmAgent(map, 'left1', ['R1'], egoS + u(-20, 30), u(8, 14)));
  }
  const egoStart = egoOn(map, laneIds[0]!, egoS, v0);
  const expert = expertFromCentreTrack(
    trackAlong(map, { laneIds, startSM: egoS, durationS, speed: () => v0 }),
  );
  const sc = scenario({
    formatVersion: 1,
    id: `fuzz_${seed}_${index}_${family}`,
    map: inlineMap(data),
    egoStart,
    route: { laneIds },
    expert,
    agents,
    signals,
    durationS,
    tags: ['fuzz', family],
  });
  return { family, scenario: sc, map };
}
