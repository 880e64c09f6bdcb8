import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RoadMapData, VehicleParamsSchema } from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { evaluateRun } from '../../../sim/metrics/index.ts';
import { runScenario } from '../../../sim/runScenario.ts';
import { createPlanner } from '../../../stack/index.ts';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { importOpenScenario } from './index.ts';
import { egoSpeedLimits } from './OpenScenario.ts';
import { evalExpression } from './Parameters.ts';

const CUT_IN = new URL('../../../data/esmini/resources/xosc/cut-in_simple.xosc', import.meta.url).pathname;

describe('OpenSCENARIO expressions', () => {
  it('evaluate arithmetic with parameters and precedence', () => {
    expect(evalExpression('$a * (2 + -1) ** 2 + 250 / 5', new Map([['a', '3']]), 'x')).toBe(53);
  });

  it('name the unknown parameter', () => {
    expect(() => evalExpression('$nope + 1', new Map(), '/p')).toThrow(/unknown parameter nope/);
  });
});

describe('esmini cut-in_simple.xosc (vendored)', () => {
  const r = importOpenScenario(CUT_IN);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const s = r.value.scenarios[0]!;
  const overtaker = s.agents.find((a) => a.id === 'OverTaker')!;
  const track = overtaker.behavior.type === 'replay' ? overtaker.behavior.track : [];

  it('loads with nothing unsupported', () => {
    expect(r.value.unsupported).toEqual([]);
  });

  it('starts the ego at LanePosition road 1, lane -1, s = 50 at 20 m/s', () => {
    // straight_500m.xodr: road 1 along +x from (0, 0); lane -1 is 3.07 m wide → centre y = −1.535.
    expect(s.egoStart.x).toBeCloseTo(50, 6);
    expect(s.egoStart.y).toBeCloseTo(-1.535, 6);
    expect(s.egoStart.speedMps).toBe(20);
  });

  it('starts the cut-in when the headway condition rises (t = 6.65 s)', () => {
    // OverTaker starts 20 m behind the ego (RelativeRoadPosition ds = −20) at 25 vs 20 m/s. The
    // freespace headway ego → OverTaker exceeds 0.4 s once the gap minus the two half-lengths
    // (5.04 m each) exceeds 0.4 × 20 = 8 m: 20 + 5.04 + 8 = 33.04 m closed at 5 m/s = 6.61 s,
    // first seen on the import's 0.05 s storyboard grid at 6.65 s.
    const ev = r.value.events?.find((e) => e.name === 'CutInEvent');
    expect(ev?.tS).toBeCloseTo(6.65, 6);
  });

  it('moves the OverTaker into the ego lane only after the trigger (sinusoidal, 3 s)', () => {
    const at = (t: number) => track.find((p) => Math.abs(p.tS - t) < 1e-6)!;
    // Before the trigger it holds dt = 3.1 m left of the ego lane centre: y = −1.535 + 3.1.
    expect(at(6.6).y).toBeCloseTo(1.565, 6);
    // About half-way through (8.2 s: τ = (8.2 − 6.65) / 3 = 0.517): the reference point is at
    // 1.565 − 3.1·(1 − cos πτ) / 2 = −0.066; the track is the footprint centre, 1.4 m ahead
    // (BoundingBox Center x), turned by the lateral speed 3.1·(π/2)/3·sin πτ = 1.621 m/s against
    // 25 m/s: heading −0.0647 rad → y = −0.066 + 1.4·sin(−0.0647) = −0.157.
    expect(at(8.2).y).toBeCloseTo(-0.157, 2);
    // Done after 3 s: in the ego lane.
    expect(at(9.8).y).toBeCloseTo(-1.535, 6);
  });

  it("drives the ego's road, which posts no limit, at its scripted speed (72 km/h, not 50 km/h), still unposted", () => {
    // straight_500m.xodr has no <speed> record (esmini: no limit). The ego drives road 1 at its
    // scripted 20 m/s = 72 km/h; every lane of the road gets that speed to drive at, and no
    // posted limit (speed_limit_compliance scores none there).
    const lanes = r.value.map!.lanes.filter((l) => l.roadId === '1' && l.type === 'driving');
    expect(lanes.length).toBeGreaterThan(0);
    for (const l of lanes) expect(l.speedLimitMps).toBeCloseTo(20, 9);
    for (const l of lanes) expect(l.speedLimitPosted).toBe(false);
    expect(r.value.warnings).toContain(
      "no speed posted on road 1: 72.0 km/h (the ego's scripted speed there)",
    );
  });

  // pdm-closed-plus drives the lane's speed where no limit is posted (the published PDM-Closed
  // targets its 15 m/s fallback there: planner/baselines PdmClosed.test.ts).
  it('is driven closed-loop by pdm-closed-plus: 200+ m along its lane at the scenario speed, within the limit', () => {
    const planner = createPlanner('pdm-closed-plus');
    if (!planner.ok) throw new Error('no planner');
    const map = new RoadMap(r.value.map!);
    const log = runScenario(s, map, planner.value, { mode: 'nonreactive', seed: 0 });
    expect(log.ticks[log.ticks.length - 1]!.tS).toBeCloseTo(s.durationS, 6);
    // The ego starts at x = 50 m at 20 m/s in the lane centred on y = −1.535 and drives east.
    const first = log.ticks[0]!.ego;
    const last = log.ticks[log.ticks.length - 1]!.ego;
    expect(last.x - first.x).toBeGreaterThan(200);
    // It keeps its lane and about the scenario's 20 m/s until the cut-in (6.7 s): no braking
    // to a limit the road does not post. (Later the OverTaker brakes to a stop in front at
    // 5 m/s², more than PDM-Closed's IDM brakes (decel_max 3 m/s²); its proposals shift sideways.)
    for (const t of log.ticks)
      if (t.tS < 6.7) {
        expect(Math.abs(t.ego.y + 1.535)).toBeLessThan(0.5);
        expect(t.ego.speedMps).toBeGreaterThan(19);
      }
    const m = evaluateRun(log, map);
    expect(m.weighted.speed_limit_compliance).toBeGreaterThan(0.99);
    expect(m.multipliers.drivable_area_compliance).toBe(1);
  });

  it('reports a missing file as an IO error', () => {
    const bad = importOpenScenario(
      new URL('../../../data/esmini/resources/xosc/missing.xosc', import.meta.url).pathname,
    );
    expect(bad.ok ? '' : bad.error.code).toBe('IO_ERROR');
  });
});

describe('speed limits of roads that post none', () => {
  // Two parallel straight roads along +x: road A (unposted, y = 0) and road B (y = 10, posted
  // 30 km/h in the file: not in the unposted set), and road C (unposted, y = 20).
  const lane = (id: string, roadId: string, y: number) => ({
    id,
    type: 'driving' as const,
    centerline: [
      { x: 0, y },
      { x: 200, y },
    ],
    widthM: 3.5,
    speedLimitMps: roadId === 'B' ? 30 / 3.6 : 50 / 3.6,
    successors: [],
    predecessors: [],
    leftBoundary: 'solid' as const,
    rightBoundary: 'solid' as const,
    roadId,
  });
  const data = {
    id: 'three_roads',
    lanes: [lane('A_1', 'A', 0), lane('A_2', 'A', 3.5), lane('B_1', 'B', 10), lane('C_1', 'C', 20)],
    crosswalks: [],
    stopLines: [],
    junctions: [],
    drivableAreas: [],
  };
  const unposted = new Set(['A_1', 'A_2', 'C_1']);
  const along = (y: number, v: number) => [0, 50, 100].map((x) => ({ x, y, speedMps: v }));
  const limit = (m: RoadMapData, id: string) => m.lanes.find((l) => l.id === id)!.speedLimitMps;

  it("set an unposted road the ego drives to its fastest scripted speed there, on all the road's lanes", () => {
    // 11 m/s (below the 50 km/h default, too) in lane A_2 sets A_1 as well; C is not driven.
    const r = egoSpeedLimits(data, unposted, [...along(3.5, 11), ...along(0, 9)]);
    expect(limit(r.map, 'A_1')).toBeCloseTo(11, 9);
    expect(limit(r.map, 'A_2')).toBeCloseTo(11, 9);
    expect(limit(r.map, 'C_1')).toBeCloseTo(50 / 3.6, 9);
    expect(r.set).toEqual([['A', 11]]);
    // The input map is not changed (the OpenDRIVE import is cached).
    expect(limit(data, 'A_1')).toBeCloseTo(50 / 3.6, 9);
  });

  it('a road the scenario drives faster than 100 km/h is a motorway without a general limit: its speed is advice', () => {
    const r = egoSpeedLimits(data, unposted, [...along(3.5, 30), ...along(20, 20)]);
    const lane = (id: string) => r.map.lanes.find((l) => l.id === id)!;
    expect(lane('A_1').speedLimitAdvisory).toBe(true);
    // 72 km/h: within what binds without a sign
    expect(lane('C_1').speedLimitAdvisory).toBeUndefined();
  });

  it("keeps the map's word where it gives one: a rural road (statutory limit) driven at 108 km/h is no motorway", () => {
    // the OpenDRIVE importer marks the lanes of a road whose type says so (OpenDriveMap.ts)
    const typed = {
      ...data,
      lanes: data.lanes.map((l) =>
        l.roadId === 'A'
          ? { ...l, speedLimitAdvisory: false }
          : l.roadId === 'C'
            ? { ...l, speedLimitAdvisory: true }
            : l,
      ),
    };
    const r = egoSpeedLimits(typed, unposted, [...along(3.5, 30), ...along(20, 20)]);
    const lane = (id: string) => r.map.lanes.find((l) => l.id === id)!;
    expect(lane('A_1').speedLimitAdvisory).toBe(false);
    expect(lane('A_1').speedLimitMps).toBeCloseTo(30, 9);
    // a motorway the map marks advisory stays so at 72 km/h
    expect(lane('C_1').speedLimitAdvisory).toBe(true);
  });

  it('keep a posted road, and the default on a road the ego only stands on', () => {
    const r = egoSpeedLimits(data, unposted, [...along(10, 25), ...along(0, 0)]);
    expect(limit(r.map, 'B_1')).toBeCloseTo(30 / 3.6, 9);
    expect(limit(r.map, 'A_1')).toBeCloseTo(50 / 3.6, 9);
    expect(r.set).toEqual([]);
    expect(r.map).toBe(data);
  });
});

describe('the ego', () => {
  function twoCars(firstT: number, speedMps = 5, performance = ''): string {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-ego-'));
    writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 300 }));
    const car = (n: string) =>
      `<ScenarioObject name="${n}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox>${performance}</Vehicle></ScenarioObject>`;
    const at = (n: string, pos: string) =>
      `<Private entityRef="${n}"><PrivateAction><TeleportAction><Position>${pos}</Position></TeleportAction></PrivateAction>
       <PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="${speedMps}"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction></Private>`;
    writeFileSync(
      join(dir, 's.xosc'),
      `<?xml version="1.0"?><OpenSCENARIO><FileHeader revMajor="1" revMinor="1" description="t"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('A')}${car('B')}</Entities>
 <Storyboard><Init><Actions>${at('A', `<RoadPosition roadId="7" s="10" t="${firstT}"/>`)}${at('B', '<LanePosition roadId="7" laneId="-1" s="50" offset="0"/>')}</Actions></Init>
  <StopTrigger/></Storyboard></OpenSCENARIO>`,
    );
    return join(dir, 's.xosc');
  }

  it('is the first vehicle that starts on a lane: one parked off the road gives way (full_e6mini.xosc)', () => {
    const r = importOpenScenario(twoCars(-40));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.scenarios[0]!.egoStart.x).toBeCloseTo(50, 6);
    const kept = importOpenScenario(twoCars(-1.75));
    if (!kept.ok) throw new Error(kept.error.message);
    expect(kept.value.scenarios[0]!.egoStart.x).toBeCloseTo(10, 6);
  });

  it("drives as the file's vehicle (its box ahead of the rear axle), not nuPlan's Pacifica", () => {
    const r = importOpenScenario(twoCars(-1.75));
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value.scenarios[0]!.vehicle;
    expect([v.lengthM, v.widthM, v.rearAxleToCenterM]).toEqual([5, 2, 1.5]);
    // no Axles, no Performance: the defaults
    expect(v.wheelBaseM).toBe(VehicleParamsSchema.parse({}).wheelBaseM);
    expect(v.maxDecelMps2).toBe(VehicleParamsSchema.parse({}).maxDecelMps2);
  });

  it('gets a top speed over its start speed when the file gives no Performance (our default is 30 m/s)', () => {
    const r = importOpenScenario(twoCars(-1.75, 40));
    if (!r.ok) throw new Error(r.error.message);
    const s = r.value.scenarios[0]!;
    expect(s.egoStart.speedMps).toBeCloseTo(40, 9);
    // 40 × 1.05 = 42 m/s
    expect(s.vehicle.maxSpeedMps).toBe(42);
    expect(r.value.warnings.some((w) => w.includes('start speed 40.00 m/s') && w.includes('42 m/s'))).toBe(
      true,
    );
  });

  it("keeps the Performance maxSpeed when it covers the ego's speeds", () => {
    const perf = '<Performance maxSpeed="50" maxAcceleration="5" maxDeceleration="10"/>';
    const r = importOpenScenario(twoCars(-1.75, 40, perf));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.scenarios[0]!.vehicle.maxSpeedMps).toBe(50);
    expect(r.value.warnings.some((w) => w.includes('top speed'))).toBe(false);
  });

  it('is missing from a road-only file without entities (esmini sign_test.xosc): a skip, not a failure', () => {
    const file = twoCars(0);
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(/<Entities>.*<\/Entities>/s, '<Entities/>')
        .replace(/<Init>.*<\/Init>/s, '<Init><Actions/></Init>'),
    );
    const r = importOpenScenario(file);
    expect(r.ok ? '' : `${r.error.code} ${r.error.message}`).toBe(
      'UNSUPPORTED no ScenarioObject: nothing to drive',
    );
  });
});

describe("catalogs in esmini's own resources", () => {
  // esmini's code examples name `../xosc/Catalogs/Vehicles` from their own folder, which does not
  // exist; esmini then finds the catalog in its resources/xosc/Catalogs/Vehicles
  // (ScenarioReader::LoadCatalog). A tree laid out like an esmini checkout does the same here.
  it('finds a catalog whose relative path leads nowhere in the nearest resources/xosc/Catalogs/<folder>', () => {
    const root = mkdtempSync(join(tmpdir(), 'edgeplan-esmini-tree-'));
    const cat = join(root, 'resources/xosc/Catalogs/Vehicles');
    const ex = join(root, 'code-examples/trig');
    mkdirSync(cat, { recursive: true });
    mkdirSync(ex, { recursive: true });
    writeFileSync(
      join(cat, 'VehicleCatalog.xosc'),
      readFileSync(
        join(
          import.meta.dirname,
          '../../../data/esmini/resources/xosc/Catalogs/Vehicles/VehicleCatalog.xosc',
        ),
      ),
    );
    writeFileSync(join(ex, 'road.xodr'), straightRoadXodr({ lengthM: 300 }));
    writeFileSync(
      join(ex, 's.xosc'),
      `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="1" description="catalog fallback"/>
 <CatalogLocations><VehicleCatalog><Directory path="../xosc/Catalogs/Vehicles"/></VehicleCatalog></CatalogLocations>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities><ScenarioObject name="Ego"><CatalogReference catalogName="VehicleCatalog" entryName="car_white"/></ScenarioObject><ScenarioObject name="Target"><CatalogReference catalogName="VehicleCatalog" entryName="car_white"/></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="20" offset="0"/></Position></TeleportAction></PrivateAction><PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="10"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction></Private><Private entityRef="Target"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="60" offset="0"/></Position></TeleportAction></PrivateAction></Private></Actions></Init>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="2" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
    );
    const r = importOpenScenario(join(ex, 's.xosc'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.unsupported.filter((u) => /CatalogReference/.test(u))).toEqual([]);
    expect(r.value.warnings.filter((w) => /catalog/i.test(w))).toEqual([]);
    // car_white's 5.04 × 2.0 m from the catalog, not the default car size
    const target = r.value.scenarios[0]!.agents.find((a) => a.id === 'Target')!;
    expect(target.lengthM).toBeCloseTo(5.04, 6);
    expect(target.widthM).toBeCloseTo(2.0, 6);
  });
});
