/**
 * `vru.crosswalk`: a person standing on a crosswalk beyond the ego's lane, facing it, waits to cross
 * it (a refuge mid-crosswalk): the ego stays able to stop before the crosswalk. One standing there
 * facing away has crossed the ego's lanes and conflicts no more (red team 8, Town10HD).
 */
import { describe, expect, it } from 'vitest';
import { road } from '../scenarios/builtin/index.ts';
import { cmd, mapOf, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

const gate = createSafetyGate();
// three lanes east (R0 at y 0, R1 at 3.5, R2 at 7); a crosswalk over all three at x 100–104
const map = mapOf({
  ...road({ lanes: 3 }),
  crosswalks: [
    {
      id: 'cw',
      polygon: [
        { x: 100, y: -1.75 },
        { x: 104, y: -1.75 },
        { x: 104, y: 8.75 },
        { x: 100, y: 8.75 },
      ],
    },
  ],
});
// the ego on R0 at 10 m/s, its front ≈ 47 m before the crosswalk; a person standing on it on the
// R1 / R2 line, 5.25 m to the ego's left, facing `dh` off the lane's direction
const waitingAt = (dh: number) =>
  scene({
    map,
    lane: 'R0',
    s: 50,
    speed: 10,
    agents: [{ id: 'p', kind: 'pedestrian', lane: 'R1', s: 102, d: 1.75, dh, speed: 0 }],
  });
const rule = (dh: number) =>
  gate.checkCommand(cmd({ speed: 'KEEP' }), waitingAt(dh)).rules.find((r) => r.rule === 'vru.crosswalk');

describe('vru.crosswalk: a person standing on the crosswalk beyond the ego’s lane', () => {
  it('facing the ego’s lane: the ego must stay able to stop before the crosswalk', () => {
    expect(rule(-Math.PI / 2)?.decision).toBe('MODIFY');
  });
  it('facing 50° off straight across: still facing it', () => {
    expect(rule(-Math.PI / 2 + (50 * Math.PI) / 180)?.decision).toBe('MODIFY');
  });
  it('facing away from the ego’s lane: it has crossed it, nothing asked', () => {
    expect(rule(Math.PI / 2)?.decision).toBe('ALLOW');
  });
  it('facing along the road: nothing asked', () => {
    expect(rule(0)?.decision).toBe('ALLOW');
  });
});
