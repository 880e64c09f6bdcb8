import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOpenScenario } from './OpenScenario.ts';
import { runStoryboard } from './StoryboardRun.ts';

// esmini's add_delete_entity.xosc, vendored unmodified under data/esmini (data/README.md): Car1
// placed in Init; Car2 added at lane −1, s = 90 when t > 3 and deleted when t > 7; Box1 added
// 1 s after Car2's speed action ends.
const FILE = join(
  import.meta.dirname,
  '../../../data/esmini/EnvironmentSimulator/Unittest/xosc/add_delete_entity.xosc',
);

describe('EntityAction (esmini AddEntityAction / DeleteEntityAction)', () => {
  const run = runStoryboard(FILE, { stepS: 0.1 });
  if (!run.ok) throw new Error(run.error.message);
  const inScene = (tS: number) =>
    run.value.states.filter((s) => Math.abs(s.tS - tS) < 1e-6).map((s) => s.name);

  // esmini's IdTest.TestIdOutOfSync (ScenarioEngineDll_test.cpp): 1 object at the start, 2 at 4 s,
  // 3 at 5 s, and at 8 s the initial Car1 and the box (ids 0 and 2): Car2 is deleted.
  it("has esmini's objects in the scene at 0, 4, 5 and 8 s", () => {
    expect(inScene(0)).toEqual(['Car1']);
    expect(inScene(4)).toEqual(['Car1', 'Car2']);
    expect(inScene(5)).toEqual(['Car1', 'Car2', 'Box1']);
    expect(inScene(8)).toEqual(['Car1', 'Box1']);
    expect(run.value.states.find((s) => s.name === 'Box1' && Math.abs(s.tS - 8) < 1e-6)?.id).toBe(2);
  });

  it('puts an added entity at its position: Car2 at s = 90 of lane −1 when it appears', () => {
    const first = run.value.states.find((s) => s.name === 'Car2')!;
    // Added in the storyboard step of 3.1 s (t > 3), shown from the next record; placed as by a
    // teleport, it holds that step.
    expect(first.tS).toBeCloseTo(3.2, 6);
    expect(first.x).toBeCloseTo(90, 6);
    expect(first.y).toBeCloseTo(-1.535, 3);
  });

  it('replays an added-then-deleted entity in closed loop only while it is in the scene', () => {
    const r = importOpenScenario(FILE);
    if (!r.ok) throw new Error(r.error.message);
    const car2 = r.value.scenarios[0]!.agents.find((a) => a.id === 'Car2')!;
    expect(car2.behavior.type).toBe('replay');
    const track = car2.behavior.type === 'replay' ? car2.behavior.track : [];
    // the import runs the storyboard at 0.05 s: added in the step of 3.05 s, shown from 3.1 s
    expect(track[0]!.tS).toBeCloseTo(3.1, 6);
    // deleted in the step of 7.05 s: last in the scene at 7.0 s
    expect(track.at(-1)!.tS).toBeCloseTo(7.0, 6);
    expect(r.value.unsupported.filter((u) => u.includes('EntityAction'))).toEqual([]);
  });
});
