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
  const s = new LiveSource({ nowS: () => now }, 1, 2, 30);
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

  it('drops old data delivered after a stall, however long the silence (a backlog is no restarted clock)', () => {
    // the M5 flake: rosbridge delivered an early pose of the drive after a stall; it was taken
    // because 1 s had passed without a pose (the old rule: any key after a silence)
    const { s, at } = source();
    expect(s.setEgo(ego(109.36), 50.47)).toBe(true);
    at(102.5); // 2.5 s of silence
    expect(s.setEgo(ego(100.54), 50.03)).toBe(false); // 0.44 s behind: near the newest
    expect(s.setEgo(ego(104.36), 50.22)).toBe(false);
    at(110);
    // far behind, in order, in a burst (a backlog of old messages): never a full run over confirmS
    for (let i = 0; i < 10; i++) expect(s.admit(40 + i * 0.05)).toBe('drop');
    expect(s.currentEgo!.x).toBe(109.36);
    expect(s.outOfOrderCount).toBe(12);
    expect(s.clockResets).toBe(0);
  });

  it('takes a restarted clock: stamps far back, live and in order for confirmS (a simulation reset)', () => {
    const { s, at } = source();
    s.setEgo(ego(50), 1000.0);
    at(100.05);
    s.setEgo(ego(51), 1000.05);
    // the simulation restarts: stamps from 0.1 s, one every 0.1 s of ours
    const verdicts: string[] = [];
    for (let i = 0; i < 8; i++) {
      at(101 + i * 0.1);
      verdicts.push(s.admit(0.1 + i * 0.1));
    }
    // three keys in order and 0.5 s of our clock: taken at the sixth, on the new clock from then on
    expect(verdicts).toEqual(['drop', 'drop', 'drop', 'drop', 'drop', 'reset', 'take', 'take']);
    expect(s.clockResets).toBe(1);
    at(102);
    expect(s.setEgo(ego(0), 1.0)).toBe(true);
    expect(s.currentEgo!.x).toBe(0);
    expect(s.setEgo(ego(9), 0.5)).toBe(false); // and older ones on the new clock are dropped again
    // poses of the old clock still in flight do not switch back to it: it is another timeline now
    expect(s.setEgo(ego(52), 1000.1)).toBe(false);
    at(102.1);
    expect(s.setEgo(ego(1), 1.1)).toBe(true);
    expect(s.clockResets).toBe(1);
  });

  it('never takes a replay on an old clock while the live stream goes on (a second publisher)', () => {
    const { s, at } = source();
    for (let i = 0; i < 40; i++) {
      at(100 + i * 0.05);
      expect(s.setEgo(ego(i), 1000 + i * 0.05)).toBe(true); // live
      expect(s.setEgo(ego(-i), 900 + i * 0.05)).toBe(false); // a bag 100 s old, in order
    }
    expect(s.currentEgo!.x).toBe(39);
    expect(s.clockResets).toBe(0);
  });

  it('takes a restarted counter the same way (MQTT seq without stamps)', () => {
    const { s, at } = source();
    s.setEgo(ego(10), undefined, 0, 30);
    at(100.01);
    expect(s.admit(30, 'counter')).toBe('drop'); // a duplicate
    const verdicts: string[] = [];
    for (let k = 1; k <= 7; k++) {
      at(100 + k * 0.1);
      verdicts.push(s.admit(k, 'counter'));
    }
    expect(verdicts).toEqual(['drop', 'drop', 'drop', 'drop', 'drop', 'reset', 'take']);
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

describe('LiveSource localisation jumps (ux20 #4)', () => {
  const check = { maxSpeedMps: 2, marginM: 1, settleS: 1 };

  it('takes motion the vehicle can make; a pose beyond top speed × Δt + margin holds it (missing: pose-jump)', () => {
    const { s, at } = source();
    const seen: string[] = [];
    s.checkPoseJumps(check, (e) => seen.push(`${e.kind} ${e.distanceM.toFixed(2)}/${e.allowedM.toFixed(2)}`));
    s.setEgo(ego(54.9));
    at(100.05);
    s.setEgo(ego(55.0)); // 0.1 m in 50 ms: fine
    expect(s.missing).toBeUndefined();
    at(100.1);
    s.setEgo(ego(30)); // 25 m in 50 ms at 2 m/s
    expect(s.missing).toBe('pose-jump');
    expect(s.latest()).toBeUndefined();
    expect(seen).toEqual(['jump 25.00/1.10']);
    expect(s.jumpCount).toBe(1);
  });

  it('a re-localisation: poses consistent with the new one for settleS are taken, the hold ends', () => {
    const { s, at } = source();
    const seen: string[] = [];
    s.checkPoseJumps(check, (e) => seen.push(e.kind));
    s.setEgo(ego(54.9));
    at(100.05);
    s.setEgo(ego(30));
    for (let i = 1; i <= 19; i++) {
      at(100.05 + i * 0.05);
      s.setEgo(ego(30 + i * 0.01));
      expect(s.missing).toBe('pose-jump');
    }
    at(101.06);
    s.setEgo(ego(30.2));
    expect(s.missing).toBeUndefined();
    expect(seen).toEqual(['jump', 'relocalised']);
  });

  it('uses the robot’s stamps for Δt: a backlog arriving in a burst is not a jump', () => {
    const { s, at } = source();
    s.checkPoseJumps(check);
    s.setEgo(ego(10), 5.0);
    at(100.001);
    s.setEgo(ego(13), 7.0); // 3 m in 2 s of robot time, 1 ms of ours
    expect(s.missing).toBeUndefined();
    expect(s.jumpCount).toBe(0);
  });
});

describe('LiveSource /initialpose (the operator sets the pose)', () => {
  const check = { maxSpeedMps: 2, marginM: 1, settleS: 1 };
  const run = () => {
    const { s, at } = source();
    const seen: string[] = [];
    s.checkPoseJumps(check, (e) => seen.push(e.kind));
    s.setEgo(ego(10));
    at(100.05);
    s.setEgo(ego(10.05));
    return { s, at, seen };
  };

  it('a jump onto the pose set is the new track at once; a later one elsewhere is held', () => {
    const { s, at, seen } = run();
    s.expectRelocalisation({ x: 50, y: 0 }, 2.5);
    at(100.1);
    s.setEgo(ego(51)); // 1 m from the pose set
    expect(s.missing).toBeUndefined();
    expect(seen).toEqual(['initialpose']);
    at(100.15);
    s.setEgo(ego(90)); // announced once: this one is a jump
    expect(s.missing).toBe('pose-jump');
    expect(seen).toEqual(['initialpose', 'jump']);
  });

  it('the pose set arriving after the localiser jumped onto it ends the hold', () => {
    const { s, at, seen } = run();
    at(100.1);
    s.setEgo(ego(50.5));
    expect(s.missing).toBe('pose-jump');
    s.expectRelocalisation({ x: 50, y: 0 }, 2.5);
    expect(s.missing).toBeUndefined();
    expect(seen).toEqual(['jump', 'initialpose']);
  });

  it('a jump beyond the radius, or after withinS, is held as any jump', () => {
    const { s, at, seen } = run();
    s.expectRelocalisation({ x: 50, y: 0 }, 2.5);
    at(100.1);
    s.setEgo(ego(53)); // 3 m away
    expect(s.missing).toBe('pose-jump');
    const b = run();
    b.s.expectRelocalisation({ x: 50, y: 0 }, 2.5, 5);
    b.at(106);
    b.s.setEgo(ego(50));
    expect(b.s.missing).toBe('pose-jump');
    expect(seen).toEqual(['jump']);
  });
});
