/**
 * A time-to-collision breach the ego inherits: within the actuator's lag every command's roll-out is
 * where the ego is now, at its speed now, so a breach there (a scenario that starts 1.2 m behind a
 * slower lead) tells no command from another and is not held against any; the steps after the lag,
 * where braking shows, judge the command. Before, `ttc` failed at t+0 for every candidate, no repair
 * passed and the VETO's stop braked at 8 m/s² ("the front conflict needs 42.7 m/s²", CommonRoad
 * DEU_Backnang-9_1_T-1); RSS's proper response to a lead inside its safe distance that the ego can
 * still keep clear of is braking at b_min, not an emergency stop.
 */
import { describe, expect, it } from 'vitest';
import { ahead, cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';
import type { SafetyScene } from './Scene.ts';

const gate = createSafetyGate();
const P = SafetyParamsSchema.parse({});
const road = roadMap({ lanes: 1, speedLimitMps: 14, lengthM: 400, id: 'inherited-ttc' });

/** The ego at 6.7 m/s, `gapM` behind a lead going `leadMps` steadily (seen for 5 s). */
function behind(gapM: number, leadMps: number): SafetyScene {
  const sc = scene({
    map: road,
    s: 50,
    speed: 6.7,
    agents: [{ id: 'lead', lane: 'R0', s: ahead(50, gapM), speed: leadMps }],
  });
  sc.snapshot.agents[0]!.accelMps2 = 0;
  sc.snapshot.agents[0]!.seenForS = 5;
  return sc;
}
const rule = (v: ReturnType<typeof gate.checkCommand>, name: string) => v.rules.find((r) => r.rule === name);

describe('a TTC breach inherited at the start', () => {
  // closing at 1.45 m/s on 1.2 m: the nuPlan bound of 0.95 s is breached at t+0 whatever the ego does
  it('1.2 m behind a lead 1.45 m/s slower: braking at b_min is the repair, no minimal-risk stop', () => {
    for (const c of [
      cmd({ speed: 'KEEP', targetSpeedMps: 6.7 }),
      cmd({ speed: 'DECELERATE', targetSpeedMps: 5, decelMps2: 3 }),
      cmd({ speed: 'ACCELERATE', targetSpeedMps: 9 }),
    ]) {
      const v = gate.checkCommand(c, behind(1.2, 5.25));
      expect(v.decision).toBe('MODIFY');
      expect(v.mrm).toBeUndefined();
      expect(v.modified?.speed).toBe('DECELERATE');
      expect(v.modified?.decelMps2).toBeLessThanOrEqual(P.rssEgo.brakeMinMps2 + 0.05);
      expect(v.modified?.decelMps2).toBeGreaterThanOrEqual(P.rssEgo.brakeMinMps2);
      // the repair, checked again, passes the TTC bound after the lag
      expect(rule(gate.checkCommand(v.modified, behind(1.2, 5.25)), 'ttc')?.decision ?? 'ALLOW').toBe(
        'ALLOW',
      );
    }
  });

  it('a command that speeds up is still held to the first steps', () => {
    const v = gate.checkCommand(cmd({ speed: 'ACCELERATE', targetSpeedMps: 9 }), behind(1.2, 5.25));
    expect(rule(v, 'ttc')?.decision).toBe('MODIFY');
    expect(rule(v, 'ttc')?.values.atS).toBeLessThanOrEqual(P.accelLagS);
  });

  it('the unsafe twin, 0.6 m behind a lead 3.7 m/s slower: contact before any braking can tell, the emergency stop', () => {
    const v = gate.checkCommand(cmd({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 6 }), behind(0.6, 3));
    expect(v.decision).toBe('VETO');
    expect(v.mrm?.kind).toBe('EMERGENCY_STOP');
    expect(rule(v, 'collision.predicted')?.decision).toBe('VETO');
  });
});
