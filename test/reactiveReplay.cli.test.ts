import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './cliRun.ts';

// README, "A scenario of your own" (ux20 #15): in CLS-R a replay-track lead is one of nuPlan's IDM
// agents and its scripted braking is gone; `"reactive": "replay"` keeps it scripted
const ROOT = join(import.meta.dirname, '..');

function brakingLead(reactive?: 'replay'): object {
  const track = [];
  let x = 60;
  let v = 15;
  for (let i = 0; i <= 150; i++) {
    if (i > 30) v = Math.max(0, v - 0.6); // 6 m/s² from 3 s on
    track.push({ tS: i / 10, x, y: -1.535, headingRad: 0, speedMps: v });
    x += v / 10;
  }
  return {
    formatVersion: 1,
    id: reactive ? 'lead_brake_scripted' : 'lead_brake',
    description: 'a lead that brakes from 15 m/s to a stop',
    map: { kind: 'file', path: join(ROOT, 'data/esmini/resources/xodr/straight_500m.xodr') },
    egoStart: { tS: 0, x: 20, y: -1.535, headingRad: 0, speedMps: 15 },
    route: { laneIds: ['1_0_-1'] },
    expert: [
      { tS: 0, x: 20, y: -1.535, headingRad: 0, speedMps: 15 },
      { tS: 15, x: 60, y: -1.535, headingRad: 0, speedMps: 0 },
    ],
    agents: [
      {
        id: 'lead',
        kind: 'vehicle',
        lengthM: 4.5,
        widthM: 1.8,
        start: { x: 60, y: -1.535, headingRad: 0, speedMps: 15 },
        behavior: { type: 'replay', track },
        ...(reactive ? { reactive } : {}),
      },
    ],
    durationS: 15,
  };
}

describe('a replay-track lead in CLS-R', () => {
  it('is an IDM agent by default (its braking gone), and keeps its script with "reactive": "replay"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-reactive-'));
    const ttc = async (s: object) => {
      const f = join(dir, `${(s as { id: string }).id}.json`);
      writeFileSync(f, JSON.stringify(s));
      const r = await runMain('run', f, '--planner', 'idm', '--mode', 'both');
      expect(r.status).toBe(0);
      return [...r.stdout.matchAll(/time_to_collision_within_bound +\| +([\d.]+)/g)].map((m) => Number(m[1]));
    };
    // idm follows too close for the brake: a TTC breach, in CLS-NR only unless the lead stays scripted
    expect(await ttc(brakingLead())).toEqual([0, 1]);
    expect(await ttc(brakingLead('replay'))).toEqual([0, 0]);
  });
});
