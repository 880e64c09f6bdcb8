import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { evaluateRun } from '../../../sim/metrics/index.ts';
import { createDriver, runDriver } from '../../../stack/index.ts';
import { CommonRoadParamsSchema } from './CommonRoadParams.ts';
import { egoRecording, recordedExpert, roadClassOf, unpostedAdvisory } from './importCommonRoad.ts';
import { importCommonRoad } from './index.ts';

const data = (f: string) => fileURLToPath(new URL(`../../../data/commonroad/${f}`, import.meta.url));
const TWO = data('edgeplan_two_lanes_2020a.xml');

function mustImport(path: string) {
  const r = importCommonRoad(path);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('importCommonRoad (hand-written 2020a file)', () => {
  const res = mustImport(TWO);
  const lane = (id: string) => res.map!.lanes.find((l) => l.id === id)!;

  it('centreline is the midpoint of the bounds and width their distance', () => {
    // Bounds y = 3.5 and y = 0 → centre y = 1.75, width 3.5 m.
    expect(lane('1').centerline[0]).toEqual({ x: 0, y: 1.75 });
    expect(lane('1').centerline.at(-1)).toEqual({ x: 50, y: 1.75 });
    expect(lane('1').widthM).toBeCloseTo(3.5, 9);
  });

  it('keeps successors, predecessors and same-direction neighbours with the marking', () => {
    expect(lane('1').successors).toEqual(['2']);
    expect(lane('2').predecessors).toEqual(['1']);
    // Lane 1's left marking is dashed → change allowed; lane 3's right marking is dashed too.
    expect(lane('1').left).toEqual({ laneId: '3', changeAllowed: true, opposite: false });
    expect(lane('3').right).toEqual({ laneId: '1', changeAllowed: true, opposite: false });
    expect(lane('1').rightBoundary).toBe('solid');
  });

  it('takes the speed limit from the 274 sign and carries it to successors', () => {
    expect(lane('1').speedLimitMps).toBe(8.33);
    expect(lane('2').speedLimitMps).toBe(8.33);
  });

  it('marks a lanelet with no speed limit as unposted, drives it at the urban default and warns', () => {
    // Lanelet 3 (laneletType urban) has no sign; 1 and 2 carry the 274 sign's 8.33 m/s.
    expect(lane('3').speedLimitPosted).toBe(false);
    expect(lane('3').speedLimitMps).toBeCloseTo(50 / 3.6, 9);
    expect(lane('1').speedLimitPosted).toBeUndefined();
    expect(lane('2').speedLimitPosted).toBeUndefined();
    expect(res.warnings.some((w) => w.includes('1 of 3 lanelets have no speed limit'))).toBe(true);
  });

  it('moves the planning-problem start from the centre to the rear axle', () => {
    const s = res.scenarios[0]!;
    // Pacifica rear axle 1.461 m behind the centre: 5 − 1.461 = 3.539.
    expect(s.egoStart.x).toBeCloseTo(3.539, 9);
    expect(s.egoStart.y).toBeCloseTo(1.75, 9);
    expect(s.egoStart.speedMps).toBe(8);
  });

  it("starts the ego at the planning problem's yaw rate and acceleration, its wheels turned to match; straight and steady where they are not given", () => {
    expect(res.scenarios[0]!.egoStart).toMatchObject({ accelMps2: 0, steerRad: 0, yawRateRadps: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-cr-turn-'));
    const p = join(dir, 'turn.xml');
    const text = readFileSync(TWO, 'utf8');
    const i = text.indexOf('<planningProblem id="30">');
    const j = text.indexOf('<yawRate><exact>0</exact></yawRate>', i);
    expect(j).toBeGreaterThan(i);
    writeFileSync(
      p,
      `${text.slice(0, j)}<yawRate><exact>0.2</exact></yawRate><acceleration><exact>-1.5</exact></acceleration>${text.slice(j + '<yawRate><exact>0</exact></yawRate>'.length)}`,
    );
    const s = mustImport(p).scenarios[0]!;
    const L = s.vehicle.wheelBaseM;
    const v = s.egoStart.speedMps;
    expect(s.egoStart.accelMps2).toBe(-1.5);
    expect(s.egoStart.steerRad).toBeCloseTo(Math.atan((0.2 * L) / v), 12);
    // the kinematic bicycle turns at the stated rate with those wheels
    expect((v * Math.tan(s.egoStart.steerRad)) / L).toBeCloseTo(0.2, 12);
    expect(s.egoStart.yawRateRadps).toBeCloseTo(0.2, 12);
  });

  it('routes from the start lanelet to the goal lanelet', () => {
    expect(res.scenarios[0]!.route.laneIds).toEqual(['1', '2']);
  });

  it('turns a dynamic obstacle into a replay agent with time = step × timeStepSize', () => {
    const a = res.scenarios[0]!.agents.find((x) => x.id === 'cr_20')!;
    expect(a.kind).toBe('vehicle');
    expect(a.reactive).toBe('idm');
    expect(a.behavior.type).toBe('replay');
    if (a.behavior.type !== 'replay') return;
    expect(a.behavior.track.map((p) => [p.tS, p.x])).toEqual([
      [0, 20],
      [0.1, 20.5],
      [0.2, 21],
    ]);
    expect([a.lengthM, a.widthM]).toEqual([4.5, 1.8]);
  });

  it('turns a traffic-light cycle into a signal timeline: state at (step − offset) mod cycle', () => {
    // Cycle red 10 + green 20 steps, offset 5, 0.1 s steps: step 0 → 25 mod 30 green; step 5 → 0 red;
    // step 15 → 10 green; step 35 → 30 ≡ 0 red (until the 4 s end).
    expect(res.scenarios[0]!.signals).toEqual([
      {
        laneIds: ['2'],
        phases: [
          { fromS: 0, state: 'GREEN' },
          { fromS: 0.5, state: 'RED' },
          { fromS: 1.5, state: 'GREEN' },
          { fromS: 3.5, state: 'RED' },
        ],
      },
    ]);
  });

  it('turns a static obstacle into a static agent', () => {
    const a = res.scenarios[0]!.agents.find((x) => x.id === 'cr_21')!;
    expect(a.kind).toBe('static');
    expect(a.behavior.type).toBe('static');
  });

  it('drives an expert along the route until the goal interval ends (40 steps = 4 s)', () => {
    const s = res.scenarios[0]!;
    expect(s.durationS).toBe(4);
    expect(s.expert.length).toBe(41);
    expect(s.expert.at(-1)!.x).toBeGreaterThan(s.egoStart.x + 10);
  });
});

describe('importCommonRoad (real files)', () => {
  it('reads the 2018b US101 scenario with its 12 obstacles', () => {
    const r = mustImport(data('USA_US101-3_3_T-1.xml'));
    expect(r.map!.lanes.length).toBe(12); // 12 <lanelet id=…> elements
    expect(r.scenarios[0]!.agents.length).toBe(12);
    expect(r.scenarios[0]!.egoStart.speedMps).toBe(9.65);
  });

  it('reads the 2020a tutorial scenario', () => {
    const r = mustImport(data('ZAM_Tutorial-1_2_T-1.xml'));
    expect(r.map!.lanes.length).toBe(3);
    expect(r.scenarios.length).toBe(1);
    expect(r.scenarios[0]!.agents.length).toBe(3);
  });
});

describe('importCommonRoad: the route from a start in overlapping lanelets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cr-start-'));
  const lanelet = (id: string, left: string, right: string, more = '') =>
    `<lanelet id="${id}"><leftBound>${left}</leftBound><rightBound>${right}</rightBound>${more}<laneletType>urban</laneletType></lanelet>`;
  const pts = (...xy: [number, number][]) =>
    xy.map(([x, y]) => `<point><x>${x}</x><y>${y}</y></point>`).join('');
  // Lanelet 1 runs along +x from x = 0 and leads nowhere; lanelet 2 starts on top of it and bears
  // left (0.26 rad) into lanelet 3, where the goal is; lanelet 4 overlaps the start running the
  // other way. The ego starts at (5, 1.75) heading along +x: lanelet 1 fits its heading best.
  const file = (goalLane: string, extraLanelets = '') => `<?xml version="1.0" encoding="UTF-8"?>
<commonRoad timeStepSize="0.1" commonRoadVersion="2020a" author="edgeplan" affiliation="edgeplan" source="hand-written" benchmarkID="ZAM_Overlap-1_1_T-1" date="2026-12-06">
  ${lanelet('1', pts([0, 3.5], [30, 3.5]), pts([0, 0], [30, 0]))}
  ${lanelet('2', pts([0, 3.5], [30, 11.5]), pts([0, 0], [30, 8]), '<successor ref="3"/>')}
  ${lanelet('3', pts([30, 11.5], [60, 11.5]), pts([30, 8], [60, 8]), '<predecessor ref="2"/>')}
  ${extraLanelets}
  <planningProblem id="30">
    <initialState>
      <position><point><x>5</x><y>1.75</y></point></position>
      <orientation><exact>0</exact></orientation>
      <time><exact>0</exact></time>
      <velocity><exact>5</exact></velocity>
      <yawRate><exact>0</exact></yawRate>
      <slipAngle><exact>0</exact></slipAngle>
    </initialState>
    <goalState>
      <position><lanelet ref="${goalLane}"/></position>
      <time><intervalStart>20</intervalStart><intervalEnd>40</intervalEnd></time>
    </goalState>
  </planningProblem>
</commonRoad>`;
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return mustImport(p);
  };

  it('starts the route in the lanelet holding the ego that reaches the goal, and says so', () => {
    const res = write('overlap.xml', file('3'));
    expect(res.scenarios[0]!.route.laneIds).toEqual(['2', '3']);
    expect(
      res.warnings.some((w) =>
        w.includes('no lane route from 1 to goal lanelet 3; the route starts in lanelet 2'),
      ),
    ).toBe(true);
  });

  it('keeps the best-aligned lanelet when the goal is reachable from it', () => {
    const res = write('reachable.xml', file('1'));
    expect(res.scenarios[0]!.route.laneIds).toEqual(['1']);
    expect(res.warnings.some((w) => w.includes('no lane route'))).toBe(false);
  });

  it('never starts it in a lanelet running against the ego', () => {
    // lanelet 4 holds the start too but runs along −x, and leads into lanelet 5 with the goal
    const against =
      lanelet('4', pts([30, 0], [0, 0]), pts([30, 3.5], [0, 3.5]), '<successor ref="5"/>') +
      lanelet('5', pts([0, 0], [-30, 0]), pts([0, 3.5], [-30, 3.5]), '<predecessor ref="4"/>');
    const res = write('against.xml', file('5', against));
    expect(res.scenarios[0]!.route.laneIds[0]).toBe('1');
    expect(
      res.warnings.some((w) => w.includes('no lane route from 1 to goal lanelet 5; following successors')),
    ).toBe(true);
  });
});

describe('importCommonRoad errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cr-'));
  const text = readFileSync(TWO, 'utf8');

  it('reports a truncated file with its line and column', () => {
    const p = join(dir, 'truncated.xml');
    writeFileSync(p, text.slice(0, 900));
    const r = importCommonRoad(p);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('PARSE_ERROR');
    expect(r.error.path).toMatch(/truncated\.xml:\d+:\d+$/);
  });

  it('names the element path of a bad number', () => {
    const p = join(dir, 'badnum.xml');
    writeFileSync(p, text.replace('<x>50</x>', '<x>fifty</x>'));
    const r = importCommonRoad(p);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.path).toBe(`${p}:commonRoad/lanelet[0]/leftBound/point[1]/x`);
    expect(r.error.message).toContain('"fifty" is not a number');
  });

  it('reads a max-speed sign written with its unit (Scenario Designer maps: "30kmh", "25mph")', () => {
    const sign = '<additionalValue>8.33</additionalValue>';
    for (const [value, mps] of [
      ['30kmh', 30 / 3.6],
      ['25mph', 25 * 0.44704],
      ['50 km/h', 50 / 3.6],
    ] as const) {
      const p = join(dir, `sign-${value.replace(/\W/g, '')}.xml`);
      writeFileSync(p, text.replace(sign, `<additionalValue>${value}</additionalValue>`));
      const lane1 = mustImport(p).map!.lanes.find((l) => l.id === '1')!;
      expect(lane1.speedLimitMps).toBeCloseTo(mps, 9);
    }
  });

  it('ignores an unreadable max-speed sign with a warning instead of failing the map', () => {
    const p = join(dir, 'badsign.xml');
    writeFileSync(
      p,
      text.replace('<additionalValue>8.33</additionalValue>', '<additionalValue>fast</additionalValue>'),
    );
    const res = mustImport(p);
    expect(res.map!.lanes.find((l) => l.id === '1')!.speedLimitMps).toBeCloseTo(50 / 3.6, 9);
    expect(res.warnings.some((w) => w.includes('trafficSign[0][id=10]') && w.includes('"fast"'))).toBe(true);
  });

  it('turns round a successor link written the wrong way (the successor ends where the lanelet starts)', () => {
    // Lanelet 1 (x 0→50) ends where 2 (x 50→100) starts; the file now says 2 → 1.
    const p = join(dir, 'swapped.xml');
    writeFileSync(
      p,
      text
        .replace('<successor ref="2"/>', '<predecessor ref="2"/>')
        .replace('<predecessor ref="1"/>', '<successor ref="1"/>'),
    );
    const res = mustImport(p);
    const lane = (id: string) => res.map!.lanes.find((l) => l.id === id)!;
    expect(lane('1').successors).toEqual(['2']);
    expect(lane('1').predecessors).toEqual([]);
    expect(lane('2').predecessors).toEqual(['1']);
    expect(lane('2').successors).toEqual([]);
    expect(res.warnings.some((w) => w.includes('turned round') && w.includes('2→1 (100.0 m)'))).toBe(true);
  });

  it('drops a successor link between lanelets that do not meet either way', () => {
    // Lanelet 3 (x 0→50, left of 1) listed as its own successor and as 2's successor.
    const p = join(dir, 'nomeet.xml');
    writeFileSync(
      p,
      text
        .replace(
          '<adjacentRight ref="1" drivingDir="same"/>',
          '<successor ref="3"/><adjacentRight ref="1" drivingDir="same"/>',
        )
        .replace('<predecessor ref="1"/>', '<predecessor ref="1"/><successor ref="3"/>'),
    );
    const res = mustImport(p);
    const lane = (id: string) => res.map!.lanes.find((l) => l.id === id)!;
    expect(lane('3').successors).toEqual([]);
    expect(lane('2').successors).toEqual([]);
    expect(lane('1').successors).toEqual(['2']);
    expect(res.warnings.some((w) => w.includes('dropped') && w.includes('3→3 (50.0 m)'))).toBe(true);
  });

  it('warns when the planning problem starts off every lanelet', () => {
    // The lanes span y 0..7 m; a start at y = 20 m is 13 m off the left one.
    const p = join(dir, 'offmap.xml');
    writeFileSync(p, text.replace('<point><x>5</x><y>1.75</y></point>', '<point><x>5</x><y>20</y></point>'));
    const res = mustImport(p);
    expect(res.scenarios).toHaveLength(1);
    expect(res.warnings.some((w) => w.includes('starts off every lanelet, at (5, 20), 13.0 m'))).toBe(true);
    expect(mustImport(TWO).warnings.some((w) => w.includes('starts off every lanelet'))).toBe(false);
  });

  it("takes an obstacle starting on the planning problem's initial state as the ego's recording: not an agent, the expert", () => {
    // Obstacle 22 starts where the ego does (5, 1.75), heading 0, and moves +1 m per 0.1 s step.
    const p = join(dir, 'egorec.xml');
    const state = (step: number, x: number) =>
      `<state><position><point><x>${x}</x><y>1.75</y></point></position><orientation><exact>0</exact></orientation><time><exact>${step}</exact></time><velocity><exact>10</exact></velocity></state>`;
    const ego = `<dynamicObstacle id="22"><type>car</type><shape><rectangle><length>4.5</length><width>1.8</width></rectangle></shape>
      <initialState><position><point><x>5</x><y>1.75</y></point></position><orientation><exact>0</exact></orientation><time><exact>0</exact></time><velocity><exact>10</exact></velocity></initialState>
      <trajectory>${state(1, 6)}${state(2, 7)}${state(3, 8)}</trajectory></dynamicObstacle>`;
    writeFileSync(p, text.replace('<planningProblem id="30">', `${ego}<planningProblem id="30">`));
    const res = mustImport(p);
    const s = res.scenarios[0]!;
    expect(s.agents.map((a) => a.id).sort()).toEqual(['cr_20', 'cr_21']);
    // The recording's centre moved back to the rear axle (1.461 m), one point per 0.1 s.
    expect(s.expert.map((e) => e.tS)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(s.expert[0]!.x).toBeCloseTo(5 - 1.461, 9);
    expect(s.expert[3]!.x).toBeCloseTo(8 - 1.461, 9);
    expect(res.warnings.some((w) => w.includes("cr_22 starts on the planning problem's initial state"))).toBe(
      true,
    );
  });

  it("keeps the default top speed (30 m/s) when the ego's start, expert and goal are slower", () => {
    const s = mustImport(TWO).scenarios[0]!;
    expect(s.vehicle.maxSpeedMps).toBe(30);
    expect(mustImport(TWO).warnings.some((w) => w.includes('top speed'))).toBe(false);
  });

  it("raises the ego's top speed over a start above 30 m/s (crime's OSC_Overtake: 41.7 m/s) and warns with the value", () => {
    const p = join(dir, 'fast-start.xml');
    const start = '<velocity><exact>8</exact></velocity>\n      <yawRate>';
    expect(text).toContain(start);
    writeFileSync(p, text.replace(start, '<velocity><exact>41.6666</exact></velocity>\n      <yawRate>'));
    const res = mustImport(p);
    const s = res.scenarios[0]!;
    expect(s.egoStart.speedMps).toBeCloseTo(41.6666, 9);
    // 41.6666 × 1.05 = 43.75 → 43.8 m/s; the expert IDM drive starts at 41.7 m/s, not cut to 30
    expect(s.vehicle.maxSpeedMps).toBe(43.8);
    expect(s.expert[1]!.speedMps).toBeGreaterThan(35);
    expect(res.warnings.some((w) => w.includes('start speed 41.67 m/s') && w.includes('43.8 m/s'))).toBe(
      true,
    );
  });

  it("raises the ego's top speed to the least speed of a goal velocity interval above 30 m/s", () => {
    const p = join(dir, 'fast-goal.xml');
    const goal = '<time><intervalStart>20</intervalStart><intervalEnd>40</intervalEnd></time>';
    expect(text).toContain(goal);
    writeFileSync(
      p,
      text.replace(
        goal,
        `${goal}<velocity><intervalStart>35</intervalStart><intervalEnd>40</intervalEnd></velocity>`,
      ),
    );
    const res = mustImport(p);
    // 35 × 1.05 = 36.75 → 36.8 m/s
    expect(res.scenarios[0]!.vehicle.maxSpeedMps).toBe(36.8);
    expect(res.warnings.some((w) => w.includes('goal velocity 35.00 m/s'))).toBe(true);
  });

  it("raises the ego's top speed to its recording's fastest speed", () => {
    // the ego's recording (obstacle 22, on the start state at 8 m/s) speeds up to 38 m/s
    const p = join(dir, 'fast-rec.xml');
    const state = (step: number, x: number, v: number) =>
      `<state><position><point><x>${x}</x><y>1.75</y></point></position><orientation><exact>0</exact></orientation><time><exact>${step}</exact></time><velocity><exact>${v}</exact></velocity></state>`;
    const ego = `<dynamicObstacle id="22"><type>car</type><shape><rectangle><length>4.5</length><width>1.8</width></rectangle></shape>
      <initialState><position><point><x>5</x><y>1.75</y></point></position><orientation><exact>0</exact></orientation><time><exact>0</exact></time><velocity><exact>8</exact></velocity></initialState>
      <trajectory>${state(1, 6, 20)}${state(2, 8, 38)}${state(3, 12, 30)}</trajectory></dynamicObstacle>`;
    writeFileSync(p, text.replace('<planningProblem id="30">', `${ego}<planningProblem id="30">`));
    const s = mustImport(p).scenarios[0]!;
    // 38 × 1.05 = 39.9 m/s
    expect(s.vehicle.maxSpeedMps).toBe(39.9);
    expect(Math.max(...s.expert.map((e) => e.speedMps))).toBeCloseTo(38, 9);
  });

  it("takes the ego's recording at another time step when its pose and speed are the planning problem's (crime's inD files)", () => {
    // as above, but the obstacle's states are at steps 55… while the planning problem is at step 0
    // (start speed 8 m/s)
    const p = join(dir, 'egorec55.xml');
    const state = (step: number, x: number) =>
      `<state><position><point><x>${x}</x><y>1.75</y></point></position><orientation><exact>0</exact></orientation><time><exact>${step}</exact></time><velocity><exact>8</exact></velocity></state>`;
    const rec = (
      speed: number,
    ) => `<dynamicObstacle id="22"><type>car</type><shape><rectangle><length>4.5</length><width>1.8</width></rectangle></shape>
      <initialState><position><point><x>5</x><y>1.75</y></point></position><orientation><exact>0</exact></orientation><time><exact>55</exact></time><velocity><exact>${speed}</exact></velocity></initialState>
      <trajectory>${state(56, 6)}${state(57, 7)}${state(58, 8)}</trajectory></dynamicObstacle>`;
    writeFileSync(p, text.replace('<planningProblem id="30">', `${rec(8)}<planningProblem id="30">`));
    const s = mustImport(p).scenarios[0]!;
    expect(s.agents.map((a) => a.id).sort()).toEqual(['cr_20', 'cr_21']);
    expect(s.expert.map((e) => e.tS)).toEqual([0, 0.1, 0.2, 0.3]);
    // a car passing over the start pose later at another speed is another road user
    writeFileSync(p, text.replace('<planningProblem id="30">', `${rec(4)}<planningProblem id="30">`));
    expect(mustImport(p).scenarios[0]!.agents.map((a) => a.id)).toContain('cr_22');
  });

  it('prefers the obstacle on the start pose at the same step to a same-speed one at another step', () => {
    const agent = (id: string, tS: number) => ({
      id,
      kind: 'vehicle' as const,
      lengthM: 4.5,
      widthM: 1.8,
      start: { x: 5, y: 1.75, headingRad: 0, speedMps: 8 },
      behavior: { type: 'replay' as const, track: [{ tS, x: 5, y: 1.75, headingRad: 0, speedMps: 8 }] },
      reactive: 'replay' as const,
    });
    // listed first: a car passing over the start pose 5.5 s later at the same speed
    const later = agent('later', 5.5);
    const same = agent('same', 0);
    const init = { step: 0, p: { x: 5, y: 1.75 }, headingRad: 0, speedMps: 8 };
    expect(egoRecording([later, same], init, 0.1)?.id).toBe('same');
    // with none at the same step, the same-speed one still is the recording
    expect(egoRecording([later], init, 0.1)?.id).toBe('later');
  });

  it("resamples a recording stepped at 0.25 s to the scenario's 0.1 s, linearly", () => {
    const track = [0, 0.25, 0.5].map((tS) => ({ tS, x: 10 * tS, y: 0, headingRad: 0, speedMps: 10 }));
    const ego = {
      id: 'cr_1',
      kind: 'vehicle' as const,
      lengthM: 4.5,
      widthM: 1.8,
      start: { x: 0, y: 0, headingRad: 0, speedMps: 10 },
      behavior: { type: 'replay' as const, track },
      reactive: 'idm' as const,
    };
    const expert = recordedExpert(ego, 1.461, 0.1);
    expect(expert.map((e) => e.tS)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(expert[3]!.x).toBeCloseTo(3 - 1.461, 9);
  });

  it('reports a missing file as an IO error', () => {
    const r = importCommonRoad(join(dir, 'nope.xml'));
    expect(r.ok ? '' : r.error.code).toBe('IO_ERROR');
  });
});

describe('importCommonRoad: the speed to drive at where no limit is posted', () => {
  const unposted = (path: string) => {
    const lanes = mustImport(path).map!.lanes;
    expect(lanes.every((l) => l.speedLimitPosted === false)).toBe(true);
    return [...new Set(lanes.map((l) => l.speedLimitMps))];
  };

  it('highway lanelets: Autobahn advisory 130 km/h, capped at the vehicle top speed (30 m/s)', () => {
    // ZAM_Tutorial-1_2: three laneletType highway lanelets, no sign, ego starting at 22 m/s.
    expect(unposted(data('ZAM_Tutorial-1_2_T-1.xml'))).toEqual([30]);
    // no general limit on a German motorway: the speed is advice, marked so for the gate
    expect(mustImport(data('ZAM_Tutorial-1_2_T-1.xml')).map!.lanes.every((l) => l.speedLimitAdvisory)).toBe(
      true,
    );
  });

  it('a USA interstate without lanelet types: California 65 mph, from the scenario tags', () => {
    // USA_US101-3_3 (2018b): tags "… interstate …", lanelets without laneletType or speedLimit.
    expect(unposted(data('USA_US101-3_3_T-1.xml'))).toEqual([65 * 0.44704]);
    // CVC §22349 (a): 65 mph is a statutory limit, binding without a sign (review 10)
    expect(mustImport(data('USA_US101-3_3_T-1.xml')).map!.lanes.some((l) => l.speedLimitAdvisory)).toBe(
      false,
    );
  });

  it('advice only on a motorway of a country without a general motorway limit', () => {
    const p = CommonRoadParamsSchema.parse({});
    expect(unpostedAdvisory('motorway', 'DEU_A9-1_1_T-1', p)).toBe(true);
    expect(unpostedAdvisory('rural', 'DEU_A9-1_1_T-1', p)).toBe(false);
    expect(unpostedAdvisory('motorway', 'USA_US101-3_3_T-1', p)).toBe(false);
  });

  // pdm-closed-plus, not pdm-closed: the published PDM-Closed targets its 15 m/s
  // fallback_target_velocity on a lane without a posted limit (planner/baselines PdmClosed.test.ts).
  it.each(['hierarchical', 'pdm-closed-plus'])(
    '%s cruises an unposted highway at its default, not 50 km/h, and scores no overspeed',
    async (name) => {
      // ZAM_Tutorial-1_2 without its cars: the ego starts at 22 m/s at x = 14 m on an empty
      // three-lane highway that ends at x = 199 m, for 4 s. At the old 50 km/h default both
      // planners braked (to 17-19 m/s by 2 s) and scored 0 on speed_limit_compliance; now they
      // hold their speed until the road's end calls for braking (after 2 s).
      const res = mustImport(data('ZAM_Tutorial-1_2_T-1.xml'));
      const s = { ...res.scenarios[0]!, agents: [] };
      const driver = createDriver(name);
      if (!driver.ok) throw new Error(`no planner ${name}`);
      const map = new RoadMap(res.map!);
      const log = await runDriver(driver.value, s, map, { mode: 'nonreactive', seed: 0 });
      for (const t of log.ticks) if (t.tS <= 2) expect(t.ego.speedMps).toBeGreaterThan(21.5);
      expect(evaluateRun(log, map).weighted.speed_limit_compliance).toBe(1);
    },
  );

  it("a lanelet's own type comes before the scenario tags", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-class-'));
    const text = readFileSync(TWO, 'utf8').replace(
      '<additionalValue>8.33</additionalValue>',
      '<additionalValue>x</additionalValue>',
    );
    const rural = join(dir, 'rural.xml');
    // Tagged rural: lanelets typed urban stay urban; with the types gone, the tag gives 100 km/h.
    writeFileSync(rural, text.replace('<commonRoad ', '<commonRoad tags="rural" '));
    expect(mustImport(rural).map!.lanes.map((l) => l.speedLimitMps)).toEqual(Array(3).fill(50 / 3.6));
    const untyped = join(dir, 'untyped.xml');
    writeFileSync(
      untyped,
      text
        .replace('<commonRoad ', '<commonRoad tags="rural" ')
        .replaceAll('<laneletType>urban</laneletType>', ''),
    );
    expect(mustImport(untyped).map!.lanes.map((l) => l.speedLimitMps)).toEqual(Array(3).fill(100 / 3.6));
  });

  it('road classes: the slowest named wins, none named is undefined', () => {
    expect(roadClassOf(['interstate', 'critical'])).toBe('motorway');
    expect(roadClassOf(['country'])).toBe('rural');
    expect(roadClassOf(['urban', 'interstate'])).toBe('urban');
    expect(roadClassOf(['intersection', 'critical'])).toBeUndefined();
  });
});
