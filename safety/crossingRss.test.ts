/**
 * RSS for routes that cross: a car going across the ego's path ahead (the ego turns left across
 * its lane in a junction) does not come on towards the ego along that path, so the ego owes it the
 * room to stop before its path — not the head-on response to a car closing at its full speed (which
 * asks an ego rolling slowly towards a junction, metres short of the conflict, to brake at
 * b_min,correct whatever the room). A car coming down the ego's lane head-on still gets that.
 */
import { describe, expect, it } from 'vitest';
import { cmd, junctionMap, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

const gate = createSafetyGate();
const map = junctionMap();
// ego on IN3 (x = 1.75, northbound, ends at y = −14) turning left (C32) into OUT2; the other car on
// C13 (x = −1.75, southbound from y = 14 to −14), whose lane the turn crosses near y = −5
const turn = ['IN3', 'C32', 'OUT2'];
const rssOf = (egoS: number, speed: number, carS: number, command = cmd(), carSpeed = 12.5) => {
  const v = gate.checkCommand(
    command,
    scene({
      map,
      lane: 'IN3',
      s: egoS,
      speed,
      route: turn,
      agents: [{ id: 'onc', lane: 'C13', s: carS, speed: carSpeed }],
    }),
  );
  return { v, rss: v.rules.find((r) => r.rule === 'rss.longitudinalOpposite') };
};
const rolling = (speed: number) => cmd({ speed: 'DECELERATE', targetSpeedMps: speed - 0.3, decelMps2: 0.3 });

describe('rss.longitudinalOpposite: a car crossing the ego path ahead', () => {
  it('an ego rolling at 1.9 m/s with room to stop before its path is not held to the head-on response', () => {
    // front ≈ 13 m short of the car's path as the car crosses it (at y ≈ −1)
    const { v, rss } = rssOf(116, 1.9, 15, rolling(1.9));
    expect(rss?.decision ?? 'ALLOW', v.explanation).toBe('ALLOW');
    expect(v.decision, v.explanation).toBe('ALLOW');
  });

  it('one too close to stop before its path at its speed must still brake', () => {
    // the car creeps across at 2 m/s: it is still in the path when the ego, speeding up, gets there
    const { v, rss } = rssOf(118, 1.9, 15, cmd({ speed: 'ACCELERATE', targetSpeedMps: 4 }), 2);
    expect(rss?.decision ?? 'ALLOW', v.explanation).not.toBe('ALLOW');
    expect(v.decision).not.toBe('ALLOW');
  });

  it("the car crossing is not taken to come on down the ego's path: one gone before the ego gets there holds nothing", () => {
    // the car (12.5 m/s, centre ≈ 4 m short of the turn's path) is across within 0.5 s; the ego, 2 m
    // into the junction at 1.9 m/s, needs ≈ 2 s to get there. Taken at rest but still accelerating
    // towards the ego along its path for its ρ (2 s at 3.5 m/s², ≈ 13 m), the check asked the ego to
    // brake for it (safe distance 18.94 m): in built-in unprotected_left a car passing the start of
    // the turn held the waiting idm+gate ego (8.2–8.3 s)
    const { v, rss } = rssOf(118, 1.9, 15, cmd({ speed: 'ACCELERATE', targetSpeedMps: 4 }));
    expect(rss?.decision ?? 'ALLOW', v.explanation).toBe('ALLOW');
    expect(v.decision, v.explanation).toBe('ALLOW');
  });

  it('on a road without a junction a car coming in at an angle keeps the head-on worst case', () => {
    // R0 with the oncoming lane on its left; a car 40 m ahead, 2.5 m left, heading 0.5 rad off
    // head-on at 5 m/s: more than 20° off the path, but no routes cross here — it drifts towards the
    // ego, which keeps the distance for a car that may still come on towards it (25.1 m at 6 m/s,
    // not its own 12 m stop)
    const road = roadMap({ lanes: 1, oncoming: true });
    const v = gate.checkCommand(
      cmd({ speed: 'KEEP' }),
      scene({
        map: road,
        lane: 'R0',
        s: 0,
        speed: 6,
        route: ['R0'],
        agents: [{ id: 'x', lane: 'R0', s: 40, d: 2.5, speed: 5, dh: Math.PI + 0.5 }],
      }),
    );
    const rss = v.rules.find((r) => r.rule === 'rss.longitudinalOpposite');
    expect(rss?.decision, v.explanation).toBe('MODIFY');
  });

  it('a car drifting on the road past a junction is not crossing: the ego that came through keeps the head-on distance', () => {
    // ego from IN3 through C31 onto OUT1; the other car on OUT1 just past the junction, 0.5 rad off
    // head-on: routes do not cross there, it comes on. The same car met with the ego already on
    // OUT1 (no junction behind) asks the same safe distance
    const drift = (lane: string, s: number, route: string[], carS: number) =>
      gate
        .checkCommand(
          cmd({ speed: 'KEEP' }),
          scene({
            map,
            lane,
            s,
            speed: 8,
            route,
            agents: [{ id: 'x', lane: 'OUT1', s: carS, d: 0.3, speed: 1, dh: Math.PI + 0.5 }],
          }),
        )
        .rules.find((r) => r.rule === 'rss.longitudinalOpposite');
    const through = drift('IN3', 106, ['IN3', 'C31', 'OUT1'], 2);
    const onRoad = drift('OUT1', 10, ['OUT1'], 40);
    expect(through?.decision).toBe('MODIFY');
    expect(through?.values.safeDistanceM).toBe(onRoad?.values.safeDistanceM);
  });
});
