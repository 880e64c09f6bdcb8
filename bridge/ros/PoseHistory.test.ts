import { describe, expect, it } from 'vitest';
import { PoseHistory } from './PoseHistory.ts';

/** A car at 20 m/s along x, a pose every 50 ms from stamp 10 s. */
function driving(): PoseHistory {
  const h = new PoseHistory({ keepS: 2, extrapolateS: 0.3 });
  for (let i = 0; i <= 20; i++)
    h.push({ x: 100 + i, y: 0, headingRad: 0, stampS: 10 + i * 0.05, speedMps: 20, yawRateRadps: 0 });
  return h;
}

describe('PoseHistory', () => {
  it('gives the pose at a stamp between two poses (interpolated), not the newest', () => {
    const p = driving().at(10.7); // 0.3 s before the newest
    expect(p.ok && p.pose.x).toBeCloseTo(114, 9);
  });

  it('carries the newest pose forward at its speed for a stamp a little after it', () => {
    const p = driving().at(11.1);
    expect(p.ok && p.pose.x).toBeCloseTo(122, 9);
  });

  it('gives no pose for a stamp older than what it keeps, or far after the newest', () => {
    const h = driving();
    expect(h.at(9.9)).toEqual({ ok: false, why: 'too-old' });
    expect(h.at(11.5)).toEqual({ ok: false, why: 'too-new' });
  });

  it('forgets poses older than keepS behind the newest', () => {
    const h = driving();
    h.push({ x: 200, y: 0, headingRad: 0, stampS: 12.5, speedMps: 20, yawRateRadps: 0 });
    expect(h.at(10.4)).toEqual({ ok: false, why: 'too-old' });
  });

  it('interpolates the heading the short way across ±π', () => {
    const h = new PoseHistory();
    h.push({ x: 0, y: 0, headingRad: Math.PI - 0.1, stampS: 1, speedMps: 0, yawRateRadps: 0 });
    h.push({ x: 0, y: 0, headingRad: -Math.PI + 0.1, stampS: 2, speedMps: 0, yawRateRadps: 0 });
    const p = h.at(1.5);
    expect(p.ok && Math.abs(p.pose.headingRad)).toBeCloseTo(Math.PI, 9);
  });
});
