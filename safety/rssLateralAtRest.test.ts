/**
 * RSS's lateral rule and an ego off its lane's centre (CommonRoad DEU_Flensburg-78_1_T-1): stopped
 * 0.99 m left of its lane's centre beside a bicycle standing at the lane's right edge, every command
 * at standstill — read as a lane change back to the centre, towards the bicycle — was vetoed for 9 s:
 * the rule held the ego to close all of the offset while its roll-out stood still. A vehicle at rest
 * has no lateral speed, which is RSS's lateral proper response (μ-lateral velocity ≤ 0); a roll-out
 * that comes to rest closes only the offset it drives before it stops (the lateral move is a cubic in
 * the distance travelled).
 */
import { describe, expect, it } from 'vitest';
import { cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

const map = roadMap({ lanes: 2 });
const gate = createSafetyGate();

/** The ego in R0 at `speed`, 1 m left of the centre; a bicycle standing beside it at R0's right edge. */
function beside(speed: number) {
  const sc = scene({
    map,
    s: 100,
    speed,
    agents: [{ id: 'bike', kind: 'cyclist', lane: 'R0', s: 101, d: -1.4, speed: 0 }],
  });
  const ego = { ...sc.snapshot.ego, y: sc.snapshot.ego.y + 1 };
  return { ...sc, snapshot: { ...sc.snapshot, ego } };
}
const lateral = (v: ReturnType<typeof gate.checkCommand>) => v.rules.find((r) => r.rule === 'rss.lateral')!;

describe('rss.lateral: an ego off its lane’s centre beside a bicycle standing at the lane’s edge', () => {
  it('at rest, holding still: no lateral danger of its own', () => {
    const v = gate.checkCommand(cmd({ speed: 'STOP', targetSpeedMps: 0 }), beside(0));
    expect(lateral(v).decision).toBe('ALLOW');
    expect(v.decision).toBe('ALLOW');
  });

  it('at rest beside a bus passing 0.3 m off on that side: holding still is no lateral conflict', () => {
    // (Flensburg-78's cr_340, 12 m long, came up on the ego's right within its lane; the stopped ego
    // was vetoed for the lateral distance it was never going to close)
    const sc = beside(0);
    const bus = { ...sc.snapshot.agents[0]!, id: 'bus', kind: 'vehicle' as const, lengthM: 12, widthM: 2.5 };
    bus.y = sc.snapshot.ego.y - 1.15 - 0.3 - 1.25;
    bus.x = sc.snapshot.ego.x - 14;
    bus.speedMps = 4.2;
    const v = gate.checkCommand(cmd({ speed: 'STOP', targetSpeedMps: 0 }), {
      ...sc,
      snapshot: { ...sc.snapshot, agents: [bus] },
    });
    expect(lateral(v).decision).toBe('ALLOW');
  });

  it('stopping from 3 m/s, closing half the offset towards it before rest: still the ego’s conflict', () => {
    // (at 3 m/s the move back is as tight as the steering allows: 0.5 m closed in the 2 m stop)
    const v = gate.checkCommand(cmd({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 4 }), beside(3));
    expect(lateral(v).decision).not.toBe('ALLOW');
  });

  it('driving on at 5 m/s back to the centre, towards it: the ego’s lateral conflict', () => {
    const v = gate.checkCommand(cmd({ targetSpeedMps: 5 }), beside(5));
    expect(lateral(v).decision).not.toBe('ALLOW');
  });
});
