/**
 * One tracker glitch is no reverse: an id switch in an oncoming platoon (car B, 6 m behind car A,
 * takes A's id) moves the id's position 6 m back against its heading within the 0.3 s course window.
 * Read as reversing at its reported 11 m/s, the oncoming car was forecast driving away and a left
 * turn across its way was allowed (review 13). The course's speed (20 m/s) disagrees with the
 * reported one: the car is forecast both ways, and its forward way still meets the turn.
 */
import { describe, expect, it } from 'vitest';
import { withCourse } from '../stack/AgentCourse.ts';
import { cmd, junctionMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

describe('a reversing course the reported speed does not bear out', () => {
  it('an oncoming car whose position jumps 6 m back in 0.3 s still holds a left turn across it', () => {
    const map = junctionMap();
    const sc = scene({
      map,
      lane: 'IN3',
      s: 100,
      speed: 7,
      route: ['IN3', 'C32', 'OUT2'],
      agents: [{ id: 'onc', lane: 'IN1', s: 110, speed: 11 }],
    });
    const car = sc.snapshot.agents[0]!;
    const tS = 0.3;
    const snap = { ...sc.snapshot, tS, ego: { ...sc.snapshot.ego, tS } };
    const history = [
      {
        tS: 0,
        speeds: new Map([['onc', 11]]),
        headings: new Map([['onc', car.headingRad]]),
        positions: new Map([
          ['onc', { x: car.x + 6 * Math.cos(car.headingRad), y: car.y + 6 * Math.sin(car.headingRad) }],
        ]),
      },
    ];
    const seen = withCourse(snap, history);
    expect(seen.agents[0]!.courseRad).toBeDefined(); // read as a reverse course
    const v = createSafetyGate().checkCommand(cmd({ speed: 'KEEP', issuedAtS: tS, expiresAtS: tS + 1 }), {
      ...sc,
      snapshot: seen,
    });
    expect(v.decision).not.toBe('ALLOW');
  });
});
