/**
 * Reactive agents per tick: one fleet step (0.1 s) with 200 agents on a four-lane road — IDM
 * traffic, scripted cut-ins and pedestrians crossing — for nuPlan's IDM agents and the interactive
 * ones, side by side, with the ego driving through.
 */
import { markdownTable } from '../cli/table.ts';
import type { ScenarioAgent } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import {
  egoOn,
  idmAgent,
  inlineMap,
  poseOn,
  replayAgent,
  road,
  scenario,
  smooth,
  trackAlong,
  walkTrack,
} from '../scenarios/builtin/index.ts';
import { AgentFleet, type AgentModel, lightsAt } from '../sim/index.ts';

const LANES = 4;
const AGENTS = 200;

function denseScenario() {
  const data = road({ lanes: LANES, speedLimitMps: 25, lengthM: 2500, id: 'bench' });
  const map = new RoadMap(data);
  const agents: ScenarioAgent[] = [];
  let n = 0;
  // Pedestrians crossing every 250 m, scripted cut-ins every 120 m, IDM traffic in between.
  for (let i = 0; n < 8; i++, n++) {
    const a = poseOn(map, 'R0', 300 + 250 * i, -3);
    const b = poseOn(map, 'R0', 300 + 250 * i, 3.5 * LANES);
    const track = walkTrack(a, b, 1 + i, 1.4, 15);
    agents.push({
      id: `ped${i}`,
      kind: 'pedestrian',
      lengthM: 0.6,
      widthM: 0.6,
      start: { ...track[0]!, speedMps: 0 },
      behavior: { type: 'replay', track },
      reactive: 'replay',
    });
  }
  for (let i = 0; i < 12; i++, n++) {
    const lane = i % (LANES - 1);
    const track = trackAlong(map, {
      laneIds: [`R${lane}`],
      startSM: 60 + 120 * i,
      durationS: 15,
      speed: (t) => (t < 3 ? 20 : 17),
      lateral: (t) => 3.5 * (1 - smooth(t, 2 + (i % 4), 5 + (i % 4))),
    });
    agents.push(replayAgent(`cut${i}`, track, { reactive: 'replay' }));
  }
  for (let i = 0; n < AGENTS; i++, n++) {
    const lane = i % LANES;
    const s = 10 + 45 * Math.floor(i / LANES) + 11 * lane;
    agents.push(idmAgent(map, `car${i}`, [`R${lane}`], s, 18 + (i % 5), 20 + (i % 7)));
  }
  const sc = scenario({
    formatVersion: 1,
    id: 'bench_agents',
    map: inlineMap(data),
    egoStart: egoOn(map, 'R1', 30, 22),
    route: { laneIds: ['R1'] },
    expert: [
      { tS: 0, x: 0, y: 0, headingRad: 0, speedMps: 0 },
      { tS: 0.1, x: 0, y: 0, headingRad: 0, speedMps: 0 },
    ],
    agents,
  });
  return { sc, map };
}

function stepTimes(model: AgentModel, reps: number): { p50: number; p99: number } {
  const { sc, map } = denseScenario();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const fleet = new AgentFleet(sc, map, 'reactive', { agents: model });
    const ego = { ...sc.egoStart };
    for (let k = 0; k < 150; k++) {
      const tS = Math.round(k * 1e5) / 1e6;
      const lights = lightsAt(sc, tS);
      const t0 = performance.now();
      fleet.step(tS, 0.1, ego, sc.vehicle, lights);
      times.push(performance.now() - t0);
      ego.x += ego.speedMps * 0.1;
      ego.tS = tS + 0.1;
    }
  }
  times.sort((a, b) => a - b);
  return {
    p50: times[Math.floor(times.length * 0.5)]!,
    p99: times[Math.floor(times.length * 0.99)]!,
  };
}

export function agentsBench(): string {
  stepTimes('idm', 1);
  stepTimes('interactive', 1);
  const idm = stepTimes('idm', 3);
  const inter = stepTimes('interactive', 3);
  const row = (name: string, r: typeof idm) => [name, r.p50.toFixed(3), r.p99.toFixed(3)];
  return [
    `## Reactive agents — one 0.1 s fleet step, ${AGENTS} agents (IDM traffic, 12 scripted cut-ins, 8 pedestrians) on a ${LANES}-lane road, 3 × 150 steps`,
    markdownTable(
      ['agents', 'step ms p50', 'step ms p99'],
      [row('idm (nuPlan)', idm), row('interactive', inter)],
      ['l', 'r', 'r'],
    ),
    `interactive / idm at p50: ${(inter.p50 / idm.p50).toFixed(1)}×`,
  ].join('\n');
}
