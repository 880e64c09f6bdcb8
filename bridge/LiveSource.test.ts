import { describe, expect, it } from 'vitest';
import type { EgoState } from '../core/index.ts';
import { LiveSource } from './LiveSource.ts';

const ego = (x: number): Omit<EgoState, 'tS'> => ({
  x,
  y: 0,
  headingRad: 0,
  speedMps: 1,
  yawRateRadps: 0,
  accelMps2: 0,
  steerRad: 0,
});

function source(): { s: LiveSource; at: (t: number) => void } {
  let now = 100;
  const s = new LiveSource({ nowS: () => now }, 1, 2, 30, 1);
  s.setRoute({ laneIds: ['A'] });
  return { s, at: (t) => (now = t) };
}

describe('LiveSource', () => {
  it('drops an ego message whose stamp or counter is not newer than the last taken', () => {
    const { s, at } = source();
    expect(s.setEgo(ego(10), undefined, 0, 30)).toBe(true);
    at(100.01);
    expect(s.setEgo(ego(2), undefined, 0, 5)).toBe(false);
    expect(s.currentEgo!.x).toBe(10);
    expect(s.outOfOrderCount).toBe(1);
  });

  it('takes a lower counter again after a silence (the robot restarted its counter)', () => {
    const { s, at } = source();
    s.setEgo(ego(10), undefined, 0, 30);
    at(101.5);
    expect(s.setEgo(ego(2), undefined, 0, 1)).toBe(true);
    expect(s.currentEgo!.x).toBe(2);
  });

  it('withdraws the operator instruction on an empty text', () => {
    const { s } = source();
    s.setEgo(ego(1));
    s.setInstruction({ source: 'operator', text: 'slow near dock 3' });
    expect(s.latest()!.instruction?.text).toBe('slow near dock 3');
    s.setInstruction({ source: 'operator', text: '' });
    expect(s.latest()!.instruction).toBeUndefined();
  });

  it('leaves an operator instruction out once it is older than instructionStaleAfterS', () => {
    const { s, at } = source();
    s.setInstruction({ source: 'operator', text: 'slow near dock 3' });
    at(131);
    s.setEgo(ego(1));
    expect(s.latest()!.instruction).toBeUndefined();
  });

  it('forgets the instruction when the link drops', () => {
    const { s } = source();
    s.setInstruction({ source: 'operator', text: 'slow near dock 3' });
    s.invalidate();
    s.setEgo(ego(1));
    expect(s.latest()!.instruction).toBeUndefined();
  });
});
