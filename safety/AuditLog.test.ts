import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../core/index.ts';
import { AuditLog } from './AuditLog.ts';
import {
  auditReportHtml,
  explainRecord,
  queryAudit,
  readAuditRecords,
  verifyAuditLog,
  verifyAuditText,
} from './auditReader.ts';

const here = dirname(fileURLToPath(import.meta.url));

function verdict(decision: Verdict['decision'], rule: string, tS: number): Verdict {
  return {
    decision,
    rules: [
      { rule, decision, values: { gapM: 12.5, safeDistanceM: 30.1 }, message: `${rule} at ${tS}` },
      { rule: 'ttc', decision: 'ALLOW', values: {}, message: 'ok' },
    ],
    explanation: `${decision}: ${rule}`,
    ...(decision === 'VETO' ? { mrm: { kind: 'COMFORT_STOP' as const, decelMps2: 1 } } : {}),
  };
}

function writeLog(n: number, every = 3): { path: string; keyPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-audit-'));
  const path = join(dir, 'audit.jsonl');
  const keyPath = join(dir, 'key.pem');
  const opened = AuditLog.open(path, { keyPath, checkpointEvery: every, configHash: 'cfg' });
  if (!opened.ok) throw new Error(opened.error.message);
  const log = opened.value.log;
  const decisions = ['ALLOW', 'MODIFY', 'VETO'] as const;
  for (let i = 0; i < n; i++) {
    const d = decisions[i % 3]!;
    log.append({
      tS: i * 0.5,
      inputsDigest: `d${i}`,
      command: null,
      verdict: verdict(d, i % 2 ? 'rss.longitudinal' : 'signal.redLight', i * 0.5),
    });
  }
  log.close();
  return { path, keyPath };
}

describe('AuditLog', () => {
  it('a fresh log verifies, with signed checkpoints', () => {
    const { path } = writeLog(7);
    const r = verifyAuditLog(path);
    expect(r.ok && r.value.ok).toBe(true);
    if (r.ok) {
      expect(r.value.records).toBe(7);
      expect(r.value.checkpoints).toBe(3); // after 3, 6 and on close
    }
  });

  it('catches every single-byte tamper', () => {
    const { path } = writeLog(4, 2);
    const bytes = readFileSync(path);
    expect(verifyAuditText(bytes.toString('utf8')).ok).toBe(true);
    let missed = 0;
    for (let i = 0; i < bytes.length; i++) {
      const t = Buffer.from(bytes);
      t[i] = t[i]! ^ 0x01;
      if (verifyAuditText(t.toString('utf8')).ok) missed++;
    }
    expect(missed).toBe(0);
  });

  it('finds a dropped, an inserted and a reordered record', () => {
    const { path } = writeLog(6, 100);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const join2 = (ls: string[]) => `${ls.join('\n')}\n`;
    const dropped = lines.filter((_, i) => i !== 3);
    const inserted = [...lines.slice(0, 3), lines[2]!, ...lines.slice(3)];
    const reordered = [...lines];
    [reordered[2], reordered[3]] = [reordered[3]!, reordered[2]!];
    expect(verifyAuditText(join2(dropped)).ok).toBe(false);
    expect(verifyAuditText(join2(inserted)).ok).toBe(false);
    expect(verifyAuditText(join2(reordered)).ok).toBe(false);
  });

  it('reopening resumes the chain and still verifies', () => {
    const { path, keyPath } = writeLog(3);
    const again = AuditLog.open(path, { keyPath, checkpointEvery: 3, configHash: 'cfg' });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    again.value.log.append({ tS: 9, inputsDigest: 'x', command: null, verdict: verdict('ALLOW', 'ttc', 9) });
    again.value.log.close();
    const r = verifyAuditLog(path);
    expect(r.ok && r.value.ok && r.value.records === 4).toBe(true);
  });

  it('cuts a torn final line on open and reports its size', () => {
    const { path, keyPath } = writeLog(3);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"record","seq":9`);
    expect(verifyAuditText(readFileSync(path, 'utf8')).issues[0]?.kind).toBe('torn');
    const again = AuditLog.open(path, { keyPath, configHash: 'cfg' });
    expect(again.ok && again.value.recovery.truncatedBytes).toBe(24);
    if (again.ok) again.value.log.close();
    const r = verifyAuditLog(path);
    expect(r.ok && r.value.ok).toBe(true);
  });

  it('a process killed with a torn line on disk loses exactly that line; every complete record survives and verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-kill-'));
    const path = join(dir, 'audit.jsonl');
    const keyPath = join(dir, 'key.pem');
    // The helper appends 40 records, writes half of the next line and waits to be killed.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'auditAppendLoop.ts'), path, keyPath, '40'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const tornBytes = await new Promise<number>((resolve) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /torn (\d+)\n/.exec(buf);
        if (m) resolve(Number(m[1]));
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(false);
    expect(verifyAuditText(text).issues.map((i) => i.kind)).toContain('torn');
    const completeLines = text.slice(0, text.lastIndexOf('\n') + 1);
    const complete = completeLines.split('\n').length - 1;
    // header + 40 records + checkpoints every 7 records (5 of them)
    expect(complete).toBe(1 + 40 + 5);
    const opened = AuditLog.open(path, { keyPath, configHash: 'test' });
    if (!opened.ok) throw new Error(opened.error.message);
    opened.value.log.close();
    expect(opened.value.recovery.truncatedBytes).toBe(tornBytes);
    const after = readFileSync(path, 'utf8');
    // Every complete line is kept byte for byte; only the torn tail was cut (then a checkpoint).
    expect(after.startsWith(completeLines)).toBe(true);
    const r = verifyAuditLog(path);
    expect(r.ok && r.value.issues).toEqual([]);
    const recs = readAuditRecords(path);
    expect(recs.ok && recs.value.length).toBe(40);
  });

  it('query filters by rule prefix, decision and time; explain names rule and numbers; report counts', () => {
    const { path } = writeLog(12);
    const recs = readAuditRecords(path);
    expect(recs.ok).toBe(true);
    if (!recs.ok) return;
    // i odd → rss.longitudinal: i = 1, 7 MODIFY; 3, 9 ALLOW; 5, 11 VETO (t = 2.5, 5.5)
    const q = queryAudit(recs.value, { rule: 'rss.longitudinal', decision: 'VETO', fromS: 0, toS: 5 });
    expect(q.map((r) => r.tS)).toEqual([2.5]);
    const text = explainRecord(q[0]!);
    expect(text).toContain('rss.longitudinal (VETO)');
    expect(text).toContain('gapM=12.5');
    const html = auditReportHtml(recs.value);
    expect(html).toContain('<svg');
    expect(html).toMatch(/<td>rss.longitudinal<\/td><td>2<\/td><td>2<\/td><td>2<\/td>/);
  });
});
