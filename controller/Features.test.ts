import { describe, expect, it } from 'vitest';
import { type Pose, VehicleParamsSchema, type WorldSnapshot } from '../core/index.ts';
import { egoOn } from '../scenarios/builtin/build.ts';
import { command } from '../stack/testing/simScene.ts';
import { ClassicalParamsSchema } from './ClassicalController.ts';
import { ACCEL_SCALE_MPS2, FEATURE_DIM, writeFeatures } from './Features.ts';
import { map } from './testFixtures.ts';

const vehicle = VehicleParamsSchema.parse({});
const cp = ClassicalParamsSchema.parse({});
/** Feature index of the speed law's acceleration now (Features.ts). */
const LAW_ACCEL = 19;

/** The features of the ego (centre `sM` along R0 of the straight road, at `speedMps`) under `cmd`. */
function featuresOnR0(sM: number, speedMps: number, cmd: ReturnType<typeof command>): Float32Array {
  const ego = egoOn(map, 'R0', sM, speedMps);
  const line = map.mustLane('R0').line;
  const snapshot: WorldSnapshot = { tS: 0, ego, agents: [], lights: [], route: { laneIds: ['R0'] } };
  const out = new Float32Array(FEATURE_DIM);
  const scratch: Pose = { x: 0, y: 0, headingRad: 0 };
  writeFeatures(
    {
      ego,
      command: cmd,
      snapshot,
      vehicle,
      ref: { key: 'R0', path: line, sM: line.project(ego.x, ego.y).sM, holdMps: 0, holdFor: Number.NaN },
      sM: line.project(ego.x, ego.y).sM,
      laneWidthM: 3.5,
      accelPrevMps2: -2.5,
      dtS: 0.05,
    },
    cp,
    out,
    scratch,
  );
  return out;
}

describe('early-exit policy features', () => {
  it("keeps the speed law's acceleration within the platform's limits when the stop point is closer than the ego can brake for", () => {
    // hard_braking_lead's end (8.55 s): 4.45 m/s, the gate's stop point 0.4 m ahead of the front
    // bumper; the law alone asks −v²/0.1 = −198 m/s² there (a feature value of −66)
    const centreSM = 100;
    const frontSM = centreSM + vehicle.lengthM / 2;
    const stopAt = map.mustLane('R0').line.poseAt(frontSM + 0.4);
    const f = featuresOnR0(centreSM, 4.45, command({ speed: 'STOP', stopAt: { x: stopAt.x, y: stopAt.y } }));
    expect(f[LAW_ACCEL]! * ACCEL_SCALE_MPS2).toBeCloseTo(-vehicle.maxDecelMps2, 5);
  });
});
