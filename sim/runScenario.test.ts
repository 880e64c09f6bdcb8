import { describe, expect, it } from 'vitest';
import { agentBox, boxesOverlap, egoBox } from '../core/index.ts';
import { RoadMap } from '../core/map/RoadMap.ts';
import { idmPlanner } from '../core/vehicle/IdmPlanner.ts';
import { constantVelocityPlanner } from '../planner/baselines/ConstantVelocity.ts';
import { egoOn, idmAgent, inlineMap, scenario } from '../scenarios/builtin/build.ts';
import { builtinScenario } from '../scenarios/builtin/builtin.ts';
import { road } from '../scenarios/builtin/maps.ts';
import { scenarioFromData } from '../scenarios/loadScenario.ts';
import { runScenario } from './runScenario.ts';

function straight(agents: (map: RoadMap) => ReturnType<typeof idmAgent>[] = () => [], egoSpeed = 10) {
  const data = road({ lanes: 1, lengthM: 400, speedLimitMps: 12 });
  const map = new RoadMap(data);
  const s = scenario({
    formatVersion: 1,
    id: 'straight',
    map: inlineMap(data),
    egoStart: egoOn(map, 'R0', 30, egoSpeed),
    route: { laneIds: ['R0'] },
    expert: [
      { tS: 0, x: 0, y: 0, headingRad: 0, speedMps: 10 },
      { tS: 15, x: 150, y: 0, headingRad: 0, speedMps: 10 },
    ],
    agents: agents(map),
  });
  return { s, map };
}

describe('closed-loop engine', () => {
  it("ends the run when the ego's front reaches the end of its route instead of driving off the map", () => {
    // 400 m lane, ego at s = 30 m at 12 m/s (the speed limit): the route's end is ~365 m away,
    // reached after ~30 s of a 60 s scenario.
    const { s, map } = straight(() => [], 12);
    const log = runScenario({ ...s, durationS: 60 }, map, constantVelocityPlanner(), { mode: 'nonreactive' });
    const last = log.ticks.at(-1)!;
    expect(last.tS).toBeLessThan(35);
    expect(last.tS).toBeGreaterThan(25);
    // Front bumper (rear axle + 1.461 + 5.176 / 2 m) within 1 m of the lane end, not beyond it.
    const frontX = last.ego.x + 1.461 + 5.176 / 2;
    expect(frontX).toBeGreaterThan(398);
    expect(frontX).toBeLessThan(400 + 12 * 0.1);
    // The log says why it ended, so the metrics score the expert over the same span.
    expect(log.endedAtRouteEnd).toBe(true);
    const full = runScenario({ ...s, durationS: 10 }, map, constantVelocityPlanner(), {
      mode: 'nonreactive',
    });
    expect(full.endedAtRouteEnd).toBeUndefined();
  });

  it('runs 15 s at 0.1 s: 151 ticks from t = 0 to 15', () => {
    const { s, map } = straight();
    const log = runScenario(s, map, idmPlanner(), { mode: 'nonreactive' });
    expect(log.ticks.length).toBe(151);
    expect(log.ticks.at(-1)!.tS).toBe(15);
  });

  it('tracks the lane: the IDM planner reaches the speed limit and stays on the centreline', () => {
    const { s, map } = straight();
    const log = runScenario(s, map, idmPlanner(), { mode: 'nonreactive' });
    const last = log.ticks.at(-1)!.ego;
    expect(last.speedMps).toBeGreaterThan(11.5);
    expect(last.speedMps).toBeLessThan(12.3);
    for (const t of log.ticks) expect(Math.abs(t.ego.y)).toBeLessThan(0.05);
  });

  it('is deterministic: the same inputs give byte-identical logs', () => {
    const b = builtinScenario('route_lane_change')!;
    const strip = (l: ReturnType<typeof runScenario>) =>
      JSON.stringify(l.ticks.map(({ planMs: _p, ...t }) => t));
    const a = runScenario(b.scenario, b.map, idmPlanner(), { mode: 'reactive', seed: 7 });
    const c = runScenario(b.scenario, b.map, idmPlanner(), { mode: 'reactive', seed: 7 });
    expect(strip(a)).toBe(strip(c));
  });

  it('reactive agents yield to the ego; non-reactive ones replay through it', () => {
    // A slow ego (constant 3 m/s) with a fast IDM car 25 m behind in the same lane.
    const { s, map } = straight((m) => [idmAgent(m, 'chaser', ['R0'], 0, 12)], 3);
    const hit = (mode: 'reactive' | 'nonreactive') => {
      const log = runScenario(s, map, constantVelocityPlanner(), { mode });
      return log.ticks.some((t) => t.agents.some((a) => boxesOverlap(egoBox(t.ego, s.vehicle), agentBox(a))));
    };
    expect(hit('nonreactive')).toBe(true);
    expect(hit('reactive')).toBe(false);
  });

  it('holds at a red light and goes on green (IDM agents and IDM planner alike)', () => {
    const b = builtinScenario('red_light')!;
    const log = runScenario(b.scenario, b.map, idmPlanner(), { mode: 'reactive' });
    const at = (t: number) => log.ticks.find((k) => Math.abs(k.tS - t) < 1e-6)!.ego;
    // IN2 ends at the stop line x = −14; the front bumper is 4.049 m ahead of the rear axle.
    for (const t of log.ticks) if (t.tS < 9) expect(t.ego.x + 4.049).toBeLessThan(-14);
    expect(at(8.5).speedMps).toBeLessThan(1);
    expect(at(15).speedMps).toBeGreaterThan(3);
    expect(at(15).x).toBeGreaterThan(-14);
  });
});

describe('scenario files', () => {
  it('names the bad field of a malformed scenario', () => {
    const { s } = straight();
    const bad = JSON.parse(JSON.stringify(s));
    bad.agents = [
      {
        id: 'x',
        kind: 'vehicle',
        lengthM: -1,
        widthM: 2,
        start: { x: 0, y: 0, headingRad: 0, speedMps: 0 },
        behavior: { type: 'static' },
      },
    ];
    const r = scenarioFromData(bad, 'bad.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe('bad.json:agents.0.lengthM');
  });

  it('rejects a route through a lane the map lacks', () => {
    const { s } = straight();
    const r = scenarioFromData(
      { ...JSON.parse(JSON.stringify(s)), route: { laneIds: ['R0', 'Z9'] } },
      'x.json',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('Z9');
  });

  it('round-trips a built-in scenario through JSON', () => {
    const b = builtinScenario('cut_in')!;
    const r = scenarioFromData(JSON.parse(JSON.stringify(b.scenario)), 'cut_in.json');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.scenario).toEqual(b.scenario);
  });
});
