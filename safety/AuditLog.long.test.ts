/**
 * The exhaustive form of AuditLog.test.ts's tamper test (`npm run test:long`): every byte of a log
 * with records and checkpoints flipped in turn, each flip a full verification (about 10 s).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, publicKeyOf } from './AuditLog.ts';
import { verifyAuditText } from './auditReader.ts';

describe('AuditLog, every byte', () => {
  it('catches every single-byte tamper', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-audit-long-'));
    const path = join(dir, 'audit.jsonl');
    const keyPath = join(dir, 'key.pem');
    const opened = AuditLog.open(path, { keyPath, checkpointEvery: 2, configHash: 'cfg' });
    if (!opened.ok) throw new Error(opened.error.message);
    const decisions = ['ALLOW', 'MODIFY', 'VETO'] as const;
    for (let i = 0; i < 4; i++) {
      const decision = decisions[i % 3]!;
      const rule = i % 2 ? 'rss.longitudinal' : 'signal.redLight';
      opened.value.log.append({
        tS: i * 0.5,
        inputsDigest: `d${i}`,
        command: null,
        verdict: {
          decision,
          rules: [
            { rule, decision, values: { gapM: 12.5, safeDistanceM: 30.1 }, message: `${rule} at ${i * 0.5}` },
            { rule: 'ttc', decision: 'ALLOW', values: {}, message: 'ok' },
          ],
          explanation: `${decision}: ${rule}`,
          ...(decision === 'VETO' ? { mrm: { kind: 'COMFORT_STOP' as const, decelMps2: 1 } } : {}),
        },
      });
    }
    opened.value.log.close();
    const pub = publicKeyOf(keyPath);
    if (!pub.ok) throw new Error(pub.error.message);
    const o = { publicKeyPem: pub.value.publicKeyPem };
    const bytes = readFileSync(path);
    expect(verifyAuditText(bytes.toString('utf8'), o).ok).toBe(true);
    let missed = 0;
    for (let i = 0; i < bytes.length; i++) {
      const t = Buffer.from(bytes);
      t[i] = t[i]! ^ 0x01;
      if (verifyAuditText(t.toString('utf8'), o).ok) missed++;
    }
    expect(missed).toBe(0);
  });
});
