import { describe, expect, it } from 'vitest';
import { quatOfYaw, stampOf } from './rosMessages.ts';
import { StampLag } from './StampLag.ts';
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
    // backing up: a negative speed along the heading (once the backing spans a baseline)
    e.takeTf([tf('odom', 'base_link', 0.15, 0, 0, 1.15)], 1.15, false);
    e.takeTf([tf('odom', 'base_link', 0.1, 0, 0, 1.2)], 1.2, false);
    const r3 = e.takeTf([tf('odom', 'base_link', 0.05, 0, 0, 1.25)], 1.25, false);
    expect(r3!.speedMps).toBeLessThan(0);
  });

  it('keeps the speed from poses near the truth when the stamps jitter against the poses', () => {
    // a robot at 2 m/s publishing every 50 ms on a loaded machine: each message 0.1 m further, its
    // stamp (taken when sent) 18 to 80 ms after the previous one — the gaps of a run at load 30
    // (bridge/ros/RosBridge.closedloop.test.ts). Per-message differences swung from 1.5 to 3.9 m/s,
    // and a speed-commanded robot is sent (that speed + accel × dt): every upward swing undid the
    // braking toward the goal, and it ran 17 m past it
    const gaps = [
      0.052, 0.053, 0.06, 0.035, 0.065, 0.05, 0.059, 0.032, 0.057, 0.038, 0.052, 0.058, 0.08, 0.018, 0.059,
      0.032, 0.05, 0.066, 0.04, 0.044, 0.053, 0.056, 0.043,
    ];
    const e = new TfEgo(OPTIONS);
    e.takeTf([tf('map', 'odom', 3, -2, 0.3, 100)], 100, false);
    let t = 100;
    let x = 0;
    e.takeTf([tf('odom', 'base_link', 0, 0, 0, t)], t, false);
    const speeds: number[] = [];
    for (const g of gaps) {
      t += g;
      x += 0.1;
      const r = e.takeTf([tf('odom', 'base_link', x, 0, 0, t)], t + 0.01, false);
      speeds.push(r!.speedMps);
    }
    expect(Math.max(...speeds)).toBeLessThan(2.4);
    expect(Math.min(...speeds)).toBeGreaterThan(1.6);
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

describe('StampLag', () => {
  it('sees a backlog (old stamps taken in at once) whatever the offset between the two clocks', () => {
    const l = new StampLag();
    // the robot's clock runs 1000 s ahead of ours; messages every 50 ms, taken in 5 ms after
    let lag = 0;
    for (let i = 0; i < 20; i++) lag = Math.max(lag, l.take(1000 + i * 0.05, i * 0.05 + 0.005));
    expect(lag).toBeCloseTo(0, 9);
    // our process stalls 1 s; the 20 messages sent meanwhile come in one after the other at 2.0 s
    const lags: number[] = [];
    for (let i = 20; i < 40; i++) lags.push(l.take(1000 + i * 0.05, 2.0 + (i - 20) * 0.001));
    // the first is 1 s late (less the floor's creep over the stall, 0.2 s per s)
    expect(lags[0]).toBeGreaterThan(0.75);
    // every one sent half a second or more before it came in reads as older than staleAfterS (0.3 s)
    expect(lags.slice(0, 10).every((x) => x > 0.3)).toBe(true);
    // prompt again: no lag
    expect(l.take(1000 + 2.1, 2.1 + 0.005)).toBeCloseTo(0, 2);
    expect(l.take(undefined, 2.2)).toBe(0);
  });

  it('follows a robot clock running 10 % slow (a simulation at 0.9 real time) without a growing lag', () => {
    const l = new StampLag();
    let lag = 0;
    for (let i = 0; i < 2000; i++) lag = l.take(0.9 * i * 0.05, i * 0.05 + 0.005);
    expect(lag).toBeLessThan(0.01);
  });
});
