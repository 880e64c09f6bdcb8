import { describe, expect, it } from 'vitest';
import type { Control } from '../core/index.ts';
import { egoOn } from '../scenarios/builtin/build.ts';
import { command, driveController, testScenario } from '../stack/testing/simScene.ts';
import { createExpertController, expertFlops } from './ExpertController.ts';
import { frontOnR0M, map, straight, straightScene, windingScene, worstOffsetM } from './testFixtures.ts';

describe('expert (iLQR) command tracker', () => {
  it('holds the lane centre on a winding road at the commanded speed', () => {
    const scene = windingScene(20);
    const egos = driveController(scene, createExpertController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 10 }),
    );
    expect(worstOffsetM(scene.map, 'R0', egos.slice(40))).toBeLessThan(0.3);
    expect(egos[egos.length - 1]!.speedMps).toBeCloseTo(10, 0);
  });

  it('stops at a commanded stop point without passing it', () => {
    const scene = straightScene(10, 12, 15);
    const stopAt = map.mustLane('R0').line.poseAt(80);
    const egos = driveController(scene, createExpertController(), () =>
      command({ speed: 'STOP', stopAt: { x: stopAt.x, y: stopAt.y }, targetSpeedMps: 0 }),
    );
    const last = egos[egos.length - 1]!;
    expect(last.speedMps).toBeLessThan(0.05);
    const front = frontOnR0M(last);
    expect(front).toBeLessThan(80);
    expect(front).toBeGreaterThan(78.5);
  });

  it('with decelComfortFromCommand, a hard stop command (6 m/s²) stops short of its point without saturating', () => {
    const stopAt = map.mustLane('R0').line.poseAt(60);
    const run = (decelComfortFromCommand: boolean) => {
      const scene = straightScene(10, 20, 6);
      let minAccel = 0;
      const egos = driveController(
        scene,
        createExpertController({ decelComfortFromCommand }),
        () =>
          command({ speed: 'STOP', stopAt: { x: stopAt.x, y: stopAt.y }, targetSpeedMps: 0, decelMps2: 6 }),
        { onControl: (c) => c.kind === 'ackermann' && (minAccel = Math.min(minAccel, c.accelMps2)) },
      );
      const last = egos[egos.length - 1]!;
      return { minAccel, front: frontOnR0M(last) };
    };
    const soft = run(false);
    const hard = run(true);
    // without it the comfort penalty delays the braking: saturated at the car's 8 m/s² and past the point
    expect(soft.front).toBeGreaterThan(62);
    expect(hard.front).toBeLessThan(60.5);
    expect(hard.minAccel).toBeGreaterThan(-6.5);
  });

  it('changes into the left lane on LEFT_CHANGE and settles on its centre', () => {
    const scene = straightScene(10, 10, 10);
    const egos = driveController(scene, createExpertController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 10, path: 'LEFT_CHANGE', targetLaneId: 'R1' }),
    );
    const last = egos[egos.length - 1]!;
    expect(Math.abs(map.mustLane('R1').line.project(last.x, last.y).dM)).toBeLessThan(0.2);
  });

  it('never commands beyond the actuator limits, even off the lane at speed', () => {
    const ego = { ...egoOn(map, 'R0', 10, 25), headingRad: 0.3 };
    const scene = testScenario({ map: straight, ego, routeLaneIds: ['R0'], durationS: 4 });
    const controls: Control[] = [];
    driveController(scene, createExpertController(), () => command({ speed: 'STOP', decelMps2: 12 }), {
      onControl: (c) => controls.push(c),
    });
    expect(controls.length).toBeGreaterThan(10);
    for (const c of controls) {
      if (c.kind !== 'ackermann') throw new Error('expected ackermann');
      expect(c.accelMps2).toBeGreaterThanOrEqual(-8);
      expect(c.accelMps2).toBeLessThanOrEqual(3);
      expect(Math.abs(c.steerRad)).toBeLessThanOrEqual(Math.PI / 3 + 1e-9);
    }
  });

  it('reports the FLOPs it spent, growing with the iterations', () => {
    expect(expertFlops(25, 6, 6)).toBeGreaterThan(expertFlops(25, 2, 2));
    const ex = createExpertController();
    const scene = straightScene(10, 10, 1);
    driveController(scene, ex, () => command({ speed: 'KEEP', targetSpeedMps: 12 }));
    expect(ex.lastFlops()).toBeGreaterThan(25 * 2300);
  });
});
