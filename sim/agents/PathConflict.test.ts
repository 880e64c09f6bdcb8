import { describe, expect, it } from 'vitest';
import { agentBox, boxesOverlap, createRng, egoBox } from '../../core/index.ts';
import { RoutePath } from '../../core/map/index.ts';
import { pointAbout, windingPath } from '../../core/testFixtures.ts';
import {
  idmAgent,
  intersection,
  replayAgent,
  road,
  smooth,
  trackAlong,
} from '../../scenarios/builtin/index.ts';
import type { AgentModel } from './AgentFleet.ts';
import { BodyForecast } from './BodyForecast.ts';
import { type ConflictSelf, conflictScratch, sampleInCorridor, stretchBounds } from './PathConflict.ts';
import { agentAt, drive, egoAlong, firstTick, world } from './testWorld.ts';

/** First tick at which agent `id` has slowed below `belowMps`. */
function brakesAt(run: ReturnType<typeof drive>, id: string, belowMps: number): number {
  return firstTick(run.agents.length, (k) => agentAt(run, k, id).speedMps < belowMps);
}

describe('interactive agents yield to bodies entering their path', () => {
  const data = road({ lanes: 2, speedLimitMps: 16 });

  const cutInWorld = (egoS0: number) => {
    const w0 = world(
      data,
      [],
      { tS: 0, x: 0, y: 0, headingRad: 0, speedMps: 12, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      ['R0'],
    );
    const follower = idmAgent(w0.map, 'follower', ['R1'], 20, 12, 12);
    const egoPath = w0.map.mustLane('R0').line;
    const ego = egoAlong(egoPath, egoS0, 12, (t) => 3.5 * smooth(t, 0.5, 3.5));
    return { w: world(data, [follower], ego(0), ['R0', 'R1']), ego };
  };

  it('a vehicle starts braking for an ego cutting in ahead of it before the ego reaches its lane', () => {
    const { w, ego } = cutInWorld(40);
    const run = (m: AgentModel) => drive(w, m, ego, 6);
    const kInteractive = brakesAt(run('interactive'), 'follower', 11.8);
    const kIdm = brakesAt(run('idm'), 'follower', 11.8);
    // nuPlan's IDM agents see the ego only once its body is in their corridor.
    expect(kIdm).toBeGreaterThan(0);
    expect(kInteractive).toBeGreaterThan(0);
    expect(kInteractive).toBeLessThan(kIdm - 3);
  });

  it('a vehicle does not yield to an ego that merges in behind it', () => {
    const { w, ego } = cutInWorld(5);
    const run = drive(w, 'interactive', ego, 6);
    expect(brakesAt(run, 'follower', 11.8)).toBe(-1);
  });

  it('an oncoming car yields to an ego that turns left across its path without stopping', () => {
    const data = intersection();
    const w0 = world(
      data,
      [],
      { tS: 0, x: 0, y: 0, headingRad: 0, speedMps: 7, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      ['IN3'],
    );
    const oncoming = idmAgent(w0.map, 'oncoming', ['IN1', 'C13', 'OUT3'], 75, 11);
    const route = RoutePath.build(w0.map, ['IN3', 'C32', 'OUT2'], 0);
    const ego = egoAlong(route.line, 92, 7);
    const w = world(data, [oncoming], ego(0), ['IN3', 'C32', 'OUT2']);
    const hits = (m: AgentModel) => {
      const run = drive(w, m, ego, 10);
      const k = firstTick(run.agents.length, (i) =>
        boxesOverlap(egoBox(run.egos[i]!, w.scenario.vehicle), agentBox(agentAt(run, i, 'oncoming'))),
      );
      return { k, minSpeed: Math.min(...run.agents.map((_, i) => agentAt(run, i, 'oncoming').speedMps)) };
    };
    expect(hits('idm').k).toBeGreaterThan(0);
    const r = hits('interactive');
    expect(r.k).toBe(-1);
    expect(r.minSpeed).toBeLessThan(8);
  });

  it('a vehicle keeps a gap to a car from the adjacent lane entering its lane ahead of it', () => {
    const w0 = world(
      data,
      [],
      { tS: 0, x: 0, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      ['R0'],
    );
    const cutter = trackAlong(w0.map, {
      laneIds: ['R0'],
      startSM: 42,
      durationS: 8,
      speed: () => 12,
      lateral: (t) => 3.5 * (1 - smooth(t, 1, 4)),
    });
    const agents = [
      replayAgent('cutter', cutter, { reactive: 'replay' }),
      idmAgent(w0.map, 'follower', ['R0'], 20, 12, 12),
    ];
    const far = {
      tS: 0,
      x: 390,
      y: -20,
      headingRad: 0,
      speedMps: 0,
      accelMps2: 0,
      steerRad: 0,
      yawRateRadps: 0,
    };
    const w = world(data, agents, far, ['R0']);
    const kInteractive = brakesAt(drive(w, 'interactive', undefined, 6), 'follower', 11.8);
    const kIdm = brakesAt(drive(w, 'idm', undefined, 6), 'follower', 11.8);
    expect(kIdm).toBeGreaterThan(0);
    expect(kInteractive).toBeGreaterThan(0);
    expect(kInteractive).toBeLessThan(kIdm - 3);
  });
});

describe('path conflicts: the per-sample broad phase', () => {
  it('answers every sample as projecting it would (18 000 random samples around winding paths)', () => {
    const r = createRng(7);
    const fc = new BodyForecast(1, 4, 0.5);
    const sc = conflictScratch();
    let hits = 0;
    for (let n = 0; n < 2000; n++) {
      const path = windingPath(r);
      const self: ConflictSelf = {
        body: -1,
        path,
        frontS: r() * 80,
        speedMps: 10,
        targetMps: 10,
        lengthM: 4.5,
        halfWidthM: 0.5 + r() * 1.5,
        lookM: 20 + r() * 60,
        idm: { minGapM: 1, headwayS: 1.5, accelMaxMps2: 1, decelMaxMps2: 2, exponent: 4 },
      };
      const fromS = self.frontS - self.lengthM;
      const toS = self.frontS + self.lookM;
      stretchBounds(self, fromS, toS, sc);
      fc.lengthM[0] = 0.3 + r() * 14;
      fc.widthM[0] = 0.3 + r() * 3;
      for (let k = 0; k < fc.samples; k++) {
        const at = pointAbout(path, r);
        fc.xs[k] = at.x;
        fc.ys[k] = at.y;
        fc.hs[k] = r() * 2 * Math.PI;
        const projected = sampleInCorridor(self, fc, 0, k, fromS, toS, sc, false);
        expect(sampleInCorridor(self, fc, 0, k, fromS, toS, sc, true)).toBe(projected);
        if (projected >= 0) hits++;
      }
    }
    expect(hits).toBeGreaterThan(2000);
  });
});
