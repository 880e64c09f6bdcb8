import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { parseXml } from '../opendrive/XmlTree.ts';
import { importOpenScenario } from './index.ts';
import { expandDistribution } from './ParameterDistribution.ts';

/** A scenario with global parameters V0 (ego speed) and S0 (ego start s) on the straight test road. */
function scenarioDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-dist-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 1000 }));
  writeFileSync(
    join(dir, 'base.xosc'),
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="2" description="base"/>
 <ParameterDeclarations>
  <ParameterDeclaration name="V0" parameterType="double" value="10"/>
  <ParameterDeclaration name="S0" parameterType="double" value="20"/>
 </ParameterDeclarations>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities><ScenarioObject name="Ego"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego">
   <PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="$S0" offset="0"/></Position></TeleportAction></PrivateAction>
   <PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="$V0"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>
  </Private></Actions></Init>
  <StopTrigger/>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return dir;
}

const distXosc = (body: string) => `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="2" description="dist"/>
 <ParameterValueDistribution><ScenarioFile filepath="base.xosc"/>${body}</ParameterValueDistribution>
</OpenSCENARIO>`;

const deterministic = `<Deterministic>
  <DeterministicSingleParameterDistribution parameterName="V0"><DistributionRange stepWidth="5"><Range lowerLimit="5" upperLimit="15"/></DistributionRange></DeterministicSingleParameterDistribution>
  <DeterministicSingleParameterDistribution parameterName="S0"><DistributionSet><Element value="20"/><Element value="100"/></DistributionSet></DeterministicSingleParameterDistribution>
 </Deterministic>`;

describe('ParameterValueDistribution', () => {
  it('expands deterministic distributions into the cartesian product of their values', () => {
    const root = parseXml(distXosc(deterministic), 'd.xosc', 'OpenSCENARIO');
    if (!root.ok) throw new Error(root.error.message);
    const d = expandDistribution(root.value);
    expect(d.scenarioFile).toBe('base.xosc');
    expect(d.variants.map((v) => `${v.get('V0')}/${v.get('S0')}`)).toEqual([
      '5/20',
      '5/100',
      '10/20',
      '10/100',
      '15/20',
      '15/100',
    ]);
  });

  it('imports one scenario per variant with its parameter values applied', () => {
    const dir = scenarioDir();
    writeFileSync(join(dir, 'dist.xosc'), distXosc(deterministic));
    const r = importOpenScenario(join(dir, 'dist.xosc'));
    if (!r.ok) throw new Error(r.error.message);
    const s = r.value.scenarios;
    expect(s.map((x) => x.id)).toEqual([
      'xosc_base_v0',
      'xosc_base_v1',
      'xosc_base_v2',
      'xosc_base_v3',
      'xosc_base_v4',
      'xosc_base_v5',
    ]);
    expect(s.map((x) => x.egoStart.speedMps)).toEqual([5, 5, 10, 10, 15, 15]);
    expect(s.map((x) => Math.round(x.egoStart.x))).toEqual([20, 100, 20, 100, 20, 100]);
  });

  it('imports only the variant a #id names, with its parameter values', () => {
    const dir = scenarioDir();
    writeFileSync(join(dir, 'dist.xosc'), distXosc(deterministic));
    const r = importOpenScenario(join(dir, 'dist.xosc'), { id: 'xosc_base_v3' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.scenarios.map((x) => x.id)).toEqual(['xosc_base_v3']);
    // variant 3 of the product: V0 = 10, S0 = 100
    expect(r.value.scenarios[0]!.egoStart.speedMps).toBe(10);
    expect(Math.round(r.value.scenarios[0]!.egoStart.x)).toBe(100);
  });

  it('fails NOT_FOUND for a #id that names no variant', () => {
    const dir = scenarioDir();
    writeFileSync(join(dir, 'dist.xosc'), distXosc(deterministic));
    for (const id of ['xosc_base_v6', 'xosc_other_v1', 'xosc_base'])
      expect(importOpenScenario(join(dir, 'dist.xosc'), { id })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
  });

  it('draws stochastic variants reproducibly from the seed, within the uniform range', () => {
    const body = (seed: number) => `<Stochastic numberOfTestRuns="5" randomSeed="${seed}">
      <StochasticDistribution parameterName="V0"><UniformDistribution><Range lowerLimit="8" upperLimit="12"/></UniformDistribution></StochasticDistribution>
     </Stochastic>`;
    const draw = (seed: number) => {
      const root = parseXml(distXosc(body(seed)), 'd.xosc', 'OpenSCENARIO');
      if (!root.ok) throw new Error(root.error.message);
      return expandDistribution(root.value).variants.map((v) => Number(v.get('V0')));
    };
    const a = draw(42);
    expect(a).toHaveLength(5);
    expect(a.every((v) => v >= 8 && v <= 12)).toBe(true);
    expect(draw(42)).toEqual(a);
    expect(draw(43)).not.toEqual(a);
  });
});
