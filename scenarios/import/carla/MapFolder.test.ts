import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapOption } from '../../../cli/mapOption.ts';
import { prepareOpenScenario } from '../openscenario/index.ts';
import { importCarlaRoutes, townFromMapOption } from './index.ts';

const data = (f: string) => new URL(`../../../data/${f}`, import.meta.url).pathname;

// a folder of towns away from the routes (so the importer's own search beside them cannot find it)
const towns = mkdtempSync(join(tmpdir(), 'towns-'));
copyFileSync(data('carla/Town02.xodr'), join(towns, 'Town02.xodr'));
const elsewhere = mkdtempSync(join(tmpdir(), 'routes-'));
const routes = join(elsewhere, 'routes.xml');
copyFileSync(data('carla/routes_town02.xml'), routes);

describe('--map as a folder of CARLA towns (review ux21 #10)', () => {
  it('picks <town>.xodr from a folder, a file stays itself, a folder without the town gives undefined', () => {
    expect(townFromMapOption(towns, 'Town02')).toBe(join(towns, 'Town02.xodr'));
    expect(townFromMapOption(towns, 'town02')).toBe(join(towns, 'Town02.xodr'));
    expect(townFromMapOption(join(towns, 'Town02.xodr'), 'Town05')).toBe(join(towns, 'Town02.xodr'));
    expect(townFromMapOption(towns, 'Town05')).toBeUndefined();
  });

  it('imports a route with the folder (was: "is a folder, not a file") and names the folder when the town is missing', () => {
    const r = importCarlaRoutes(routes, { id: '2', mapPath: towns });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.scenarios[0]!.map).toMatchObject({ kind: 'file', path: resolve(towns, 'Town02.xodr') });
    const empty = mkdtempSync(join(tmpdir(), 'notowns-'));
    const miss = importCarlaRoutes(routes, { id: '2', mapPath: empty });
    expect(miss.ok).toBe(false);
    if (!miss.ok) expect(miss.error.message).toContain(`needs Town02.xodr; the map folder ${empty} has none`);
  });

  it('resolves a scenario_runner .xosc LogicFile "Town02" in the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xosc-'));
    mkdirSync(dir, { recursive: true });
    const xosc = join(dir, 's.xosc');
    writeFileSync(
      xosc,
      `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="0" date="2020-01-01T00:00:00" description="t" author=""/>
<RoadNetwork><LogicFile filepath="Town02"/></RoadNetwork>
<Entities><ScenarioObject name="hero"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.4" y="0" z="0.75"/><Dimensions width="2" length="4.5" height="1.5"/></BoundingBox>
<Performance maxSpeed="50" maxAcceleration="5" maxDeceleration="10"/><Axles><FrontAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.7" positionX="2.8" positionZ="0.3"/><RearAxle maxSteering="0" wheelDiameter="0.6" trackWidth="1.7" positionX="0" positionZ="0.3"/></Axles><Properties/></Vehicle></ScenarioObject></Entities>
<Storyboard><Init><Actions><Private entityRef="hero"><PrivateAction><TeleportAction><Position><WorldPosition x="193.5" y="-150" z="0" h="1.57"/></Position></TeleportAction></PrivateAction></Private></Actions></Init><StopTrigger/></Storyboard></OpenSCENARIO>
`,
    );
    // without the option the town is found in data/carla; with it, in the folder given
    const without = prepareOpenScenario(xosc);
    if (!without.ok) throw new Error(JSON.stringify(without.error));
    expect(without.value.mapPath).toBe(data('carla/Town02.xodr'));
    const r = prepareOpenScenario(xosc, { mapPath: towns });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.mapPath).toBe(join(towns, 'Town02.xodr'));
    const miss = prepareOpenScenario(xosc, { mapPath: elsewhere });
    expect(miss.ok).toBe(false);
    if (!miss.ok) expect(miss.error.message).toContain(`the map folder ${elsewhere} has none`);
  });

  it('--map-root is an alias of --map; two different values are refused', () => {
    expect(mapOption({ mapRoot: 'a' })).toBe('a');
    expect(mapOption({ map: 'a', mapRoot: 'a' })).toBe('a');
    expect(() => mapOption({ map: 'a', mapRoot: 'b' })).toThrow(/alias of --map/);
  });
});
