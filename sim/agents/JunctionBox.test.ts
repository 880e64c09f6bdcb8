import { describe, expect, it } from 'vitest';
import type { ScenarioAgent } from '../../core/index.ts';
import { RoutePath } from '../../core/map/index.ts';
import { idmAgent, intersection, poseOn } from '../../scenarios/builtin/index.ts';
import { DEFAULT_INTERACTIVE_PARAMS } from './InteractiveParams.ts';
import { junctionBoxStopS } from './JunctionBox.ts';
import { agentAt, drive, world } from './testWorld.ts';

const data = intersection();
const egoFar = {
  tS: 0,
  x: 300,
  y: 300,
  headingRad: 0,
  speedMps: 0,
  accelMps2: 0,
  steerRad: 0,
  yawRateRadps: 0,
};
const JUNCTION_HALF_M = 14; // intersection() default half size

function queuedExit(): ReturnType<typeof world> {
  const w0 = world(data, [], egoFar, ['IN0']);
  // A car stopped 2 m into the exit lane: the queue leaves no room beyond the junction.
  const stopped: ScenarioAgent = {
    id: 'queue',
    kind: 'vehicle',
    lengthM: 4.8,
    widthM: 1.9,
    start: { ...poseOn(w0.map, 'OUT1', 4.4), speedMps: 0 },
    behavior: { type: 'static' },
    reactive: 'replay',
  };
  return world(data, [stopped, idmAgent(w0.map, 'car', ['IN3', 'C31', 'OUT1'], 80, 10, 10)], egoFar, ['IN0']);
}

describe('junction box', () => {
  it('a vehicle waits at the junction entry while the exit is queued', () => {
    const w = queuedExit();
    const run = drive(w, 'interactive', undefined, 12);
    const car = agentAt(run, run.agents.length - 1, 'car');
    expect(car.speedMps).toBeLessThan(0.1);
    // Northbound: its front bumper is short of the junction's southern edge.
    expect(car.y + car.lengthM / 2).toBeLessThan(-JUNCTION_HALF_M + 0.5);
    expect(car.y + car.lengthM / 2).toBeGreaterThan(-JUNCTION_HALF_M - 6);
  });

  it("nuPlan's IDM agents drive into the junction and block it", () => {
    const w = queuedExit();
    const run = drive(w, 'idm', undefined, 12);
    const car = agentAt(run, run.agents.length - 1, 'car');
    expect(car.y - car.lengthM / 2).toBeGreaterThan(-JUNCTION_HALF_M);
  });

  it('the exit counts as free once the lead is a car length and the room beyond it', () => {
    const w = queuedExit();
    const route = RoutePath.build(w.map, ['IN3', 'C31', 'OUT1'], 0);
    const entry = route.pieces.find((p) => p.laneId === 'C31')!;
    const exitS = entry.toS;
    const p = DEFAULT_INTERACTIVE_PARAMS;
    const args = [w.map, route, entry.fromS - 30, 8, 4.8, 80] as const;
    expect(junctionBoxStopS(...args, exitS + 2, 0, p)).toBe(entry.fromS);
    expect(junctionBoxStopS(...args, exitS + 4.8 + p.junctionExitRoomM + 0.1, 0, p)).toBe(Infinity);
    // A moving queue is not a blocked exit; a car too close to stop goes on.
    expect(junctionBoxStopS(...args, exitS + 2, 5, p)).toBe(Infinity);
    expect(junctionBoxStopS(w.map, route, entry.fromS - 3, 10, 4.8, 80, exitS + 2, 0, p)).toBe(Infinity);
  });
});
