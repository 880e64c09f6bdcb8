import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importScenarioRunnerXml } from './index.ts';

const TOWN02 = new URL('../../../data/carla/Town02.xodr', import.meta.url).pathname;

/** A legacy ScenarioRunner file: one scenario on Town02 (a waypoint of leaderboard route 2), one on Town01. */
function legacyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-srunner-'));
  const p = join(dir, 'Legacy.xml');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<scenarios>
 <scenario name="Follow_1" type="FollowLeadingVehicle" town="Town02">
  <ego_vehicle x="193.54" y="177.56" z="0.5" yaw="-90" model="vehicle.lincoln.mkz_2017"/>
  <other_actor x="193.54" y="150" z="0.5" yaw="-90" model="vehicle.tesla.model3"/>
  <other_actor x="193.54" y="140" z="-100" yaw="-90" model="vehicle.tesla.model3"/>
 </scenario>
 <scenario name="Follow_2" type="FollowLeadingVehicle" town="Town01">
  <ego_vehicle x="107" y="133" z="0.5" yaw="0" model="vehicle.lincoln.mkz_2017"/>
 </scenario>
</scenarios>`,
  );
  return p;
}

describe("ScenarioRunner's legacy <scenarios> XML", () => {
  it('places the ego in the map frame (CARLA y flipped, yaw −90° → heading +90°) with a route ahead', () => {
    const r = importScenarioRunnerXml(legacyFile(), { mapPath: TOWN02 });
    if (!r.ok) throw new Error(r.error.message);
    // With --map every scenario uses the given town; Follow_2's Town01 pose is not on Town02's lanes.
    const s = r.value.scenarios.find((x) => x.id === 'srunner_Follow_1')!;
    expect(s.egoStart.x).toBeCloseTo(193.54, 0);
    expect(s.egoStart.y).toBeCloseTo(-177.56, 0);
    expect(s.egoStart.headingRad).toBeCloseTo(Math.PI / 2, 1);
    expect(s.route.laneIds.length).toBeGreaterThan(0);
    expect(s.tags).toContain('srunner:FollowLeadingVehicle');
  });

  it('keeps actors placed on the surface and leaves out those parked underground, saying so', () => {
    const r = importScenarioRunnerXml(legacyFile(), { mapPath: TOWN02 });
    if (!r.ok) throw new Error(r.error.message);
    const s = r.value.scenarios.find((x) => x.id === 'srunner_Follow_1')!;
    expect(s.agents.map((a) => [a.id, a.kind, Math.round(a.start.y)])).toEqual([['actor0', 'static', -150]]);
    expect(r.value.warnings.some((w) => w.includes('other_actor[1]') && w.includes('parked at z -100'))).toBe(
      true,
    );
  });

  it('says which town a scenario needs when its map is not at hand', () => {
    const r = importScenarioRunnerXml(legacyFile());
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.scenarios.map((s) => s.id)).toEqual(['srunner_Follow_1']);
    expect(r.value.warnings).toContain(
      'Legacy.xml:/scenarios/scenario[name=Follow_2]: needs Town01.xodr; pass --map',
    );
  });
});
