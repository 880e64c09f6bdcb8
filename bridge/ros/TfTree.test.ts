import { describe, expect, it } from 'vitest';
import { quatOfYaw, stampOf } from './rosMessages.ts';
import { composePlanar, type PlanarTransform, TfEgo, TfTree, tfMessageToTransforms } from './TfTree.ts';

const tf = (
  parent: string,
  child: string,
  x: number,
  y: number,
  yawRad: number,
  stampS?: number,
): PlanarTransform => ({
  parent,
  child,
  x,
  y,
  yawRad,
  stampS,
});

const OPTIONS = {
  mapFrame: 'map',
  odomFrame: 'odom',
  baseLinkFrame: 'base_link',
  baseLinkAheadM: 0,
  twistFreshS: 0.3,
};

describe('TfTree', () => {
  it('reads a TFMessage in ROS 1 spelling, leading slashes dropped, and names a bad field', () => {
    const r = tfMessageToTransforms({
      transforms: [
        {
          header: { stamp: stampOf(12.5), frame_id: '/odom' },
          child_frame_id: 'base_link',
          transform: { translation: { x: 1, y: 2, z: 0.3 }, rotation: quatOfYaw(0.5) },
        },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]!.parent).toBe('odom');
    expect(r.value[0]!.yawRad).toBeCloseTo(0.5, 12);
    expect(r.value[0]!.stampS).toBeCloseTo(12.5, 9);
    const bad = tfMessageToTransforms({
      transforms: [{ header: { frame_id: 'odom' }, child_frame_id: 'b' }],
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.path).toContain('transforms.0.transform');
  });

  it('chains map → odom → base_link (the pose in the map) and says which link is missing', () => {
    const t = new TfTree();
    t.update([tf('odom', 'base_link', 2, 0, Math.PI / 2), tf('base_link', 'laser', 0.3, 0, 0)]);
    const missing = t.lookup('map', 'base_link');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.message).toContain('no transform from "map" to "odom"');
    t.update([tf('map', 'odom', 10, 5, Math.PI / 2)]);
    const r = t.lookup('map', 'base_link');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // odom's x axis points north in the map: 2 m along it from (10, 5) is (10, 7), heading west
    expect(r.value.pose.x).toBeCloseTo(10, 12);
    expect(r.value.pose.y).toBeCloseTo(7, 12);
    expect(Math.abs(r.value.pose.headingRad)).toBeCloseTo(Math.PI, 12);
    // composing is associative with the direct sum
    const direct = composePlanar(
      { x: 10, y: 5, yawRad: Math.PI / 2 },
      { x: 2, y: 0, headingRad: Math.PI / 2 },
    );
    expect(direct.x).toBeCloseTo(r.value.pose.x, 12);
  });
});

describe('TfEgo', () => {
  it('gives the ego on moves of the vehicle, with the speed from successive poses in odom', () => {
    const e = new TfEgo(OPTIONS);
    expect(e.takeTf([tf('map', 'odom', 100, 0, 0, 1.0)], 1.0, false)).toBeUndefined();
    // the first vehicle pose: no speed yet, so no reading (a speed is never guessed)
    expect(e.takeTf([tf('odom', 'base_link', 0, 0, 0, 1.0)], 1.0, false)).toBeUndefined();
    expect(e.waiting).toContain('second pose');
    const r = e.takeTf([tf('odom', 'base_link', 0.1, 0, 0, 1.05)], 1.06, false);
    expect(r?.pose.x).toBeCloseTo(100.1, 9);
    expect(r?.speedMps).toBeCloseTo(2, 9); // 0.1 m in 0.05 s of the transforms' own stamps
    expect(r?.speedFrom).toBe('poses');
    expect(r?.stampS).toBe(1.05);
    // a localisation correction of map → odom alone moves no vehicle: no reading, and no speed spike
    expect(e.takeTf([tf('map', 'odom', 100.5, 0, 0, 1.08)], 1.08, false)).toBeUndefined();
    const r2 = e.takeTf([tf('odom', 'base_link', 0.2, 0, 0, 1.1)], 1.1, false);
    expect(r2?.pose.x).toBeCloseTo(100.7, 9);
    expect(r2?.speedMps).toBeCloseTo(2, 9);
    // backing up: a negative speed along the heading
    e.takeTf([tf('odom', 'base_link', 0.15, 0, 0, 1.15)], 1.15, false);
    const r3 = e.takeTf([tf('odom', 'base_link', 0.1, 0, 0, 1.2)], 1.2, false);
    expect(r3!.speedMps).toBeLessThan(0);
  });

  it('takes the speed from a fresh odometry twist, not from a stale one', () => {
    const e = new TfEgo(OPTIONS);
    e.takeTf([tf('map', 'odom', 0, 0, 0)], 0, false);
    e.takeTwist(1.5, 0.1, 10.0);
    const r = e.takeTf([tf('odom', 'base_link', 3, 0, 0)], 10.1, false);
    expect(r?.speedFrom).toBe('twist');
    expect(r?.speedMps).toBe(1.5);
    expect(r?.yawRateRadps).toBe(0.1);
    // the twist is 0.5 s old: the poses give the speed (0.2 m in 0.1 s of arrival time, no stamps)
    const r2 = e.takeTf([tf('odom', 'base_link', 3.2, 0, 0)], 10.2, false);
    expect(r2?.speedFrom).toBe('twist');
    const r3 = e.takeTf([tf('odom', 'base_link', 3.4, 0, 0)], 10.5, false);
    expect(r3?.speedFrom).toBe('poses');
  });

  it('uses static transforms in the chain without a reading of their own; never odom for a map not seen yet', () => {
    // a robot without localisation names odom as its map frame
    const e = new TfEgo({ ...OPTIONS, mapFrame: 'odom', baseLinkAheadM: 1 });
    expect(e.takeTf([tf('base_footprint', 'base_link', 0, 0, 0)], 0, true)).toBeUndefined();
    e.takeTf([tf('odom', 'base_footprint', 5, 0, 0, 0)], 0, false);
    const r = e.takeTf([tf('odom', 'base_footprint', 5.1, 0, 0, 0.1)], 0.1, false);
    // the odom pose, moved back to the rear axle
    expect(r?.pose.x).toBeCloseTo(4.1, 9);
    expect(r?.speedMps).toBeCloseTo(1, 9);
    // map → odom not in yet (AMCL publishes it slowly): no reading, rather than an odom pose
    const strict = new TfEgo(OPTIONS);
    strict.takeTf([tf('odom', 'base_link', 5, 0, 0, 0)], 0, false);
    expect(strict.takeTf([tf('odom', 'base_link', 5.1, 0, 0, 0.1)], 0.1, false)).toBeUndefined();
    expect(strict.waiting).toContain('"map"');
  });
});
