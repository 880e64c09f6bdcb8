import { describe, expect, it } from 'vitest';
import type { Control } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { egoOn } from '../scenarios/builtin/build.ts';
import { curvyReference, road } from '../scenarios/builtin/maps.ts';
import { command, driveController, testScenario } from '../stack/testing/simScene.ts';
import { createExpertController, expertFlops } from './ExpertController.ts';

const straight = road({ lanes: 2, lengthM: 600 });
const map = new RoadMap(straight);

describe('expert (iLQR) command tracker', () => {
  it('holds the lane centre on a winding road at the commanded speed', () => {
    const data = road({ lanes: 2, reference: curvyReference(700) });
    const m = new RoadMap(data);
    const scene = testScenario({
      map: data,
      ego: egoOn(m, 'R0', 20, 10),
      routeLaneIds: ['R0'],
      durationS: 20,
    });
    const egos = driveController(scene, createExpertController(), () =>
      command({ speed: 'KEEP', targetSpeedMps: 10 }),
    );
    const lane = m.mustLane('R0');
    let worst = 0;
    for (const e of egos.slice(40)) worst = Math.max(worst, Math.abs(lane.line.project(e.x, e.y).dM));
    expect(worst).toBeLessThan(0.3);
    expect(egos[egos.length - 1]!.speedMps).toBeCloseTo(10, 0);
  });

  it('stops at a commanded stop point without passing it', () => {
    const scene = testScenario({
      map: straight,
      ego: egoOn(map, 'R0', 10, 12),
      routeLaneIds: ['R0'],
      durationS: 15,
    });
    const stopAt = map.mustLane('R0').line.poseAt(80);
    const egos = driveController(scene, createExpertController(), () =>
      command({ speed: 'STOP', stopAt: { x: stopAt.x, y: stopAt.y }, targetSpeedMps: 0 }),
    );
    const last = egos[egos.length - 1]!;
    expect(last.speedMps).toBeLessThan(0.05);
    const front = map.mustLane('R0').line.project(last.x, last.y).sM + 1.461 + 5.176 / 2;
    expect(front).toBeLessThan(80);
    expect(front).toBeGreaterThan(78.5);
  });

  it('with decelComfortFromCommand, a hard stop command (6 m/s²) stops short of its point without saturating', () => {
    const stopAt = map.mustLane('R0').line.poseAt(60);
    const run = (decelComfortFromCommand: boolean) => {
      const scene = testScenario({
        map: straight,
        ego: egoOn(map, 'R0', 10, 20),
        routeLaneIds: ['R0'],
        durationS: 6,
      });
      let minAccel = 0;
      const egos = driveController(
        scene,
        createExpertController({ decelComfortFromCommand }),
        () =>
          command({ speed: 'STOP', stopAt: { x: stopAt.x, y: stopAt.y }, targetSpeedMps: 0, decelMps2: 6 }),
        { onControl: (c) => c.kind === 'ackermann' && (minAccel = Math.min(minAccel, c.accelMps2)) },
      );
      const last = egos[egos.length - 1]!;
      return { minAccel, front: map.mustLane('R0').line.project(last.x, last.y).sM + 1.461 + 5.176 / 2 };
    };
    const soft = run(false);
    const hard = run(true);
    // without it the comfort penalty delays the braking: saturated at the car's 8 m/s² and past the point
    expect(soft.front).toBeGreaterThan(62);
    expect(hard.front).toBeLessThan(60.5);
    expect(hard.minAccel).toBeGreaterThan(-6.5);
  });

  it('changes into the left lane on LEFT_CHANGE and settles on its centre', () => {
    const scene = testScenario({
      map: straight,
      ego: egoOn(map, 'R0', 10, 10),
      routeLaneIds: ['R0'],
      durationS: 10,
    });
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
    const scene = testScenario({
      map: straight,
      ego: egoOn(map, 'R0', 10, 10),
      routeLaneIds: ['R0'],
      durationS: 1,
    });
    driveController(scene, ex, () => command({ speed: 'KEEP', targetSpeedMps: 12 }));
    expect(ex.lastFlops()).toBeGreaterThan(25 * 2300);
  });
});
