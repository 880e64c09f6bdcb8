import { Matrix4, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { mapToThree, threeToMapX, threeToMapY, writeBoxMatrix, writeRibbon } from './frames.ts';

describe('mapToThree', () => {
  it('puts map north on three −z and map up on three +y', () => {
    expect(mapToThree(3, 4, 5, new Vector3()).toArray()).toEqual([3, 5, -4]);
  });
  it('round-trips x and y', () => {
    const v = mapToThree(-7.5, 2.25, 0, new Vector3());
    expect([threeToMapX(v), threeToMapY(v)]).toEqual([-7.5, 2.25]);
  });
});

describe('writeBoxMatrix', () => {
  it('points the box length north for heading π/2 and lifts it by half its height', () => {
    const m = new Float32Array(16);
    writeBoxMatrix(m, 0, 10, 5, Math.PI / 2, 4, 2, 1.5);
    const mat = new Matrix4().fromArray(m);
    // The box's front face centre (local +x 0.5) lies 2 m north of the centre: map (10, 7, 0.75).
    const front = new Vector3(0.5, 0, 0).applyMatrix4(mat);
    expect(front.x).toBeCloseTo(10, 6);
    expect(front.y).toBeCloseTo(0.75, 6);
    expect(front.z).toBeCloseTo(-7, 6);
    // Its right side (local +z 0.5) lies 1 m east: map (11, 5).
    const right = new Vector3(0, 0, 0.5).applyMatrix4(mat);
    expect(right.x).toBeCloseTo(11, 6);
    expect(right.z).toBeCloseTo(-5, 6);
  });
});

describe('writeRibbon', () => {
  it('offsets a west→east line by half the width to the north (left) and south (right)', () => {
    const out = new Float32Array(12);
    writeRibbon([0, 0, 10, 0], 2, 2, 0.1, out);
    // Point 0: left = map (0, 1) → three (0, 0.1, −1); right = map (0, −1) → three (0, 0.1, 1).
    expect([...out.slice(0, 6)].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 0.1, -1, 0, 0.1, 1]);
  });
});
