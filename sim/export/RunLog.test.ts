import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRunLogs, readRunLog } from './RunLog.ts';

const tick = (x: unknown) => ({
  tS: 0,
  ego: { tS: 0, x, y: 0, headingRad: 0, speedMps: 1 },
  agents: [],
  lights: [],
});
const log = (x: unknown) => ({
  scenarioId: 's',
  planner: 'p',
  mode: 'nonreactive',
  dtS: 0.1,
  vehicle: {},
  ticks: [tick(x)],
});

describe('readRunLog', () => {
  it('names the bad field of a run log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlog-'));
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify(log('east')));
    const r = readRunLog(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe(`${p}:ticks.0.ego.x`);
  });

  it('accepts a minimal log and fills the defaults (Pacifica vehicle)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlog-'));
    const p = join(dir, 'ok.json');
    writeFileSync(p, JSON.stringify(log(1)));
    const r = readRunLog(p);
    expect(r.ok).toBe(true);
    // core VehicleParamsSchema default length, nuPlan get_pacifica_parameters: 5.176 m.
    if (r.ok) expect(r.value.vehicle.lengthM).toBe(5.176);
  });
});

describe('findRunLogs', () => {
  it('finds run logs below a results folder but not summary.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-'));
    mkdirSync(join(dir, 'idm', 'logs'), { recursive: true });
    writeFileSync(join(dir, 'idm', 'summary.json'), '{}');
    writeFileSync(join(dir, 'idm', 'logs', 'b.json'), '{}');
    writeFileSync(join(dir, 'idm', 'logs', 'a.json'), '{}');
    const r = findRunLogs(dir);
    expect(r.ok && r.value.map((f) => f.slice(dir.length))).toEqual(['/idm/logs/a.json', '/idm/logs/b.json']);
  });
});
