/** `edgeplan audit verify|query|explain|report`: read the gate's hash-chained audit log (safety/README.md). */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatError } from '../../core/index.ts';
import {
  AUDIT_FORMAT,
  auditReportHtml,
  explainRecord,
  queryAudit,
  readAuditRecords,
  segmentPath,
  segmentPaths,
  strandedSegments,
  verifyAuditLog,
  verifyAuditSegments,
} from '../../safety/index.ts';
import { type Out, UsageError } from '../errors.ts';

/** The environment variable that pins the trusted audit key's fingerprint (deployment configuration). */
const FINGERPRINT_ENV = 'EDGEPLAN_AUDIT_KEY_FINGERPRINT';

function time(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UsageError(`${name} must be a time in seconds, got "${v}"`);
    return n;
  };
}

/**
 * The records of the audit log at `path`. A file that is not one (its first line is not the log's
 * header) is bad input, said as `verify` says it: query, explain and report would otherwise find
 * "0 record(s)" in a shopping list and exit 0.
 */
function records(path: string) {
  // a rotated log: the records of every segment, in order
  const files = auditSegmentsOf(path);
  const all = [];
  for (const f of files) {
    const r = readAuditRecords(f);
    if (!r.ok) throw new UsageError(formatError(r.error));
    all.push(...r.value);
  }
  path = files[0] ?? path;
  const firstLine = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  let format: unknown;
  try {
    format = (JSON.parse(firstLine) as { format?: unknown } | null)?.format;
  } catch {
    format = undefined;
  }
  if (format !== AUDIT_FORMAT)
    throw new UsageError(
      `${path}: ${firstLine === '' ? 'empty file: not an edgeplan audit log' : 'not an edgeplan audit log (the first line is not its header)'}`,
    );
  return all;
}

/**
 * The files of the log `path` names: a file and the segments rotated from it (`<stem>.0001<ext>`, …),
 * or a folder holding one such log. Several logs in one folder are a usage error.
 */
function auditSegmentsOf(path: string): string[] {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    return [path];
  }
  if (!dir) return checkedSegments(path);
  const firsts = readdirSync(path)
    .filter((f) => f.endsWith('.jsonl') && !/\.\d{4}\.jsonl$/.test(f))
    .sort();
  if (firsts.length !== 1)
    throw new UsageError(
      `${path} holds ${firsts.length === 0 ? 'no audit log (*.jsonl)' : `${firsts.length} logs (${firsts.join(', ')}): give one of them`}`,
    );
  return checkedSegments(join(path, firsts[0]!));
}

/** `segmentPaths`, refusing a log with a segment missing in the middle (the later ones would go unread). */
function checkedSegments(first: string): string[] {
  const stranded = strandedSegments(first);
  if (stranded.length > 0)
    throw new UsageError(
      `${first}: segment ${segmentPath(first, segmentPaths(first).length)} is missing, and ${stranded.join(', ')} follow(s) it: a segment was removed from the middle of the log`,
    );
  return segmentPaths(first);
}

/** The out-of-band key options every reading command takes, as `verify` does. */
interface KeyFlags {
  pubkey?: string;
  fingerprint?: string;
}

/**
 * The trusted key from the flags, refused in one line when it cannot be one: a private key given as
 * `--pubkey` (never derived from: the verifier holds the public half only) or a fingerprint that is
 * not the full 64 hex characters (a 16-hex prefix used to read as "re-signed by someone else").
 */
function trustOptions(o: KeyFlags): { publicKeyPem?: string; fingerprint?: string } {
  let publicKeyPem: string | undefined;
  if (o.pubkey) {
    try {
      publicKeyPem = readFileSync(o.pubkey, 'utf8');
    } catch (e) {
      throw new UsageError(`--pubkey ${o.pubkey}: ${(e as Error).message}`);
    }
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(publicKeyPem))
      throw new UsageError(
        `--pubkey ${o.pubkey} is a private key: give its public half (${o.pubkey}.pub, written beside the key when the log was opened); the private key is never used to verify`,
      );
  }
  const fromEnv = o.fingerprint === undefined;
  const fingerprint = o.fingerprint ?? process.env[FINGERPRINT_ENV];
  if (fingerprint !== undefined && !/^[0-9a-fA-F]{64}$/.test(fingerprint))
    throw new UsageError(
      `${fromEnv ? `$${FINGERPRINT_ENV}` : '--fingerprint'} must be the key's full SHA-256 fingerprint, 64 hex characters (\`audit verify\` prints it after "key", \`safety run --key\` after "fingerprint"); got ${fingerprint.length} character(s)`,
    );
  return { ...(publicKeyPem ? { publicKeyPem } : {}), ...(fingerprint ? { fingerprint } : {}) };
}

/**
 * Why the records of `path` are not to be taken at their word, in one line ('' when the log verifies
 * under the trusted key): query, explain and report read every record, forged or not, so they say
 * so first (on stderr: `query --json` stays JSON Lines).
 */
function trustWarning(path: string, o: KeyFlags): string {
  const trust = trustOptions(o);
  const files = auditSegmentsOf(path);
  const r =
    files.length > 1
      ? verifyAuditSegments(files, { ...trust, allowUnsignedTail: true })
      : verifyAuditLog(files[0] ?? path, { ...trust, allowUnsignedTail: true });
  if (!r.ok) return `warning: ${path} not verified: ${formatError(r.error)}`;
  const v = r.value;
  if (!trust.publicKeyPem && !trust.fingerprint)
    return `warning: ${path} not verified (no trusted key: --pubkey, --fingerprint or $${FINGERPRINT_ENV}): its records may be forged`;
  if (!v.ok) {
    const i = v.issues[0]!;
    return `warning: ${path} does not verify against the trusted key (${v.issues.length} problem(s), first: ${i.line ? `line ${i.line}` : 'log'}: ${i.kind}: ${i.message}): its records may be forged — see edgeplan audit verify`;
  }
  if (v.unsignedTail > 0)
    return `warning: ${path}: the last ${v.unsignedTail} record(s) are not covered by a signed checkpoint (a log still being written, or a forged tail)`;
  return '';
}

/** Prints `trustWarning` (if any) on stderr and returns it. */
function warnUntrusted(path: string, o: KeyFlags): string {
  const w = trustWarning(path, o);
  if (w) process.stderr.write(`${w}\n`);
  return w;
}

const keyOptions = (c: Command): Command =>
  c
    .option(
      '--pubkey <pem>',
      "the signer's public key (SPKI PEM file): the records are verified before they are read",
    )
    .option('--fingerprint <sha256>', `or the signer's key fingerprint; default: $${FINGERPRINT_ENV}`);

export function register(program: Command, out: Out): void {
  const audit = program
    .command('audit')
    .description('verify, query, explain and report the safety audit log');

  audit
    .command('verify <log>')
    .description(
      "check the hash chain and the signatures against the signer's key given out of band: finds any edited, dropped, inserted or reordered record, a re-signed log, a cut or forged tail",
    )
    .option('--pubkey <pem>', "the signer's public key (SPKI PEM file), handed over out of band")
    .option(
      '--fingerprint <sha256>',
      `or the signer's key fingerprint (SHA-256 hex of its SPKI DER); default: $${FINGERPRINT_ENV}`,
    )
    .option(
      '--allow-unsigned-tail',
      'records after the last signed checkpoint do not fail (a log still being written)',
    )
    .option(
      '--expect-head <sha256>',
      'an anchor kept out of band: the log must hold this entry hash (the head `safety run` printed), signed',
    )
    .option('--min-records <n>', 'another anchor: the log must hold at least n records', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0)
        throw new UsageError(`--min-records must be a whole number ≥ 0, got "${v}"`);
      return n;
    })
    .action(
      (
        path: string,
        o: {
          pubkey?: string;
          fingerprint?: string;
          allowUnsignedTail?: boolean;
          expectHead?: string;
          minRecords?: number;
        },
      ) => {
        const vopts = {
          ...trustOptions(o),
          ...(o.allowUnsignedTail ? { allowUnsignedTail: true } : {}),
          ...(o.expectHead ? { expectHead: o.expectHead } : {}),
          ...(o.minRecords !== undefined ? { minRecords: o.minRecords } : {}),
        };
        // a rotated log: its first file (or the folder holding it) and its segments, as one chain
        const segments = auditSegmentsOf(path);
        const r =
          segments.length > 1
            ? verifyAuditSegments(segments, vopts)
            : verifyAuditLog(segments[0] ?? path, vopts);
        if (!r.ok) throw new UsageError(formatError(r.error));
        const v = r.value;
        if (v.notAuditLog)
          throw new UsageError(`${path}: ${v.issues[0]?.message ?? 'not an edgeplan audit log'}`);
        if (!v.ok) {
          const line = (i: (typeof v.issues)[number]) =>
            `${i.line ? `line ${i.line}` : 'log'}: ${i.kind}: ${i.message}`;
          // another key (most often a stale or wrong .pub) fails every signature after it: the key
          // is said first in one line, what it fails is detail
          const keyIssue = v.issues.find((i) => i.kind === 'key');
          const rest = v.issues.filter((i) => i !== keyIssue);
          if (keyIssue) {
            out(line(keyIssue));
            if (rest.length) out(`detail (${rest.length}):`);
            for (const i of rest.slice(0, 20)) out(`  ${line(i)}`);
            throw new UsageError(
              `${path}: not signed by the trusted key${rest.length ? ` (${rest.length} more problem(s) above, checked under that key)` : ''}`,
            );
          }
          for (const i of v.issues.slice(0, 20)) out(line(i));
          throw new UsageError(
            `${path}: ${v.issues.length} problem(s): the log does not verify against the trusted key`,
          );
        }
        out(
          `${path}: OK — ${segments.length > 1 ? `${segments.length} segments, ` : ''}${v.records} records, ${v.checkpoints} signed checkpoints, ${v.sessions} session(s)${v.adoptedRecords ? ` (${v.adoptedRecords} record(s) adopted unsigned after a crash)` : ''}, key ${v.trustedFingerprint}, ${v.closed ? 'closed' : 'not closed'}${v.unsignedTail ? `, ${v.unsignedTail} unsigned record(s) at the end (allowed)` : ''}; head ${v.headHash}${segments.length === 1 && v.segment ? `; this is segment ${v.segment.index} of a rotated log, continuing from head ${v.segment.continuesFrom} after ${v.segment.records} records (earlier segments not checked)` : ''}`,
        );
      },
    );

  keyOptions(audit.command('query <log>'))
    .description(
      'records matching a rule, a decision and a time window (a warning on stderr unless the log verifies)',
    )
    .option('--rule <name>', 'rule name or prefix, e.g. rss.longitudinal')
    .option('--decision <d>', 'ALLOW | MODIFY | VETO')
    .option('--from <tS>', 'from time, s', time('--from'))
    .option('--to <tS>', 'to time, s', time('--to'))
    .option('--json', 'one JSON record per line')
    .action(
      (
        path: string,
        o: { rule?: string; decision?: string; from?: number; to?: number; json?: boolean } & KeyFlags,
      ) => {
        if (o.decision && !['ALLOW', 'MODIFY', 'VETO'].includes(o.decision))
          throw new UsageError(`--decision must be ALLOW, MODIFY or VETO, got "${o.decision}"`);
        const recs = records(path);
        warnUntrusted(path, o);
        const hits = queryAudit(recs, {
          ...(o.rule ? { rule: o.rule } : {}),
          ...(o.decision ? { decision: o.decision as 'ALLOW' | 'MODIFY' | 'VETO' } : {}),
          ...(o.from !== undefined ? { fromS: o.from } : {}),
          ...(o.to !== undefined ? { toS: o.to } : {}),
        });
        for (const r of hits)
          out(
            o.json ? JSON.stringify(r) : `${r.seq}\t${r.tS}\t${r.verdict.decision}\t${r.verdict.explanation}`,
          );
        if (!o.json) out(`${hits.length} record(s)`);
      },
    );

  keyOptions(audit.command('explain <log> <seq>'))
    .description(
      'why the gate decided what it did at one record, in words, with the numbers (a warning on stderr unless the log verifies)',
    )
    .action((path: string, seqText: string, o: KeyFlags) => {
      const seq = Number(seqText);
      if (!Number.isInteger(seq)) throw new UsageError(`seq must be an integer, got "${seqText}"`);
      const recs = records(path);
      warnUntrusted(path, o);
      const r = recs.find((x) => x.seq === seq);
      if (!r) throw new UsageError(`${path}: no record with seq ${seq}`);
      out(explainRecord(r));
    });

  keyOptions(audit.command('report <log>'))
    .description(
      'HTML report: counts per rule and a timeline plot (the page says so when the log does not verify)',
    )
    .requiredOption('--html <file>', 'output HTML file')
    .action((path: string, o: { html: string } & KeyFlags) => {
      const recs = records(path);
      const warning = warnUntrusted(path, o);
      writeFileSync(o.html, auditReportHtml(recs, `audit report: ${path}`, warning));
      out(`wrote ${o.html} (${recs.length} records)`);
    });
}
