import { spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../core/index.ts';
import {
  AuditLog,
  checkpointMessage,
  entryHash,
  GENESIS_HASH,
  genesisMessage,
  keyFingerprint,
  publicKeyOf,
} from './AuditLog.ts';
import {
  auditReportHtml,
  explainRecord,
  queryAudit,
  readAuditRecords,
  verifyAuditLog,
  verifyAuditText,
} from './auditReader.ts';
import { canonicalJson } from './canonicalJson.ts';

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

function writeLog(n: number, every = 3, close = true): { path: string; keyPath: string; pub: string } {
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
  if (close) log.close();
  const pub = publicKeyOf(keyPath);
  if (!pub.ok) throw new Error(pub.error.message);
  return { path, keyPath, pub: pub.value.publicKeyPem };
}

/** What an attacker with write access (no private key) can do: re-chain entries after editing them. */
function rechain(entries: Record<string, unknown>[], resign?: KeyObject): string {
  let prev = GENESIS_HASH;
  let records = 0;
  const out: string[] = [];
  entries.forEach((e, i) => {
    const x: Record<string, unknown> = { ...e, seq: i, prevHash: prev };
    delete x.hash;
    if (x.type === 'record') records++;
    if (x.type === 'checkpoint') {
      x.records = records;
      if (resign)
        x.signature = sign(null, checkpointMessage(i, prev, records, x.final as boolean), resign).toString(
          'base64',
        );
    }
    if (x.type === 'header' && resign) x.signature = sign(null, genesisMessage(x), resign).toString('base64');
    x.hash = entryHash(x);
    prev = x.hash as string;
    out.push(canonicalJson(x));
  });
  return `${out.join('\n')}\n`;
}
const entriesOf = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const messages = (r: ReturnType<typeof verifyAuditText>): string =>
  r.issues.map((i) => `${i.kind}: ${i.message}`).join('\n');

describe('AuditLog', () => {
  it('a fresh log verifies, with signed checkpoints', () => {
    const { path, pub } = writeLog(7);
    const r = verifyAuditLog(path, { publicKeyPem: pub });
    expect(r.ok && r.value.ok).toBe(true);
    if (r.ok) {
      expect(r.value.records).toBe(7);
      expect(r.value.checkpoints).toBe(3); // after 3, 6 and on close
    }
  });

  it('catches a single-byte tamper: every 7th byte of the log and every byte of a checkpoint line', () => {
    // Every byte of the whole log is flipped in AuditLog.long.test.ts (npm run test:long): each
    // flip is a full verification, about 10 s for all of them.
    const { path, pub } = writeLog(4, 2);
    const bytes = readFileSync(path);
    expect(verifyAuditText(bytes.toString('utf8'), { publicKeyPem: pub }).ok).toBe(true);
    const text = bytes.toString('utf8');
    const line = text.split('\n').findIndex((l) => l.includes('"type":"checkpoint"'));
    expect(line, 'the log has a checkpoint line').toBeGreaterThan(0);
    const from = Buffer.byteLength(text.split('\n').slice(0, line).join('\n')) + 1;
    const to = from + Buffer.byteLength(text.split('\n')[line]!);
    let missed = 0;
    let flipped = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (i % 7 !== 0 && (i < from || i >= to)) continue;
      const t = Buffer.from(bytes);
      t[i] = t[i]! ^ 0x01;
      flipped++;
      if (verifyAuditText(t.toString('utf8'), { publicKeyPem: pub }).ok) missed++;
    }
    expect(flipped).toBeGreaterThan(bytes.length / 7);
    expect(missed).toBe(0);
  });

  it('finds a dropped, an inserted and a reordered record', () => {
    const { path, pub } = writeLog(6, 100);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const join2 = (ls: string[]) => `${ls.join('\n')}\n`;
    const dropped = lines.filter((_, i) => i !== 3);
    const inserted = [...lines.slice(0, 3), lines[2]!, ...lines.slice(3)];
    const reordered = [...lines];
    [reordered[2], reordered[3]] = [reordered[3]!, reordered[2]!];
    const o = { publicKeyPem: pub };
    expect(verifyAuditText(join2(lines), o).ok).toBe(true);
    expect(verifyAuditText(join2(dropped), o).ok).toBe(false);
    expect(verifyAuditText(join2(inserted), o).ok).toBe(false);
    expect(verifyAuditText(join2(reordered), o).ok).toBe(false);
  });

  it('reopening resumes the chain and still verifies', () => {
    const { path, keyPath, pub } = writeLog(3);
    const again = AuditLog.open(path, { keyPath, checkpointEvery: 3, configHash: 'cfg' });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    again.value.log.append({ tS: 9, inputsDigest: 'x', command: null, verdict: verdict('ALLOW', 'ttc', 9) });
    again.value.log.close();
    const r = verifyAuditLog(path, { publicKeyPem: pub });
    expect(r.ok && r.value.ok && r.value.records === 4).toBe(true);
  });

  it('a resume refused for another key file leaves no new key file behind (review 14 L2)', () => {
    const { path } = writeLog(3);
    const other = join(dirname(path), 'k2.pem');
    const again = AuditLog.open(path, { keyPath: other, configHash: 'cfg' });
    expect(!again.ok && again.error.message).toMatch(/key file does not match/);
    expect(existsSync(other)).toBe(false);
  });

  it('cuts a torn final line on open and reports its size', () => {
    const { path, keyPath, pub } = writeLog(3);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"record","seq":9`);
    expect(verifyAuditText(readFileSync(path, 'utf8'), { publicKeyPem: pub }).issues[0]?.kind).toBe('torn');
    const again = AuditLog.open(path, { keyPath, configHash: 'cfg' });
    expect(again.ok && again.value.recovery.truncatedBytes).toBe(24);
    if (again.ok) again.value.log.close();
    const r = verifyAuditLog(path, { publicKeyPem: pub });
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
    // the 5 records after the last checkpoint are unsigned: resumed only when adopted, and counted
    const copy = join(dir, 'copy.jsonl');
    writeFileSync(copy, text);
    const refused = AuditLog.open(copy, { keyPath, configHash: 'test' });
    expect(!refused.ok && refused.error.message).toMatch(/5 record\(s\) at the end are not covered/);
    const opened = AuditLog.open(path, { keyPath, configHash: 'test', adoptUnsignedTail: true });
    if (!opened.ok) throw new Error(opened.error.message);
    opened.value.log.close();
    expect(opened.value.recovery.truncatedBytes).toBe(tornBytes);
    expect(opened.value.recovery.adoptedRecords).toBe(5);
    const after = readFileSync(path, 'utf8');
    // Every complete line is kept byte for byte; only the torn tail was cut (then a checkpoint).
    expect(after.startsWith(completeLines)).toBe(true);
    const pub = publicKeyOf(keyPath);
    if (!pub.ok) throw new Error(pub.error.message);
    const r = verifyAuditLog(path, { publicKeyPem: pub.value.publicKeyPem });
    expect(r.ok && r.value.issues).toEqual([]);
    expect(r.ok && [r.value.sessions, r.value.adoptedRecords]).toEqual([2, 5]);
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
    const noisy = { ...q[0]!, tS: 0.30000000000000004 };
    noisy.verdict = {
      ...noisy.verdict,
      rules: [
        {
          rule: 'rss.longitudinal',
          decision: 'VETO',
          values: { gapM: 12.345678, x: 0.123456 },
          message: 'm',
        },
      ],
    };
    const rounded = explainRecord(noisy);
    expect(rounded).toContain('t = 0.3 s');
    expect(rounded).toContain('gapM=12.35, x=0.123');
    const html = auditReportHtml(recs.value);
    expect(html).toContain('<svg');
    expect(html).toMatch(/<td>rss.longitudinal<\/td><td>2<\/td><td>2<\/td><td>2<\/td>/);
  });

  describe('attacks: each fails verify with a message naming what is wrong', () => {
    it('a log re-signed with a different key (a record edited, chain and signatures redone)', () => {
      const { path, pub } = writeLog(6);
      const entries = entriesOf(path);
      const rec = entries[2]! as { verdict: { decision: string } };
      rec.verdict.decision = 'ALLOW';
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      entries[0] = {
        ...entries[0],
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
        keyFingerprint: keyFingerprint(publicKey),
      };
      const forged = rechain(entries, privateKey);
      // it is self-consistent: only the out-of-band key tells
      const r = verifyAuditText(forged, { publicKeyPem: pub });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /key: the log is signed by key [0-9a-f]{64}, not by the trusted key [0-9a-f]{64}: another key, .* re-signed by someone else/,
      );
      expect(messages(r)).toMatch(/genesis: the genesis header is not signed by the trusted key/);
      expect(messages(r)).toMatch(
        /signature: checkpoint seq \d+: signature does not verify under the trusted key/,
      );
    });
    it('a log with its key and checkpoints stripped', () => {
      const { path, pub } = writeLog(6);
      const entries = entriesOf(path).filter((e) => e.type !== 'checkpoint');
      entries[0] = { ...entries[0], publicKeyPem: '', keyFingerprint: '', signature: '' };
      const r = verifyAuditText(rechain(entries), { publicKeyPem: pub });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(/genesis: the genesis header is unsigned/);
      expect(messages(r)).toMatch(/tail: 6 record\(s\) after the header are not covered by any signature/);
    });
    it('a log whose records after the last periodic checkpoint were cut (with the closing checkpoint)', () => {
      const { path, pub } = writeLog(7, 3); // h r r r cp r r r cp r cp(final)
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      const cut = `${lines.slice(0, 9).join('\n')}\n`;
      const r = verifyAuditText(cut, { publicKeyPem: pub });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /tail: the log does not end with its closing checkpoint: entries after line 9 may have been cut/,
      );
    });
    it('a log whose last checkpoint itself was cut', () => {
      const { path, pub } = writeLog(7, 3);
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      const cut = `${lines.slice(0, -1).join('\n')}\n`;
      const r = verifyAuditText(cut, { publicKeyPem: pub });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /tail: 1 record\(s\) after the last signed checkpoint \(line 9\) are not covered by any signature/,
      );
    });
    it('a truncated log with forged records appended (chain redone, no signature)', () => {
      const { path, pub } = writeLog(7, 3);
      const entries = entriesOf(path).slice(0, 5); // header, 3 records, checkpoint
      for (let i = 0; i < 3; i++) entries.push({ ...entries[1]!, tS: 10 + i, inputsDigest: `forged${i}` });
      const r = verifyAuditText(rechain(entries), { publicKeyPem: pub });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /tail: 3 record\(s\) after the last signed checkpoint \(line 5\) are not covered by any signature/,
      );
    });
    it('a truncated log with forged records and a checkpoint signed by another key', () => {
      const { path, pub } = writeLog(7, 3);
      const { privateKey } = generateKeyPairSync('ed25519');
      const head = entriesOf(path).slice(0, 5);
      const forged = rechain([
        ...head,
        { ...head[1]!, tS: 10, inputsDigest: 'forged' },
        { ...head[4]!, final: true },
      ]);
      // re-sign only the forged final checkpoint with the attacker's key
      const lines = forged.trimEnd().split('\n');
      const last = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
      last.signature = sign(
        null,
        checkpointMessage(last.seq as number, last.prevHash as string, last.records as number, true),
        privateKey,
      ).toString('base64');
      last.hash = entryHash(last);
      lines[lines.length - 1] = canonicalJson(last);
      const r = verifyAuditText(`${lines.join('\n')}\n`, { publicKeyPem: pub });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /signature: checkpoint seq 6: signature does not verify under the trusted key/,
      );
      expect(messages(r)).toMatch(/tail: 1 record\(s\) after the last signed checkpoint \(line 5\)/);
    });
    it('without a trusted key nothing verifies: the key inside the log proves nothing', () => {
      const { path } = writeLog(3);
      const r = verifyAuditText(readFileSync(path, 'utf8'));
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(/key: no trusted key/);
    });
    it('a pinned fingerprint vouches for the key the log carries, and a wrong one does not', () => {
      const { path, keyPath } = writeLog(3);
      const pub = publicKeyOf(keyPath);
      if (!pub.ok) throw new Error(pub.error.message);
      const text = readFileSync(path, 'utf8');
      expect(verifyAuditText(text, { fingerprint: pub.value.fingerprint }).ok).toBe(true);
      const wrong = verifyAuditText(text, { fingerprint: 'ab'.repeat(32) });
      expect(wrong.ok).toBe(false);
      expect(messages(wrong)).toMatch(/re-signed by someone else/);
    });
    it('a fingerprint prefix (not the full 64 hex) is refused as such, not called a re-signed log', () => {
      // ux20 #9: the 16-hex prefix verify used to print, passed back, read "signed by key X…, not the pinned key X…"
      const { path, keyPath } = writeLog(3);
      const pub = publicKeyOf(keyPath);
      if (!pub.ok) throw new Error(pub.error.message);
      const r = verifyAuditText(readFileSync(path, 'utf8'), {
        fingerprint: pub.value.fingerprint.slice(0, 16),
      });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /key: the pinned fingerprint must be the key's full SHA-256 fingerprint, 64 hex/,
      );
      expect(messages(r)).not.toMatch(/re-signed/);
    });
    it('a private key given as the trusted public key is refused, never derived from', () => {
      const { path, keyPath } = writeLog(3);
      const r = verifyAuditText(readFileSync(path, 'utf8'), { publicKeyPem: readFileSync(keyPath, 'utf8') });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(/key: the given public key is a private key/);
    });
    it('a log forged with another key whose header claims the pinned fingerprint', () => {
      // review 12, H1: the pinned fingerprint was compared with the header's own (writer-written)
      // keyFingerprint field, and a log nobody could check was passed
      const { keyPath } = writeLog(3);
      const pinned = publicKeyOf(keyPath);
      if (!pinned.ok) throw new Error(pinned.error.message);
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const forged = rechain(
        [
          {
            type: 'header',
            format: 'edgeplan-audit',
            version: 3,
            publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
            keyFingerprint: pinned.value.fingerprint,
            configHash: 'cfg',
            signature: '',
          },
          { ...entriesOf(writeLog(1).path)[1]!, inputsDigest: 'FORGED' },
          { type: 'checkpoint', tS: 0, records: 1, final: true, signature: '' },
        ],
        privateKey,
      );
      const r = verifyAuditText(forged, { fingerprint: pinned.value.fingerprint });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /key: the log is signed by key [0-9a-f]{64}, not by the pinned key [0-9a-f]{64}: another key, .* re-signed/,
      );
      expect(messages(r)).toMatch(
        /header: the header's keyFingerprint \S+ is not the fingerprint of the key/,
      );
      expect(r.checkpoints).toBe(1);
      expect(r.unsignedTail, 'no checkpoint counts as signed without a trusted key').toBe(1);
    });
    it('open refuses a closed log with a forged record appended: it does not sign over it', () => {
      // review 12, H2: open resumed the chain from the last line, and the next session's signed
      // checkpoints covered the forged record, which then verified
      const { path, keyPath, pub } = writeLog(4);
      const entries = entriesOf(path);
      entries.push({ ...entries[1]!, inputsDigest: 'FORGED: all clear' });
      const forged = rechain(entries);
      writeFileSync(path, forged);
      // not even when told to adopt an unsigned tail: format 4 reopens a closed log only with a
      // signed session entry, so a record right after the closing checkpoint is no crash's
      const again = AuditLog.open(path, { keyPath, configHash: 'cfg', adoptUnsignedTail: true });
      expect(again.ok).toBe(false);
      expect(!again.ok && again.error.message).toMatch(
        /record seq 7 follows the closing checkpoint \(line 7\) without a signed session entry/,
      );
      expect(readFileSync(path, 'utf8'), 'nothing was appended').toBe(forged);
      expect(verifyAuditText(forged, { publicKeyPem: pub }).ok).toBe(false);
    });
    it('open refuses a log with a record edited while closed (chain redone)', () => {
      const { path, keyPath } = writeLog(4, 100);
      const entries = entriesOf(path);
      (entries[2] as { inputsDigest: string }).inputsDigest = 'edited';
      writeFileSync(path, rechain(entries));
      const again = AuditLog.open(path, { keyPath, configHash: 'cfg', adoptUnsignedTail: true });
      expect(again.ok).toBe(false);
      expect(!again.ok && again.error.message).toMatch(
        /does not verify under its own key .*signature: checkpoint seq \d+: signature does not verify/,
      );
    });
    it("a log cut back to an earlier session's closing checkpoint fails against an anchor kept out of band", () => {
      // review 12, M1: two sessions, cut after the first one's closing checkpoint: it verified
      const { path, keyPath, pub } = writeLog(4);
      const first = readFileSync(path, 'utf8');
      const again = AuditLog.open(path, { keyPath, checkpointEvery: 3, configHash: 'cfg' });
      if (!again.ok) throw new Error(again.error.message);
      again.value.log.append({
        tS: 9,
        inputsDigest: 'x',
        command: null,
        verdict: verdict('ALLOW', 'ttc', 9),
      });
      again.value.log.close();
      const anchor = { expectHead: again.value.log.headHash, minRecords: again.value.log.records };
      const whole = verifyAuditText(readFileSync(path, 'utf8'), { publicKeyPem: pub, ...anchor });
      expect(whole.ok && whole.sessions).toBe(2);
      expect(whole.headHash).toBe(anchor.expectHead);
      expect(verifyAuditText(first, { publicKeyPem: pub }).ok, 'the cut log alone is self-consistent').toBe(
        true,
      );
      const cut = verifyAuditText(first, { publicKeyPem: pub, ...anchor });
      expect(cut.ok).toBe(false);
      expect(messages(cut)).toMatch(/anchor: the log holds no entry with the expected head/);
      expect(messages(cut)).toMatch(/anchor: the log holds 4 records, fewer than the 5 expected/);
    });
    it('a record appended after the closing checkpoint fails verify, even as a log still being written', () => {
      const { path, pub } = writeLog(4);
      const entries = entriesOf(path);
      entries.push({ ...entries[1]!, inputsDigest: 'FORGED' });
      const r = verifyAuditText(rechain(entries), { publicKeyPem: pub, allowUnsignedTail: true });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /sequence: record seq 7 follows the closing checkpoint \(line 7\) without a signed session entry/,
      );
    });
    it('a checkpoint whose record time was edited (hash redone) fails: format 4 signs it', () => {
      // review 12, L1: the last checkpoint's tS was not signed
      const { path, pub } = writeLog(4);
      const entries = entriesOf(path);
      entries[entries.length - 1]!.tS = 9999;
      const r = verifyAuditText(rechain(entries), { publicKeyPem: pub });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(
        /signature: checkpoint seq 6: signature does not verify under the trusted key/,
      );
    });
    it('a checkpoint given a field its signature does not cover (hash redone) fails', () => {
      const { path, pub } = writeLog(4);
      const entries = entriesOf(path);
      entries[entries.length - 1]!.note = 'all clear';
      const r = verifyAuditText(rechain(entries), { publicKeyPem: pub });
      expect(r.ok).toBe(false);
      expect(messages(r)).toMatch(/parse: not an audit entry \(: Unrecognized key: "note"\)/);
    });
    it('a log still being written verifies with allowUnsignedTail and reports its unsigned records', () => {
      const { path, pub } = writeLog(5, 3, false);
      const strict = verifyAuditText(readFileSync(path, 'utf8'), { publicKeyPem: pub });
      expect(strict.ok).toBe(false);
      const live = verifyAuditText(readFileSync(path, 'utf8'), {
        publicKeyPem: pub,
        allowUnsignedTail: true,
      });
      expect(live.ok).toBe(true);
      expect(live.unsignedTail).toBe(2);
      expect(live.closed).toBe(false);
    });
    it('a file that is not an audit log is reported as such, not as tampered', () => {
      const dir = mkdtempSync(join(tmpdir(), 'edgeplan-notaudit-'));
      for (const text of ['hello world\n', '{"type":"header","format":"something-else"}\n', '']) {
        const r = verifyAuditText(text, {});
        expect(r.notAuditLog).toBe(true);
        expect(messages(r)).toMatch(/not an edgeplan audit log/);
      }
      writeFileSync(join(dir, 'x.json'), '[1,2,3]');
      const r = verifyAuditLog(join(dir, 'x.json'));
      expect(r.ok && r.value.notAuditLog).toBe(true);
    });
    it('records are checkpointed every T seconds of record time as well as every N records', () => {
      const dir = mkdtempSync(join(tmpdir(), 'edgeplan-audit-t-'));
      const path = join(dir, 'a.jsonl');
      const opened = AuditLog.open(path, {
        keyPath: join(dir, 'k.pem'),
        checkpointEvery: 1000,
        checkpointEveryS: 2,
      });
      if (!opened.ok) throw new Error(opened.error.message);
      for (let i = 0; i <= 10; i++)
        opened.value.log.append({
          tS: i * 0.5,
          inputsDigest: 'd',
          command: null,
          verdict: verdict('ALLOW', 'ttc', 0),
        });
      const cps = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"type":"checkpoint"'));
      expect(cps.length).toBe(2); // at t = 2 s and 4 s
    });
  });
});

// Format 3 records what was driven from each check on; format 2 logs (written before it, the
// fixture by commit 0e0b5e6's AuditLog) still verify and read, and are not appended to.
describe('audit format versions', () => {
  const fixture = join(here, 'testing', 'audit-v2.jsonl');
  const fixturePub = readFileSync(join(here, 'testing', 'audit-v2.pub.pem'), 'utf8');

  it('a format 2 log still verifies and reads (no `driven`)', () => {
    const r = verifyAuditLog(fixture, { publicKeyPem: fixturePub });
    expect(r.ok && r.value.ok).toBe(true);
    expect(r.ok && r.value.records).toBe(5);
    const recs = readAuditRecords(fixture);
    expect(recs.ok && recs.value.map((x) => x.verdict.decision)).toEqual([
      'ALLOW',
      'ALLOW',
      'VETO',
      'ALLOW',
      'ALLOW',
    ]);
    expect(recs.ok && recs.value.every((x) => x.driven === undefined)).toBe(true);
  });

  it('a format 3 log, reopened the way format 3 did (records after a closing checkpoint), still verifies and is not appended to', () => {
    // the fixture: two sessions written by commit ad3562c's AuditLog (checkpoints without tS)
    const v3 = join(here, 'testing', 'audit-v3.jsonl');
    const r = verifyAuditLog(v3, {
      publicKeyPem: readFileSync(join(here, 'testing', 'audit-v3.pub.pem'), 'utf8'),
    });
    expect(r.ok && r.value.issues).toEqual([]);
    expect(r.ok && [r.value.records, r.value.checkpoints, r.value.sessions]).toEqual([7, 4, 1]);
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-audit-v3-'));
    writeFileSync(join(dir, 'old.jsonl'), readFileSync(v3));
    const opened = AuditLog.open(join(dir, 'old.jsonl'), { configHash: 'v3-fixture' });
    expect(!opened.ok && opened.error.message).toMatch(/format version 3.*writes version 4.*start a new log/);
  });

  it('a format 2 log is refused for appending, with a message that says why and what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-audit-v2-'));
    const path = join(dir, 'old.jsonl');
    writeFileSync(path, readFileSync(fixture));
    const opened = AuditLog.open(path, { configHash: 'v2-fixture' });
    expect(opened.ok).toBe(false);
    expect(!opened.ok && opened.error.message).toMatch(/format version 2.*writes version 4.*start a new log/);
  });

  it('a record carries what was driven, its rate and why; the log verifies and explain says it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-audit-v3-'));
    const path = join(dir, 'a.jsonl');
    const keyPath = join(dir, 'k.pem');
    const opened = AuditLog.open(path, { keyPath });
    if (!opened.ok) throw new Error(opened.error.message);
    const command = {
      speed: 'KEEP' as const,
      path: 'FOLLOW_LANE' as const,
      targetSpeedMps: 12,
      horizonS: 5,
      rationale: '',
      issuedAtS: 0.1,
      expiresAtS: 1.1,
      source: 'planner',
    };
    const stop = {
      ...command,
      speed: 'STOP' as const,
      targetSpeedMps: 0,
      decelMps2: 4,
      source: 'mrm:EMERGENCY_STOP',
    };
    opened.value.log.append({
      tS: 0.1,
      inputsDigest: 'd',
      command,
      verdict: verdict('ALLOW', 'ttc', 0.1),
      driven: { reason: 'MRM_EASED', command: stop, decelMps2: 4 },
    });
    opened.value.log.close();
    const pub = publicKeyOf(keyPath);
    if (!pub.ok) throw new Error(pub.error.message);
    const r = verifyAuditLog(path, { publicKeyPem: pub.value.publicKeyPem });
    expect(r.ok && r.value.ok).toBe(true);
    const recs = readAuditRecords(path);
    if (!recs.ok) throw new Error(recs.error.message);
    expect(recs.value[0]!.driven).toEqual({ reason: 'MRM_EASED', command: stop, decelMps2: 4 });
    expect(explainRecord(recs.value[0]!)).toMatch(
      /driven: STOP \/ FOLLOW_LANE at 4 m\/s² from "mrm:EMERGENCY_STOP" \(.*eased to b_min/,
    );
  });

  it('a format 2 log whose record was given a `driven` (chain redone) is flagged', () => {
    const entries = readFileSync(fixture, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const rec = entries.find((e) => e.type === 'record')!;
    rec.driven = { reason: 'COMMAND', command: rec.command };
    const r = verifyAuditText(rechain(entries), { publicKeyPem: fixturePub });
    expect(messages(r)).toMatch(/carries `driven`, which audit format 2 does not have/);
  });
});
