import { describe, expect, it } from 'vitest';
import { unwrap } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import type { RunLog } from '../../sim/export/index.ts';
import { mapGeometry } from './mapGeometry.ts';
import { timelineEvents } from './runView.ts';

const map = unwrap(
  RoadMap.fromData(
    {
      id: 'm',
      lanes: [
        {
          id: 'A',
          centerline: [
            { x: 0, y: 0 },
            { x: 20, y: 0 },
          ],
          widthM: 4,
          speedLimitMps: 10,
          successors: ['C'],
        },
        {
          id: 'C',
          centerline: [
            { x: 20, y: 0 },
            { x: 40, y: 0 },
          ],
          widthM: 4,
          speedLimitMps: 10,
          predecessors: ['A'],
          junctionId: 'J',
        },
      ],
      stopLines: [{ id: 'S', laneId: 'A', sM: 18 }],
    },
    'test',
  ),
);

describe('mapGeometry', () => {
  it('gives each lane its left and right edges at half the width', () => {
    const a = mapGeometry(map).lanes[0]!;
    // Lane A runs east, 4 m wide: left edge y = +2, right edge y = −2.
    expect(a.left).toEqual([0, 2, 20, 2]);
    expect(a.right).toEqual([0, -2, 20, -2]);
  });

  it('draws a light at the lane signal stop line, or 3 m into a junction connector', () => {
    const s = mapGeometry(map).signals;
    expect(s.find((m) => m.laneId === 'A')).toMatchObject({ x: 18, y: 0 });
    // Connector C starts at x = 20; min(3, 20 / 4) = 3 m in.
    expect(s.find((m) => m.laneId === 'C')).toMatchObject({ x: 23, y: 0 });
  });
});

describe('timelineEvents', () => {
  const ego = { tS: 0, x: 0, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0, steerRad: 0, yawRateRadps: 0 };
  const cmd = (speed: 'KEEP' | 'STOP', tS: number) => ({
    speed,
    path: 'FOLLOW_LANE' as const,
    horizonS: 5,
    rationale: '',
    issuedAtS: tS,
    expiresAtS: tS + 5,
    source: 'test',
  });
  const log = {
    ticks: [
      { tS: 0, ego, agents: [], lights: [], command: cmd('KEEP', 0) },
      { tS: 0.1, ego, agents: [], lights: [], command: cmd('KEEP', 0.1) },
      {
        tS: 0.2,
        ego,
        agents: [],
        lights: [],
        command: cmd('STOP', 0.2),
        verdict: {
          decision: 'VETO',
          rules: [{ rule: 'ttc', decision: 'VETO', values: {}, message: '' }],
          explanation: '',
        },
      },
    ],
  } as unknown as RunLog;

  it('marks command changes only (not repeats) and vetoes with their rule names', () => {
    expect(timelineEvents(log).map((e) => `${e.tS} ${e.label}`)).toEqual([
      '0 command: KEEP FOLLOW_LANE',
      '0.2 veto: ttc',
      '0.2 command: STOP FOLLOW_LANE',
    ]);
  });
});
