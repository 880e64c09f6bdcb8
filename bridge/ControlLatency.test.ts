import { describe, expect, it } from 'vitest';
import { ControlLatency } from './ControlLatency.ts';

describe('ControlLatency', () => {
  it('is the largest pose age plus the largest step gap of the window: a late step on a loaded machine counts', () => {
    const l = new ControlLatency(5, 0.05);
    // a quiet machine: a step every 50 ms on poses 5 ms old
    for (let i = 0; i <= 20; i++) l.step(10 + i * 0.05, 10 + i * 0.05 - 0.005);
    expect(l.latencyS(11)).toBeCloseTo(0.055, 9);
    // the loop runs 0.3 s late once, on a pose 0.12 s old (the readings of the tf robot at load 15)
    l.step(11.3, 11.18);
    expect(l.latencyS(11.3)).toBeCloseTo(0.3 + 0.12, 9);
    // quiet again: the burst is remembered for the window, then forgotten
    for (let i = 1; i <= 20; i++) l.step(11.3 + i * 0.05, 11.3 + i * 0.05 - 0.005);
    expect(l.latencyS(12.3)).toBeCloseTo(0.42, 9);
    for (let i = 1; i <= 110; i++) l.step(12.3 + i * 0.05, 12.3 + i * 0.05 - 0.005);
    expect(l.latencyS(17.8)).toBeCloseTo(0.055, 9);
  });

  it('counts a watchdog step for the gap only, never the time between two control loops, and never less than the floor', () => {
    const l = new ControlLatency(5, 0.05);
    expect(l.latencyS(0)).toBe(0.05);
    l.step(1, 0.99);
    l.step(1.02); // a watchdog step: no pose
    expect(l.latencyS(1.02)).toBeCloseTo(0.05, 9);
    l.step(1.2);
    expect(l.latencyS(1.2)).toBeCloseTo(0.01 + 0.18, 9);
    // a new mission's loop starts 3 s later: no 3 s gap
    l.restart();
    l.step(4.2, 4.19);
    expect(l.latencyS(4.2)).toBeCloseTo(0.19, 9);
  });
});
