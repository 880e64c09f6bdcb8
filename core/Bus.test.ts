import { describe, expect, it } from 'vitest';
import { Bus, type Envelope } from './Bus.ts';

const control = { kind: 'ackermann' as const, accelMps2: 1, steerRad: 0.1 };

describe('Bus', () => {
  it('delivers typed messages stamped with time and valid', () => {
    const bus = new Bus();
    const got: Envelope<'control'>[] = [];
    bus.subscribe('control', (m) => got.push(m));
    bus.publish('control', 1.5, control);
    expect(got).toEqual([{ topic: 'control', tS: 1.5, valid: true, data: control }]);
  });

  it('parses untrusted input and delivers failures as invalid, naming the field', () => {
    const bus = new Bus();
    const got: Envelope<'control'>[] = [];
    bus.subscribe('control', (m) => got.push(m));
    bus.publishUntrusted('control', 2, { kind: 'ackermann', accelMps2: 'fast', steerRad: 0 });
    expect(got).toHaveLength(1);
    const m = got[0]!;
    expect(m.valid).toBe(false);
    if (!m.valid) expect(m.error.path).toBe('control:accelMps2');
  });

  it('stops delivering after unsubscribe', () => {
    const bus = new Bus();
    let n = 0;
    const off = bus.subscribe('control', () => n++);
    bus.publish('control', 0, control);
    off();
    bus.publish('control', 0.1, control);
    expect(n).toBe(1);
  });
});
