import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, entryHash, publicKeyOf } from '../safety/AuditLog.ts';
import { canonicalJson } from '../safety/canonicalJson.ts';
import { runMain as run, runBin } from './cliRun.ts';

// `run` is the CLI's main() in this process (test/cliRun.ts); the first test goes through the binary.

describe('edgeplan safety / audit CLI', () => {
  it('safety check of KEEP towards a red light 24 m ahead is a MODIFY by signal.redLight into a stop at the line', () => {
    const r = runBin(
      'safety',
      'check',
      'red_light',
      '--at',
      '3',
      '--command',
      '{"speed":"KEEP","path":"FOLLOW_LANE"}',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const v = JSON.parse(r.stdout) as {
      decision: string;
      rules: { rule: string; decision: string }[];
      modified?: { speed: string; stopAt?: { x: number; y: number } };
    };
    expect(v.decision).toBe('MODIFY');
    // Only the red-light rule objects; every rule reports a result.
    expect(v.rules.filter((x) => x.decision !== 'ALLOW').map((x) => x.rule)).toEqual(['signal.redLight']);
    expect(v.rules.length).toBeGreaterThan(10);
    expect(v.modified?.speed).toBe('STOP');
    // The approach lane's stop line is the junction edge x = −14 m (intersection() in the built-in
    // maps); the repaired command stops 0.5 m before it.
    expect(v.modified?.stopAt?.x).toBeCloseTo(-14.5, 6);
  });

  it('safety check of a STOP before the same red light is an ALLOW', async () => {
    const r = await run(
      'safety',
      'check',
      'red_light',
      '--at',
      '3',
      '--command',
      '{"speed":"STOP","path":"FOLLOW_LANE"}',
      '--json',
    );
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { decision: string }).decision).toBe('ALLOW');
  });

  it('safety check rejects a command that is not JSON with exit 2 and one line', async () => {
    const r = await run('safety', 'check', 'cut_in', '--at', '1', '--command', '{speed:');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('safety check of a schema-invalid command prints the VETO naming the field, then exits 2 with one line', async () => {
    const r = await run(
      'safety',
      'check',
      'cut_in',
      '--at',
      '1',
      '--command',
      '{"speed":"FLY","path":"FOLLOW_LANE"}',
      '--json',
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('speed');
    const v = JSON.parse(r.stdout) as {
      decision: string;
      rules: { rule: string; values: { path: string } }[];
    };
    expect(v.decision).toBe('VETO');
    expect(v.rules[0]?.rule).toBe('input.schema');
    expect(v.rules[0]?.values.path).toContain('speed');
  });

  it('safety run writes an audit log that verifies, queries, explains and reports; a flipped byte fails verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-audit-'));
    const log = join(dir, 'audit.jsonl');
    const r = await run('safety', 'run', 'hard_braking_lead', '--audit', log, '--key', join(dir, 'k.pem'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('at-fault collisions 0');
    expect(r.stdout).toMatch(/audit key: .*k\.pem\.pub \(fingerprint [0-9a-f]{64}\)/);
    const pub = join(dir, 'k.pem.pub');
    const good = await run('audit', 'verify', log, '--pubkey', pub);
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('closed');
    // the key inside the log proves nothing: without an out-of-band key the log does not verify
    const nokey = await run('audit', 'verify', log);
    expect(nokey.status).toBe(2);
    expect(nokey.stdout).toContain('no trusted key');
    // The gated IDM brakes for the lead by MODIFYs (no VETO here): query and explain one of them.
    const q = await run('audit', 'query', log, '--decision', 'MODIFY', '--from', '0', '--to', '15');
    expect(q.status).toBe(0);
    const first = q.stdout.split('\n').find((l) => /^\d+\t/.test(l));
    expect(first).toBeDefined();
    const seq = first!.split('\t')[0]!;
    const e = await run('audit', 'explain', log, seq);
    expect(e.status).toBe(0);
    expect(e.stdout).toContain(`seq ${seq} at t = `);
    expect(e.stdout).toContain('rss.longitudinal (MODIFY)');
    expect(e.stdout).toContain('modified command: DECELERATE');
    // numbers as people read them (issue 17 item 9): no float noise like 0.30000000000000004
    expect(e.stdout).not.toMatch(/\d\.\d{4,}/);
    const html = join(dir, 'r.html');
    expect((await run('audit', 'report', log, '--html', html)).status).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<svg');
    const bytes = readFileSync(log);
    bytes[Math.floor(bytes.length / 2)] = bytes[Math.floor(bytes.length / 2)]! ^ 0x01;
    writeFileSync(log, bytes);
    const bad = await run('audit', 'verify', log, '--pubkey', pub);
    expect(bad.status).toBe(2);
  }, 300_000); // seven CLI commands one after another

  it('audit verify: the printed fingerprint pins the log; a prefix, a private key and another key each say so in one line', async () => {
    // ux20 #9/#10: a 16-hex fingerprint read as "re-signed by someone else"; a stale .pub gave six
    // attack-like lines; --pubkey with the private key was taken silently
    const dir = mkdtempSync(join(tmpdir(), 'ep-audit-key-'));
    const log = join(dir, 'a.jsonl');
    const keyPath = join(dir, 'k.pem');
    const opened = AuditLog.open(log, { keyPath, checkpointEvery: 2 });
    if (!opened.ok) throw new Error(opened.error.message);
    for (let i = 0; i < 3; i++)
      opened.value.log.append({
        tS: i,
        inputsDigest: `d${i}`,
        command: null,
        verdict: { decision: 'ALLOW', rules: [], explanation: `ok ${i}` },
      });
    opened.value.log.close();
    const p = publicKeyOf(keyPath);
    if (!p.ok) throw new Error(p.error.message);
    const pub = join(dir, 'k.pem.pub');
    writeFileSync(pub, p.value.publicKeyPem);
    const good = await run('audit', 'verify', log, '--pubkey', pub);
    expect(good.status).toBe(0);
    const printed = /key ([0-9a-f]+),/.exec(good.stdout)?.[1];
    expect(printed).toBe(p.value.fingerprint);
    expect((await run('audit', 'verify', log, '--fingerprint', printed!)).status).toBe(0);
    const prefix = await run('audit', 'verify', log, '--fingerprint', printed!.slice(0, 16));
    expect(prefix.status).toBe(2);
    expect(prefix.stderr).toMatch(/--fingerprint must be the key's full SHA-256 fingerprint, 64 hex/);
    expect(prefix.stdout + prefix.stderr).not.toMatch(/re-signed/);
    const priv = await run('audit', 'verify', log, '--pubkey', keyPath);
    expect(priv.status).toBe(2);
    expect(priv.stderr).toMatch(/--pubkey .*k\.pem is a private key: give its public half/);
    expect(priv.stdout).toBe('');
    // the .pub of another run's key: the key mismatch first, in one line, the rest as detail
    const other = AuditLog.open(join(dir, 'b.jsonl'), { keyPath: join(dir, 'k2.pem') });
    if (!other.ok) throw new Error(other.error.message);
    other.value.log.close();
    const p2 = publicKeyOf(join(dir, 'k2.pem'));
    if (!p2.ok) throw new Error(p2.error.message);
    writeFileSync(join(dir, 'k2.pem.pub'), p2.value.publicKeyPem);
    const stale = await run('audit', 'verify', log, '--pubkey', join(dir, 'k2.pem.pub'));
    expect(stale.status).toBe(2);
    const lines = stale.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      `line 1: key: the log is signed by key ${p.value.fingerprint}, not by the trusted key ${p2.value.fingerprint}: another key, most often a stale or wrong .pub file; else the log was re-signed by someone else`,
    );
    expect(lines[1]).toMatch(/^detail \(\d+\):$/);
    expect(lines.slice(2).every((l) => l.startsWith('  '))).toBe(true);
    expect(stale.stderr).toMatch(/not signed by the trusted key \(\d+ more problem\(s\) above/);
  });

  it('audit query / explain / report warn (stderr, one line) when the log does not verify or no key was given', async () => {
    // review 12, L2: they presented forged records without a word
    const dir = mkdtempSync(join(tmpdir(), 'ep-audit-warn-'));
    const log = join(dir, 'a.jsonl');
    const keyPath = join(dir, 'k.pem');
    const opened = AuditLog.open(log, { keyPath, checkpointEvery: 2 });
    if (!opened.ok) throw new Error(opened.error.message);
    for (let i = 0; i < 4; i++)
      opened.value.log.append({
        tS: i,
        inputsDigest: `d${i}`,
        command: null,
        verdict: { decision: 'VETO', rules: [], explanation: `veto ${i}` },
      });
    opened.value.log.close();
    const pub = join(dir, 'k.pub');
    const p = publicKeyOf(keyPath);
    if (!p.ok) throw new Error(p.error.message);
    writeFileSync(pub, p.value.publicKeyPem);
    const genuine = await run('audit', 'explain', log, '2', '--pubkey', pub);
    expect(genuine.status).toBe(0);
    expect(genuine.stderr).toBe('');
    const nokey = await run('audit', 'query', log, '--json');
    expect(nokey.stderr).toMatch(/^warning: .* not verified \(no trusted key/);
    expect(
      nokey.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([1, 2, 4, 5]);
    // a record's verdict rewritten, the chain redone from it on (no key needed)
    let prev = '';
    const forged = readFileSync(log, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l, i) => {
        const e = JSON.parse(l) as Record<string, unknown>;
        if (i > 0) e.prevHash = prev;
        if (e.seq === 2) e.verdict = { decision: 'ALLOW', rules: [], explanation: 'all clear' };
        e.hash = entryHash(e);
        prev = e.hash as string;
        return canonicalJson(e);
      });
    writeFileSync(log, `${forged.join('\n')}\n`);
    for (const args of [
      ['explain', log, '2'],
      ['query', log],
      ['report', log, '--html', join(dir, 'r.html')],
    ]) {
      const r = await run('audit', ...args, '--pubkey', pub);
      expect(r.status).toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(
        /^warning: .* does not verify against the trusted key .*its records may be forged/,
      );
    }
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/does not verify against the trusted key/);
  });

  it('audit verify on a file that is not an audit log says so (not "tampered")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-audit-'));
    writeFileSync(join(dir, 'notes.txt'), 'shopping list\n');
    const r = await run('audit', 'verify', join(dir, 'notes.txt'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not an edgeplan audit log');
    expect(r.stderr).not.toContain('tamper');
  });

  it.each([
    ['query', []],
    ['explain', ['1']],
    ['report', ['--html', 'r.html']],
  ])('audit %s on a file that is not an audit log says so, exit 2 (not "0 record(s)")', async (cmd, rest) => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-audit-'));
    writeFileSync(join(dir, 'notes.txt'), 'shopping list\n');
    const args = rest.map((a) => (a.endsWith('.html') ? join(dir, a) : a));
    const r = await run('audit', cmd, join(dir, 'notes.txt'), ...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('not an edgeplan audit log');
    expect(r.stdout).toBe('');
  });

  it("safety/README's audit query example finds records in the log of the safety run before it (review ux21 #15)", async () => {
    // ux19 #24 / ux21 #15: it asked for VETOs of a run that has none and printed "0 record(s)"
    const readme = readFileSync(new URL('../safety/README.md', import.meta.url), 'utf8');
    const runLine =
      /^edgeplan (safety run hard_braking_lead --planner idm --audit out\/audit\.jsonl --key out\/audit\.pem)$/m.exec(
        readme,
      );
    const queryLine = /^edgeplan (audit query out\/audit\.jsonl [^#\n]*?)\s*(?:#.*)?$/m.exec(readme);
    expect(runLine, 'the safety run example').not.toBeNull();
    expect(queryLine, 'the audit query example').not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'ep-audit-readme-'));
    const args = (line: string) => line.split(/\s+/).map((a) => a.replace(/^out\//, `${dir}/`));
    const made = await run(...args(runLine![1]!));
    expect(made.status).toBe(0);
    const q = await run(...args(queryLine![1]!));
    expect(q.status).toBe(0);
    expect(q.stderr).toBe('');
    const n = Number(/(\d+) record\(s\)/.exec(q.stdout)?.[1]);
    expect(n).toBeGreaterThan(0);
  });

  it('safety run --audit-max-mb rotates the log; audit verify checks the segments as one chain (review ux21 #9)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-audit-rot-'));
    const log = join(dir, 'a.jsonl');
    const made = await run(
      'safety',
      'run',
      'hard_braking_lead',
      '--planner',
      'idm',
      '--audit',
      log,
      '--key',
      join(dir, 'k.pem'),
      '--audit-max-mb',
      '0.2',
    );
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/audit log: .* \(151 records in \d+ segments/);
    const v = await run('audit', 'verify', log, '--pubkey', join(dir, 'k.pem.pub'));
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/OK — \d+ segments, 151 records/);
    const q = await run('audit', 'query', dir, '--pubkey', join(dir, 'k.pem.pub'));
    expect(q.stdout).toMatch(/151 record\(s\)/);
    // a segment removed from the middle
    rmSync(join(dir, 'a.0001.jsonl'));
    const bad = await run('audit', 'verify', log, '--pubkey', join(dir, 'k.pem.pub'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/a\.0001\.jsonl is missing/);
  });

  it('audit query rejects an unknown decision with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-audit-'));
    writeFileSync(join(dir, 'x.jsonl'), '');
    expect((await run('audit', 'query', join(dir, 'x.jsonl'), '--decision', 'MAYBE')).status).toBe(2);
  });
});
