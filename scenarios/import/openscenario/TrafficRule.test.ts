import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RoadMapData, unwrap } from '../../../core/index.ts';
import { scenarioFromData } from '../../loadScenario.ts';
import { importFile } from '../index.ts';
import { parseOpenDrive } from '../opendrive/index.ts';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { runStoryboard } from './StoryboardRun.ts';
import { trafficRuleByHeading } from './TrafficRule.ts';

describe('traffic rule from the vehicles start headings', () => {
  // The straight test road along +x: lane 1 at y = 1.75, lane -1 at y = −1.75.
  const rht = unwrap(parseOpenDrive(straightRoadXodr(), 'road.xodr')).geometry;

  it('reads left-hand traffic when the vehicles face along s in the left lanes and against it in the right', () => {
    const vote = trafficRuleByHeading(
      [
        { x: 20, y: 1.75, headingRad: 0 },
        { x: 40, y: -1.75, headingRad: Math.PI },
      ],
      rht,
    );
    expect(vote).toEqual({ rule: 'LHT', lht: 2, rht: 0 });
  });

  it('keeps right-hand traffic for the usual headings, on a tie, and off the lanes', () => {
    expect(trafficRuleByHeading([{ x: 20, y: -1.75, headingRad: 0 }], rht).rule).toBe('RHT');
    const tie = trafficRuleByHeading(
      [
        { x: 20, y: 1.75, headingRad: 0 },
        { x: 40, y: -1.75, headingRad: 0 },
      ],
      rht,
    );
    expect(tie).toEqual({ rule: 'RHT', lht: 1, rht: 1 });
    expect(trafficRuleByHeading([{ x: 20, y: 30, headingRad: 0 }], rht)).toEqual({
      rule: 'RHT',
      lht: 0,
      rht: 0,
    });
  });

  it("does not vote on roads whose file gives the rule (rule='RHT' stays right-hand)", () => {
    const ruled = unwrap(parseOpenDrive(straightRoadXodr({ rule: 'RHT' }), 'road.xodr')).geometry;
    expect(trafficRuleByHeading([{ x: 20, y: 1.75, headingRad: 0 }], ruled).lht).toBe(0);
  });
});

// esmini's left-hand-traffic_by_heading.xosc is left-hand-traffic_using_road_rule.xosc on
// e6mini.xodr (no rule attribute) with the ego turned by a relative Orientation of π; it is not in
// the shared folder, so it is made from the one that is, with exactly those two edits.
const REPO = join(import.meta.dirname, '../../..');
const ESMINI =
  [process.env.EDGEPLAN_SHARED ?? '', join(REPO, '../shared'), join(REPO, '../../shared')]
    .filter((d) => d !== '')
    .map((d) => join(d, 'scenarios/esmini/resources'))
    .find((d) => existsSync(join(d, 'xosc/left-hand-traffic_using_road_rule.xosc'))) ?? '';

function byHeadingFile(): string {
  // Laid out as in esmini's resources (the LogicFile and catalog paths are relative to the .xosc).
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-lht-'));
  symlinkSync(join(ESMINI, 'xodr'), join(dir, 'xodr'));
  mkdirSync(join(dir, 'xosc'));
  symlinkSync(join(ESMINI, 'xosc/Catalogs'), join(dir, 'xosc/Catalogs'));
  const text = readFileSync(join(ESMINI, 'xosc/left-hand-traffic_using_road_rule.xosc'), 'utf8')
    .replace('../xodr/e6mini-lht.xodr', '../xodr/e6mini.xodr')
    .replace(
      /<LanePosition roadId="0" laneId="3" offset="0" s="\$EgoStartS"\/>/,
      '<LanePosition roadId="0" laneId="3" offset="0" s="$EgoStartS"><Orientation type="relative" h="3.14159"/></LanePosition>',
    );
  expect(text).toContain('../xodr/e6mini.xodr');
  expect(text).toContain('h="3.14159"');
  const p = join(dir, 'xosc/left-hand-traffic_by_heading.xosc');
  writeFileSync(p, text);
  return p;
}

describe.skipIf(ESMINI === '')('left-hand traffic by heading on a real esmini file', () => {
  it("drives as esmini's smoke test records it (test_left_hand_by_heading), the same as with rule='LHT'", () => {
    const r = unwrap(runStoryboard(byHeadingFile(), { stepS: 0.01 }, {}));
    const at = (name: string, t: number) =>
      r.states.find((s) => s.name === name && Math.abs(s.tS - t) < 1e-6)!;
    // esmini test/smoke_test.py, test_left_hand_by_heading: time, x, y (practical tolerance 0.05 m).
    const expected: [string, number, number, number][] = [
      ['Ego', 2.5, -7.546, 115.028],
      ['OverTaker', 2.5, -3.971, 115.014],
      ['Ego', 4.38, -7.198, 171.427],
      ['OverTaker', 4.38, -4.253, 193.963],
      ['OverTaker', 9.0, -4.021, 387.926],
      ['Ego', 9.01, -5.639, 310.318],
    ];
    for (const [name, t, x, y] of expected) {
      const s = at(name, t);
      expect(Math.abs(s.x - x), `${name} x at ${t} s`).toBeLessThanOrEqual(0.05);
      expect(Math.abs(s.y - y), `${name} y at ${t} s`).toBeLessThanOrEqual(0.05);
      expect(s.speedMps).toBeCloseTo(name === 'Ego' ? 30 : 42, 6);
    }
    // The lane change starts at 3.75 s in esmini (one step either way holds at the practical tolerance).
    const lc = r.events.find((e) => e.kind === 'condition_true_time' && e.name === 'Lane change')!;
    expect(Math.abs(lc.tS - 3.75)).toBeLessThanOrEqual(0.01 + 1e-9);
  });
});

describe('a scenario saved from an import on a left-hand-traffic map', () => {
  it('reloads its map file with the rule the import voted (MapRef defaultRule)', () => {
    // Roads without a rule attribute; both vehicles start facing the left-hand way, so the import
    // reads the map as LHT. The saved scenario names the map file: reloaded as RHT, lane 7_0_1
    // would run along +x instead of against it.
    const dir = mkdtempSync(join(tmpdir(), 'lht-'));
    writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 200 }));
    const car = (name: string) =>
      `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.4" y="0" z="0.75"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox><Performance maxSpeed="70" maxDeceleration="10" maxAcceleration="10"/><Axles><FrontAxle maxSteering="0.5" wheelDiameter="0.8" trackWidth="1.68" positionX="2.98" positionZ="0.4"/><RearAxle maxSteering="0" wheelDiameter="0.8" trackWidth="1.68" positionX="0" positionZ="0.4"/></Axles><Properties/></Vehicle></ScenarioObject>`;
    const start = (name: string, x: number, y: number, h: number) =>
      `<Private entityRef="${name}"><PrivateAction><TeleportAction><Position><WorldPosition x="${x}" y="${y}" h="${h}"/></Position></TeleportAction></PrivateAction><PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="0" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="10"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction></Private>`;
    writeFileSync(
      join(dir, 'lht.xosc'),
      `<?xml version="1.0"?><OpenSCENARIO><FileHeader revMajor="1" revMinor="2" date="2026-12-06T00:00:00" description="lht" author="edgeplan"/><ParameterDeclarations/><CatalogLocations/><RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork><Entities>${car('Ego')}${car('Other')}</Entities><Storyboard><Init><Actions>${start('Ego', 20, 1.75, 0)}${start('Other', 150, -1.75, Math.PI)}</Actions></Init><StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="rising"><ByValueCondition><SimulationTimeCondition value="3" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger></Storyboard></OpenSCENARIO>`,
    );
    const imp = unwrap(importFile(join(dir, 'lht.xosc')));
    const s = imp.scenarios[0]!;
    expect(s.map.kind === 'file' && s.map.defaultRule).toBe('LHT');
    const saved = JSON.parse(JSON.stringify(s));
    const reloaded = unwrap(scenarioFromData(saved, 'saved.json', dir));
    const dirOf = (c: { x: number }[]) => Math.sign(c[c.length - 1]!.x - c[0]!.x);
    const importedLane = (imp.map as RoadMapData).lanes.find((l) => l.id === '7_0_1')!;
    expect(dirOf(importedLane.centerline)).toBe(1);
    expect(dirOf(reloaded.map.lane('7_0_1')!.data.centerline)).toBe(1);
    // Without the field the map reloads as right-hand traffic.
    delete saved.map.defaultRule;
    expect(dirOf(unwrap(scenarioFromData(saved, 'saved.json', dir)).map.lane('7_0_1')!.data.centerline)).toBe(
      -1,
    );
  });
});
