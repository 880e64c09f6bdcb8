import { describe, expect, it } from 'vitest';
import { ACCEL_HALF_LIFE_S, AgentAccelHistory, alongAtDecayingAccel } from './AgentAccelHistory.ts';
import { agent, snapshot } from './testing/scenes.ts';

/** Steps a history through snapshots every 0.1 s of one vehicle at the given speeds. */
function readings(speeds: number[], t0 = 0): (number | undefined)[] {
  const h = new AgentAccelHistory();
  return speeds.map((v, k) => {
    const snap = { ...snapshot(0, 0, 0, 10, [agent('car', 'vehicle', 20, 5, 0, v)]), tS: t0 + k / 10 };
    return h.step(snap).get('car');
  });
}

describe('AgentAccelHistory', () => {
  it('a car pulling away at 1 m/s² reads 1 m/s² once 0.5 s of its speeds are kept, not before', () => {
    const r = readings([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]);
    expect(r.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    for (const a of r.slice(5)) expect(a).toBeCloseTo(1, 9);
  });

  it('the weaker half of the window: speeding up 2 then 1 m/s² reads 1; a creeper that speeds up and slows reads 0', () => {
    // 0..0.5 s at 2 m/s², 0.5..1 s at 1 m/s²: halves 2 and 1 → 1
    const two = [0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5];
    expect(readings(two)[10]).toBeCloseTo(1, 9);
    // creeping at its line: 0.2 → 0.7 m/s and back to 0.3 over a second (halves +1, −0.8)
    const creep = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.62, 0.54, 0.46, 0.38, 0.3];
    expect(readings(creep)[10]).toBe(0);
  });

  it('braking reads the weaker deceleration; a snapshot at the same time adds nothing; a clock gone back starts afresh', () => {
    const h = new AgentAccelHistory();
    const at = (tS: number, v: number) =>
      h.step({ ...snapshot(0, 0, 0, 10, [agent('car', 'vehicle', 20, 5, 0, v)]), tS });
    // −3 m/s² for 0.5 s, then −2 m/s²: halves −3 and −2 → −2
    for (let k = 0; k <= 10; k++) at(k / 10, k <= 5 ? 10 - 0.3 * k : 8.5 - 0.2 * (k - 5));
    expect(at(1, 3).get('car')).toBeCloseTo(-2, 9); // same time (its speed re-read): as before
    expect(at(0.2, 5).get('car')).toBeUndefined(); // back by 0.8 s: one sample only
  });

  it('an agent of unknown speed, and one no longer seen, has none', () => {
    const h = new AgentAccelHistory();
    for (let k = 0; k <= 6; k++) {
      const car = agent('car', 'vehicle', 20, 5, 0, k / 10);
      const unk = { ...agent('unk', 'vehicle', 30, 5, 0, k / 10), speedKnown: false };
      const out = h.step({ ...snapshot(0, 0, 0, 10, [car, unk]), tS: k / 10 });
      if (k === 6) {
        expect(out.get('car')).toBeCloseTo(1, 9);
        expect(out.has('unk')).toBe(false);
      }
    }
    expect(h.step({ ...snapshot(0, 0, 0, 10, []), tS: 0.7 }).size).toBe(0);
  });
});

describe('alongAtDecayingAccel', () => {
  const lambda = Math.LN2 / ACCEL_HALF_LIFE_S; // 0.27726 /s

  it('from rest at 1 m/s², halving every 2.5 s: 11.10 m in 6 s (constant acceleration: 18 m; constant speed: 0)', () => {
    // (a0/λ)·t + (a0/λ²)(e^(−λt) − 1) = 3.6067·6 + 13.008·(0.18946 − 1) = 11.097
    expect(alongAtDecayingAccel(0, 1, 100, 6)).toBeCloseTo(11.0965, 3);
    // its speed settles at v0 + a0/λ
    const dv = alongAtDecayingAccel(0, 1, 100, 60.01) - alongAtDecayingAccel(0, 1, 100, 60);
    expect(dv / 0.01).toBeCloseTo(1 / lambda, 3);
  });

  it("capped at the lane's speed: from rest at 3 m/s² under a 5 m/s cap it reaches 5 m/s at 2.24 s, then holds it", () => {
    // 1 − e^(−λt) = 5λ/3 → t = 2.2365 s; 24.983 m in 6 s
    expect(alongAtDecayingAccel(0, 3, 5, 6)).toBeCloseTo(24.983, 3);
    const v = (t: number) =>
      (alongAtDecayingAccel(0, 3, 5, t + 1e-4) - alongAtDecayingAccel(0, 3, 5, t)) / 1e-4;
    expect(v(2.3)).toBeCloseTo(5, 3);
    expect(v(2.1)).toBeLessThan(5);
  });

  it('braking, no acceleration, or already at the cap: constant speed', () => {
    expect(alongAtDecayingAccel(4, -2, 15, 6)).toBe(24);
    expect(alongAtDecayingAccel(4, 0, 15, 6)).toBe(24);
    expect(alongAtDecayingAccel(15, 2, 15, 6)).toBe(90);
  });
});
