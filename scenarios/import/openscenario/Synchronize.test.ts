import { describe, expect, it } from 'vitest';
import { initialSyncState, type SyncParams, synchronizeStep } from './Synchronize.ts';

/**
 * Runs the action on a straight road: the master drives at a constant speed towards its target,
 * the entity's speed comes from the step function; returns where both are when it ends.
 */
function simulate(o: {
  masterDistM: number;
  masterSpeedMps: number;
  distM: number;
  speedMps: number;
  finalSpeedMps?: number;
  params?: Partial<SyncParams>;
  dtS?: number;
}) {
  const dt = o.dtS ?? 0.01;
  const params: SyncParams = { toleranceM: 0, toleranceMasterM: 0, ...o.params };
  let state = initialSyncState();
  let dist = o.distM;
  let masterDist = o.masterDistM;
  let speed = o.speedMps;
  for (let i = 0; i < 100_000; i++) {
    const r = synchronizeStep(
      state,
      {
        distM: dist,
        masterDistM: masterDist,
        masterSpeedMps: o.masterSpeedMps,
        speedMps: speed,
        speedAlongRoadMps: speed,
        ...(o.finalSpeedMps !== undefined ? { finalSpeedMps: o.finalSpeedMps } : {}),
      },
      params,
      dt,
    );
    state = r.state;
    speed = r.speedMps;
    if (r.done) return { dist, masterDist, speed, tS: i * dt };
    dist -= speed * dt;
    masterDist -= o.masterSpeedMps * dt;
  }
  throw new Error('never done');
}

describe('SynchronizeAction step (esmini SynchronizeAction::Step)', () => {
  it('brings the entity to its target at its final speed when the master reaches its own (rush: accelerate, then ease off)', () => {
    const r = simulate({ masterDistM: 100, masterSpeedMps: 20, distM: 120, speedMps: 10, finalSpeedMps: 20 });
    expect(r.masterDist).toBeLessThan(20 * 0.01 + 1e-9);
    expect(r.dist).toBeLessThan(0.5);
    expect(r.speed).toBe(20);
  });

  it('lingers when the target is close: slows first, then reaches the final speed at the target', () => {
    const r = simulate({ masterDistM: 100, masterSpeedMps: 20, distM: 60, speedMps: 20, finalSpeedMps: 20 });
    expect(r.dist).toBeLessThan(0.5);
    expect(r.speed).toBe(20);
  });

  it('ends as soon as the master is within targetToleranceMaster, aiming both at the tolerance edge', () => {
    const r = simulate({
      masterDistM: 100,
      masterSpeedMps: 20,
      distM: 105,
      speedMps: 20,
      finalSpeedMps: 20,
      params: { toleranceM: 1, toleranceMasterM: 1 },
    });
    expect(r.masterDist).toBeLessThan(1 + 20 * 0.01 + 1e-9);
    expect(r.masterDist).toBeGreaterThan(1 - 1e-9);
    // Both arrive at their tolerance edge together: the entity is as far from its target as the master.
    expect(Math.abs(r.dist - r.masterDist)).toBeLessThan(0.3);
  });

  it('keeps the entity still while the master stands still', () => {
    const r = synchronizeStep(
      initialSyncState(),
      {
        distM: 50,
        masterDistM: 50,
        masterSpeedMps: 0,
        speedMps: 12,
        speedAlongRoadMps: 12,
        finalSpeedMps: 10,
      },
      { toleranceM: 0, toleranceMasterM: 0 },
      0.01,
    );
    expect([r.speedMps, r.done, r.state.mode]).toEqual([0, false, 'waiting']);
  });

  it('without a final speed accelerates evenly to cover the distance in the master time', () => {
    const r = simulate({ masterDistM: 100, masterSpeedMps: 20, distM: 80, speedMps: 10 });
    expect(r.dist).toBeLessThan(0.5);
  });
});
