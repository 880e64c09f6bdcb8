import { describe, expect, it } from 'vitest';
import { SafetyParamsSchema } from '../SafetyParams.ts';
import { type SsmLine, ssmDirectedDistance, ssmLine, ssmProtectiveDistance } from './vruRule.ts';

// a 1 m × 0.7 m robot at the origin heading +x, turning about its centre
const pose = { x: 0, y: 0, c: 1, s: 0 };
const line = (px: number, py: number, vMps: number, omegaRadps: number): SsmLine =>
  ssmLine(px, py, pose, 0.5, 0.35, 0, vMps, omegaRadps, { qx: 0, qy: 0, robotMps: 0, speedMps: 0 });
const p = SafetyParamsSchema.parse({});

describe('ssmLine: does the robot close in on a person along the line between them', () => {
  it('a robot reversing closes in on a person behind it at its reversing speed', () => {
    expect(line(-1, 0, -0.8, 0).robotMps).toBeCloseTo(0.8, 9);
  });

  it('a robot driving forward does not close in on a person behind it', () => {
    expect(line(-1, 0, 1.5, 0).robotMps).toBeLessThanOrEqual(0);
  });

  it('a robot driving straight does not close in on a person beside its rear half', () => {
    expect(line(-0.3, 0.75, 1.5, 0).robotMps).toBeLessThanOrEqual(0);
  });

  it('a robot driving forward closes in on a person beside its front half (ISO/TS 15066 v_r from its centre)', () => {
    expect(line(0.3, 1.15, 1.5, 0).robotMps).toBeGreaterThan(0.3);
  });

  it('a right turn on the spot swings the rear into a person beside the left rear half at ω·|x|', () => {
    const l = line(-0.3, 0.75, 0, -1);
    expect(l.robotMps).toBeCloseTo(0.3, 9);
    expect(l.speedMps).toBeGreaterThan(0.3);
  });

  it('a left turn on the spot swings the rear away from that person', () => {
    expect(line(-0.3, 0.75, 0, 1).robotMps).toBeLessThanOrEqual(0);
  });
});

describe('ssmDirectedDistance', () => {
  it('asks no separation from a person the robot moves away from', () => {
    expect(ssmDirectedDistance(line(-1, 0, 1.5, 0), p, 1.5, 0)).toBe(0);
  });

  it('asks the ISO/TS 15066 S_p at the robot speed from one it drives straight at', () => {
    expect(ssmDirectedDistance(line(2, 0, 1.5, 0), p, 1.5, 0)).toBeCloseTo(
      ssmProtectiveDistance(1.5, p, 1.5, 0),
      9,
    );
  });
});
