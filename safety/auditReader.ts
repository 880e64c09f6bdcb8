/**
 * Reading the audit log: verify the chain and the signatures (any edited, dropped, inserted or
 * reordered entry breaks it), query records by rule / decision / time, explain one record in
 * words with its numbers, and an HTML report with counts per rule and a timeline plot.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type DrivenReason, fail, ok, type Result } from '../core/index.ts';
import {
  AUDIT_FORMAT,
  type AuditEntryRecord,
  AuditEntrySchema,
  type AuditHeader,
  checkpointMessage,
  entryHash,
  GENESIS_HASH,
  genesisMessage,
  keyFingerprint,
  sessionMessage,
} from './AuditLog.ts';
import { canonicalJson } from './canonicalJson.ts';
import { q } from './rules/CheckContext.ts';

export interface VerifyIssue {
  /** 1-based line number (0: the log as a whole). */
  line: number;
  kind:
    | 'parse'
    | 'format'
    | 'hash'
    | 'chain'
    | 'sequence'
    | 'signature'
    | 'header'
    | 'genesis'
    | 'key'
    | 'tail'
    | 'torn'
    | 'anchor'
    | 'not-audit-log';
  message: string;
}

export interface VerifyOptions {
  /** The trusted public key (SPKI PEM), handed over out of band. */
  publicKeyPem?: string;
  /** Or the trusted key's fingerprint (SHA-256 hex of its SPKI DER), pinned in configuration. */
  fingerprint?: string;
  /** Records after the last signed checkpoint (a log still being written) do not fail verification. */
  allowUnsignedTail?: boolean;
  /**
   * An anchor kept out of band: the hash of an entry the log must hold, covered by a signature (the
   * head `safety run` printed at close). A log cut back to an earlier closing checkpoint verifies on
   * its own; it does not hold a later head.
   */
  expectHead?: string;
  /** Another anchor: the log must hold at least this many records. */
  minRecords?: number;
}

export interface VerifyReport {
  ok: boolean;
  /** The text is not an edgeplan audit log at all (nothing to call tampered). */
  notAuditLog: boolean;
  records: number;
  checkpoints: number;
  /** Records after the last valid checkpoint (not covered by a signature). */
  unsignedTail: number;
  /** The log ends with the checkpoint `close()` writes. */
  closed: boolean;
  /** Sessions: 1 + the signed reopenings (format 4 `session` entries). */
  sessions: number;
  /** Records adopted unsigned by a reopening (a crash's tail, signed by its session entry). */
  adoptedRecords: number;
  /** Hash of the last entry ('' for an empty log): the anchor to keep for the next verification. */
  headHash: string;
  /** Fingerprint of the key the log was checked against ('' if none was trusted). */
  trustedFingerprint: string;
  /** A segment after the first of a rotated log: its index, the records before it and the head it continues from. */
  segment?: { index: number; records: number; continuesFrom: string };
  issues: VerifyIssue[];
}

const short = (hex: string): string => (hex ? `${hex.slice(0, 16)}…` : '(none)');

/** A key fingerprint as `keyFingerprint` writes it: SHA-256 of the SPKI DER, 64 hex characters. */
const FINGERPRINT_HEX = /^[0-9a-fA-F]{64}$/;
/** A PEM block holding a private key (PKCS#8, encrypted PKCS#8, or a legacy RSA/EC/OpenSSH one). */
const PRIVATE_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** The SPKI fingerprint of a PEM public key ('' when it is absent or unreadable). */
function fingerprintOfPem(pem: string): string {
  if (!pem) return '';
  try {
    return keyFingerprint(createPublicKey(pem));
  } catch {
    return '';
  }
}

/** The trusted key from the options, or an issue saying why there is none. */
function trustedKey(
  opts: VerifyOptions,
  headerKeyPem: string,
): { key?: KeyObject; fingerprint: string; issue?: VerifyIssue } {
  if (opts.fingerprint !== undefined && !FINGERPRINT_HEX.test(opts.fingerprint))
    return {
      fingerprint: '',
      issue: {
        line: 0,
        kind: 'key',
        message: `the pinned fingerprint must be the key's full SHA-256 fingerprint, 64 hex characters (as \`audit verify\` and the \`audit key:\` line print it), got ${opts.fingerprint.length} character(s) "${opts.fingerprint.slice(0, 70)}"`,
      },
    };
  if (opts.publicKeyPem) {
    // createPublicKey would quietly derive the public half of a private key: whoever holds the
    // private key is the signer, not the verifier, so it is refused rather than trusted
    if (PRIVATE_PEM.test(opts.publicKeyPem))
      return {
        fingerprint: '',
        issue: {
          line: 0,
          kind: 'key',
          message:
            'the given public key is a private key: verify with its public half (the <key>.pub file written beside it), never the private key',
        },
      };
    try {
      const key = createPublicKey(opts.publicKeyPem);
      const fp = keyFingerprint(key);
      if (opts.fingerprint && opts.fingerprint.toLowerCase() !== fp)
        return {
          fingerprint: fp,
          issue: {
            line: 0,
            kind: 'key',
            message: `the given public key (${fp}) is not the pinned fingerprint ${opts.fingerprint.toLowerCase()}`,
          },
        };
      return { key, fingerprint: fp };
    } catch {
      return {
        fingerprint: '',
        issue: { line: 0, kind: 'key', message: 'the given public key is not a readable SPKI PEM key' },
      };
    }
  }
  if (opts.fingerprint) {
    // The pinned fingerprint may vouch for the key the header carries, and only then. Its match is
    // computed from the key itself: the header's `keyFingerprint` field is the writer's word.
    const pinned = opts.fingerprint.toLowerCase();
    const headerFp = fingerprintOfPem(headerKeyPem);
    if (headerFp === pinned) return { key: createPublicKey(headerKeyPem), fingerprint: pinned };
    return {
      fingerprint: pinned,
      issue: {
        line: 0,
        kind: 'key',
        message: headerFp
          ? `the log is signed by key ${headerFp}, not by the pinned key ${pinned}: another key, most often a stale or wrong fingerprint; else the log was re-signed by someone else`
          : `the log carries no readable key; nothing in it can be checked against the pinned key ${short(pinned)}`,
      },
    };
  }
  return {
    fingerprint: '',
    issue: {
      line: 0,
      kind: 'key',
      message:
        "no trusted key: give the signer's public key (--pubkey) or pin its fingerprint; the key inside the log proves nothing",
    },
  };
}

/** A report of nothing verified yet (not ok), collecting into `issues`. */
function emptyReport(issues: VerifyIssue[]): VerifyReport {
  return {
    ok: false,
    notAuditLog: false,
    records: 0,
    checkpoints: 0,
    unsignedTail: 0,
    closed: false,
    sessions: 0,
    adoptedRecords: 0,
    headHash: '',
    trustedFingerprint: '',
    issues,
  };
}

/**
 * Verifies a log's bytes against a key trusted out of band (strict: a torn final line is an issue;
 * `AuditLog.open` repairs it). Fails on: an edited, dropped, inserted or reordered entry; a genesis
 * header not signed by the trusted key; a log re-signed with another key; checkpoints whose
 * signature does not verify under the trusted key; records after the last signed checkpoint and a
 * log that does not end with its closing checkpoint (unless `allowUnsignedTail`: a live log).
 */
export function verifyAuditText(text: string, opts: VerifyOptions = {}): VerifyReport {
  const issues: VerifyIssue[] = [];
  const report = (over: Partial<VerifyReport>): VerifyReport => ({ ...emptyReport(issues), ...over });
  const endsClean = text.length === 0 || text.endsWith('\n');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // Is this an audit log at all? (Its first line names the format.)
  let first: unknown;
  try {
    first = lines.length ? JSON.parse(lines[0]!) : undefined;
  } catch {
    first = undefined;
  }
  const fmt = (first as { format?: unknown } | undefined)?.format;
  if (!first || typeof first !== 'object' || fmt !== AUDIT_FORMAT) {
    issues.push({
      line: 1,
      kind: 'not-audit-log',
      message:
        lines.length === 0
          ? 'empty file: not an edgeplan audit log'
          : 'not an edgeplan audit log (the first line is not its header)',
    });
    return report({ notAuditLog: true });
  }
  const headerPem =
    typeof (first as { publicKeyPem?: unknown }).publicKeyPem === 'string'
      ? (first as { publicKeyPem: string }).publicKeyPem
      : '';
  const trust = trustedKey(opts, headerPem);
  if (trust.issue) issues.push(trust.issue);
  const key = trust.key;
  let header: AuditHeader | undefined;
  let prevHash = GENESIS_HASH;
  let prevSeq = -1;
  let records = 0;
  let checkpoints = 0;
  let sinceCp = 0;
  let lastCpLine = 0;
  let lastWasFinal = false;
  let lastType = '';
  let sessions = 0;
  let adoptedRecords = 0;
  /** Line of the closing checkpoint the previous entry was (0: it was none). */
  let afterFinalLine = 0;
  /** Line of the entry whose hash is `expectHead` (0: not seen). */
  let anchorLine = 0;
  lines.forEach((line, i) => {
    const n = i + 1;
    if (i === lines.length - 1 && !endsClean) {
      issues.push({ line: n, kind: 'torn', message: 'final line has no newline (torn write or truncation)' });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      issues.push({ line: n, kind: 'parse', message: 'not valid JSON' });
      prevSeq++;
      return;
    }
    const parsed = AuditEntrySchema.safeParse(raw);
    if (!parsed.success) {
      issues.push({
        line: n,
        kind: 'parse',
        message: `not an audit entry (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
      });
      prevSeq++;
      return;
    }
    const e = parsed.data;
    lastType = e.type;
    const v4 = (header?.version ?? 0) >= 4;
    if (opts.expectHead && e.hash === opts.expectHead.toLowerCase()) anchorLine = n;
    // format 4: a closed log is reopened only by a signed session entry; anything else after the
    // closing checkpoint was appended by someone other than the writer
    if (v4 && afterFinalLine && e.type !== 'session')
      issues.push({
        line: n,
        kind: 'sequence',
        message: `${e.type} seq ${e.seq} follows the closing checkpoint (line ${afterFinalLine}) without a signed session entry: appended after the log was closed`,
      });
    afterFinalLine = 0;
    if (canonicalJson(raw) !== line)
      issues.push({ line: n, kind: 'format', message: 'line is not in canonical form (edited)' });
    if (entryHash(raw as Record<string, unknown>) !== e.hash)
      issues.push({ line: n, kind: 'hash', message: `hash mismatch at seq ${e.seq}` });
    // a later segment of a rotated log starts from the previous segment's head, which its signed
    // header names (verifyAuditSegments checks that it is that head)
    if (i === 0 && e.type === 'header' && e.segment) prevHash = e.prevHash;
    if (e.prevHash !== prevHash)
      issues.push({
        line: n,
        kind: 'chain',
        message: `prevHash does not match the previous entry (seq ${e.seq})`,
      });
    if (e.seq !== prevSeq + 1)
      issues.push({ line: n, kind: 'sequence', message: `seq ${e.seq} follows ${prevSeq}` });
    if (i === 0) {
      if (e.type !== 'header')
        issues.push({ line: n, kind: 'header', message: 'first line is not a header' });
      else {
        header = e;
        if (!e.publicKeyPem || !e.signature)
          issues.push({
            line: n,
            kind: 'genesis',
            message: 'the genesis header is unsigned (no key, no signature): the log cannot be authenticated',
          });
        else {
          // Compared on the key the header carries, not on its `keyFingerprint` field (the writer's word).
          const carried = fingerprintOfPem(e.publicKeyPem);
          if (e.keyFingerprint !== carried)
            issues.push({
              line: n,
              kind: 'header',
              message: `the header's keyFingerprint ${short(e.keyFingerprint)} is not the fingerprint of the key it carries (${short(carried)})`,
            });
          if (key && carried !== trust.fingerprint)
            issues.push({
              line: n,
              kind: 'key',
              message: `the log is signed by key ${carried}, not by the trusted key ${trust.fingerprint}: another key, most often a stale or wrong .pub file; else the log was re-signed by someone else`,
            });
          const good = signedBy(key, genesisMessage(raw as Record<string, unknown>), e.signature);
          // without a trusted key no signature passes: the `key` issue says why
          if (key && !good)
            issues.push({
              line: n,
              kind: 'genesis',
              message: 'the genesis header is not signed by the trusted key',
            });
        }
      }
    } else if (e.type === 'header')
      issues.push({ line: n, kind: 'header', message: 'header in the middle of the log' });
    if (e.type === 'record') {
      records++;
      if (e.driven && header && header.version < 3)
        issues.push({
          line: n,
          kind: 'format',
          message: `record seq ${e.seq} carries \`driven\`, which audit format ${header.version} does not have`,
        });
      sinceCp++;
    }
    if (e.type === 'session') {
      if (!v4)
        issues.push({
          line: n,
          kind: 'format',
          message: `a session entry (seq ${e.seq}) in an audit format ${header?.version ?? '?'} log, which has none`,
        });
      const good = signedBy(key, sessionMessage(e.seq, e.prevHash, e.records, e.adopted), e.signature);
      if (key && !good)
        issues.push({
          line: n,
          kind: 'signature',
          message: `session seq ${e.seq}: signature does not verify under the trusted key`,
        });
      if (e.records !== records || (key && e.adopted !== sinceCp))
        issues.push({
          line: n,
          kind: 'sequence',
          message: `session seq ${e.seq} counts ${e.records} records (${e.adopted} adopted), the log has ${records} (${sinceCp} unsigned)`,
        });
      if (good) {
        sessions++;
        adoptedRecords += e.adopted;
        sinceCp = 0;
        lastCpLine = n;
      }
    }
    if (e.type === 'checkpoint') {
      checkpoints++;
      const good = signedBy(
        key,
        checkpointMessage(e.seq, e.prevHash, e.records, e.final, v4 ? e.tS : undefined),
        e.signature,
      );
      if (key && !good)
        issues.push({
          line: n,
          kind: 'signature',
          message: `checkpoint seq ${e.seq}: signature does not verify under the trusted key`,
        });
      if (e.records !== records)
        issues.push({
          line: n,
          kind: 'sequence',
          message: `checkpoint counts ${e.records} records, the log has ${records}`,
        });
      // only a checkpoint that verifies under a trusted key covers the records before it
      if (good) {
        sinceCp = 0;
        lastCpLine = n;
      }
      lastWasFinal = e.final;
      if (e.final) afterFinalLine = n;
    }
    prevHash = e.hash;
    prevSeq = e.seq;
  });
  if (!header && lines.length > 0 && !issues.some((x) => x.kind === 'header'))
    issues.push({ line: 1, kind: 'header', message: 'no header' });
  const closed = lastType === 'checkpoint' && lastWasFinal;
  if (opts.expectHead) {
    if (!anchorLine)
      issues.push({
        line: 0,
        kind: 'anchor',
        message: `the log holds no entry with the expected head ${short(opts.expectHead)}: cut back to an earlier point, or another log`,
      });
    else if (anchorLine > lastCpLine && !opts.allowUnsignedTail)
      issues.push({
        line: anchorLine,
        kind: 'anchor',
        message: 'the expected head is not covered by a signed checkpoint',
      });
  }
  if (opts.minRecords !== undefined && records < opts.minRecords)
    issues.push({
      line: 0,
      kind: 'anchor',
      message: `the log holds ${records} records, fewer than the ${opts.minRecords} expected: cut back to an earlier point`,
    });
  if (!opts.allowUnsignedTail) {
    if (sinceCp > 0)
      issues.push({
        line: 0,
        kind: 'tail',
        message: `${sinceCp} record(s) after ${lastCpLine ? `the last signed checkpoint (line ${lastCpLine})` : 'the header'} are not covered by any signature: a cut or forged tail, or a log still being written (--allow-unsigned-tail)`,
      });
    else if (!closed && lines.length > 0)
      issues.push({
        line: 0,
        kind: 'tail',
        message: `the log does not end with its closing checkpoint: entries after line ${lastCpLine || 1} may have been cut (--allow-unsigned-tail for a log still being written)`,
      });
  }
  const seg = header?.segment;
  return report({
    ok: issues.length === 0,
    ...(seg ? { segment: { ...seg, continuesFrom: header!.prevHash } } : {}),
    records,
    checkpoints,
    unsignedTail: sinceCp,
    closed,
    sessions: header ? 1 + sessions : 0,
    adoptedRecords,
    headHash: prevHash === GENESIS_HASH || (seg && lines.length === 0) ? '' : prevHash,
    trustedFingerprint: trust.fingerprint,
  });
}

export function verifyAuditLog(path: string, opts: VerifyOptions = {}): Result<VerifyReport> {
  try {
    return ok(verifyAuditText(readFileSync(path, 'utf8'), opts));
  } catch (e) {
    return fail('IO_ERROR', path, (e as Error).message);
  }
}

/**
 * Verifies a rotated log: each segment on its own (as `verifyAuditText`), then the chain across
 * them — the first starts at genesis, each later one's signed header continues from the head of the
 * one before (its closing checkpoint) and counts the records before it, and every segment but the
 * last is closed. A segment dropped, reordered, replaced or cut breaks it. Issues name the file.
 * The report sums records, checkpoints and sessions; its head is the last segment's.
 */
export function verifyAuditSegments(
  paths: readonly string[],
  opts: VerifyOptions = {},
): Result<VerifyReport> {
  const issues: VerifyIssue[] = [];
  const total: VerifyReport = emptyReport(issues);
  let prevHead = '';
  let anchorSeen = false;
  for (const [k, p] of paths.entries()) {
    const last = k === paths.length - 1;
    // anchors apply to the whole log: checked below; a closed segment has no unsigned tail to allow
    const { expectHead: _e, minRecords: _m, ...own } = opts;
    const r = verifyAuditLog(p, { ...own, allowUnsignedTail: last ? !!opts.allowUnsignedTail : false });
    if (!r.ok) return r;
    const v = r.value;
    const name = basename(p);
    for (const i of v.issues) issues.push({ ...i, message: `${name}: ${i.message}` });
    if (v.notAuditLog) return ok({ ...total, notAuditLog: true });
    const index = v.segment?.index ?? 0;
    if (index !== k)
      issues.push({
        line: 0,
        kind: 'sequence',
        message: `${name} is segment ${index}, expected segment ${k}: a segment is missing or out of order`,
      });
    if (k > 0 && v.segment?.continuesFrom !== prevHead)
      issues.push({
        line: 1,
        kind: 'chain',
        message: `${name} does not continue from the head of ${basename(paths[k - 1]!)}: a segment was replaced or removed`,
      });
    if (k > 0 && v.segment && v.segment.records !== total.records)
      issues.push({
        line: 1,
        kind: 'sequence',
        message: `${name} counts ${v.segment.records} records before it, the segments before hold ${total.records}`,
      });
    if (!last && !v.closed)
      issues.push({
        line: 0,
        kind: 'tail',
        message: `${name} is not the last segment but does not end with its closing checkpoint: cut`,
      });
    if (opts.expectHead && readFileSync(p, 'utf8').includes(`"hash":"${opts.expectHead.toLowerCase()}"`)) {
      anchorSeen = true;
      // the anchor must be covered by a signature of its segment, as in one file
      const a = verifyAuditLog(p, {
        ...own,
        expectHead: opts.expectHead,
        allowUnsignedTail: last && !!opts.allowUnsignedTail,
      });
      if (a.ok)
        for (const i of a.value.issues)
          if (i.kind === 'anchor') issues.push({ ...i, message: `${name}: ${i.message}` });
    }
    total.records += v.records;
    total.checkpoints += v.checkpoints;
    total.sessions += v.sessions;
    total.adoptedRecords += v.adoptedRecords;
    total.unsignedTail = v.unsignedTail;
    total.closed = v.closed;
    total.headHash = v.headHash;
    total.trustedFingerprint = v.trustedFingerprint;
    prevHead = v.headHash;
  }
  if (opts.expectHead && !anchorSeen)
    issues.push({
      line: 0,
      kind: 'anchor',
      message: `no segment holds an entry with the expected head ${short(opts.expectHead)}`,
    });
  if (opts.minRecords !== undefined && total.records < opts.minRecords)
    issues.push({
      line: 0,
      kind: 'anchor',
      message: `the segments hold ${total.records} records, fewer than the ${opts.minRecords} expected`,
    });
  return ok({ ...total, ok: issues.length === 0 && paths.length > 0 });
}

/** The records of a log (lines that do not parse are skipped: run verify for those). */
export function readAuditRecords(path: string): Result<AuditEntryRecord[]> {
  try {
    const out: AuditEntryRecord[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const p = AuditEntrySchema.safeParse(JSON.parse(line));
        if (p.success && p.data.type === 'record') out.push(p.data);
      } catch {
        // torn or edited line: verify reports it
      }
    }
    return ok(out);
  } catch (e) {
    return fail('IO_ERROR', path, (e as Error).message);
  }
}

export interface AuditQuery {
  /** Rule name or prefix (`rss.longitudinal` matches `rss.longitudinalOpposite` too). */
  rule?: string;
  decision?: 'ALLOW' | 'MODIFY' | 'VETO';
  fromS?: number;
  toS?: number;
}

/** Records matching every given criterion; with `rule`, the rule must have fired (not ALLOW) unless decision is ALLOW. */
export function queryAudit(records: ReadonlyArray<AuditEntryRecord>, q: AuditQuery): AuditEntryRecord[] {
  return records.filter((r) => {
    if (q.fromS !== undefined && r.tS < q.fromS) return false;
    if (q.toS !== undefined && r.tS > q.toS) return false;
    if (q.decision && r.verdict.decision !== q.decision) return false;
    if (q.rule) {
      const hit = r.verdict.rules.some(
        (x) => x.rule.startsWith(q.rule!) && (q.decision === 'ALLOW' || x.decision !== 'ALLOW'),
      );
      if (!hit) return false;
    }
    return true;
  });
}

/** A number as people read it: at most 2 decimals (3 significant digits below 1), no float noise. */
export function readable(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const digits = Math.abs(v) < 1 ? 3 : 2;
  return String(Number(v.toFixed(digits)));
}

/** Why, in words, with the numbers (rounded). World strings are quoted. */
export function explainRecord(r: AuditEntryRecord): string {
  const c = r.command;
  const lines = [
    `seq ${r.seq} at t = ${readable(r.tS)} s: ${r.verdict.decision}`,
    c
      ? `command: ${c.speed} / ${c.path}${c.targetSpeedMps !== undefined ? `, target ${readable(c.targetSpeedMps)} m/s` : ''}${c.decelMps2 !== undefined ? `, braking ${readable(c.decelMps2)} m/s²` : ''}${c.stopAt ? `, stop at (${readable(c.stopAt.x)}, ${readable(c.stopAt.y)})` : ''} from ${q(c.source)}`
      : 'command: (none)',
    `why: ${r.verdict.explanation}`,
  ];
  const fired = r.verdict.rules.filter((x) => x.decision !== 'ALLOW');
  if (fired.length) {
    lines.push('rules that fired:');
    for (const x of fired) {
      const nums = Object.entries(x.values)
        .map(([k, v]) => `${k}=${typeof v === 'number' ? readable(v) : typeof v === 'string' ? q(v) : v}`)
        .join(', ');
      lines.push(`  - ${x.rule} (${x.decision}): ${x.message}${nums ? ` [${nums}]` : ''}`);
    }
  }
  if (r.verdict.modified) {
    const m = r.verdict.modified;
    lines.push(
      `modified command: ${m.speed} / ${m.path}${m.targetSpeedMps !== undefined ? `, target ${readable(m.targetSpeedMps)} m/s` : ''}${m.decelMps2 !== undefined ? `, braking ${readable(m.decelMps2)} m/s²` : ''}${m.stopAt ? `, stop at (${readable(m.stopAt.x)}, ${readable(m.stopAt.y)})` : ''}`,
    );
  }
  if (r.verdict.mrm)
    lines.push(`minimal-risk manoeuvre: ${r.verdict.mrm.kind} at ${readable(r.verdict.mrm.decelMps2)} m/s²`);
  if (r.driven) {
    const d = r.driven;
    lines.push(
      `driven: ${d.command.speed} / ${d.command.path}${d.decelMps2 !== undefined ? ` at ${readable(d.decelMps2)} m/s²` : ''} from ${q(d.command.source)} (${DRIVEN_WHY[d.reason]})`,
    );
  }
  lines.push(
    `${r.verdict.rules.length} rules checked; inputs ${r.inputsDigest.slice(0, 12)}…, config ${r.configHash.slice(0, 12)}…`,
  );
  return lines.join('\n');
}

/** Each `driven.reason` in words. */
const DRIVEN_WHY: Record<DrivenReason, string> = {
  COMMAND: 'the checked command as it was',
  REPAIR: 'the repaired command',
  MRM_VETO: "the minimal-risk stop at the VETO's rate",
  MRM_HOLD: 'the minimal-risk stop held at its rate',
  MRM_EASED: 'the minimal-risk stop eased to b_min, the eased stop passed by the gate',
  MRM_EASE_REFUSED: "the minimal-risk stop kept at the VETO's rate: the gate refused the eased stop",
  MRM_STANDSTILL: 'the minimal-risk stop held at standstill until recovery',
  MRM_RELEASED: 'the minimal-risk stop released: the checked command or its repair drives',
  HARDER_COMMAND: 'a passed command that brakes harder than the running stop',
  STACK_STOP: "the stack's controlled stop: no command in force",
};

const esc = (s: string): string => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A self-contained HTML report: counts per rule and decision, and a timeline (SVG). */
export function auditReportHtml(
  records: ReadonlyArray<AuditEntryRecord>,
  title = 'edgeplan audit report',
  /** Shown above everything when set: why the records are not to be taken at their word. */
  warning = '',
): string {
  const counts = new Map<string, { MODIFY: number; VETO: number; ALLOW: number }>();
  const totals = { ALLOW: 0, MODIFY: 0, VETO: 0 };
  for (const r of records) {
    totals[r.verdict.decision]++;
    for (const x of r.verdict.rules) {
      const c = counts.get(x.rule) ?? { ALLOW: 0, MODIFY: 0, VETO: 0 };
      c[x.decision]++;
      counts.set(x.rule, c);
    }
  }
  const rows = [...counts.entries()]
    .sort((a, b) => b[1].VETO + b[1].MODIFY - (a[1].VETO + a[1].MODIFY) || a[0].localeCompare(b[0]))
    .map(
      ([rule, c]) =>
        `<tr><td>${esc(rule)}</td><td>${c.ALLOW}</td><td>${c.MODIFY}</td><td>${c.VETO}</td></tr>`,
    )
    .join('\n');
  const W = 900;
  const H = 160;
  const t0 = records.length ? Math.min(...records.map((r) => r.tS)) : 0;
  const t1 = records.length ? Math.max(...records.map((r) => r.tS)) : 1;
  const span = Math.max(t1 - t0, 1e-6);
  const yOf = { ALLOW: 120, MODIFY: 80, VETO: 40 } as const;
  const colour = { ALLOW: '#3a3', MODIFY: '#e90', VETO: '#d22' } as const;
  const dots = records
    .map(
      (r) =>
        `<circle cx="${(60 + ((r.tS - t0) / span) * (W - 80)).toFixed(1)}" cy="${yOf[r.verdict.decision]}" r="3" fill="${colour[r.verdict.decision]}"><title>seq ${r.seq} t=${r.tS}s ${esc(r.verdict.explanation.slice(0, 200))}</title></circle>`,
    )
    .join('');
  const axis = `<line x1="60" y1="140" x2="${W - 20}" y2="140" stroke="#888"/><text x="60" y="155" font-size="11">${t0.toFixed(1)} s</text><text x="${W - 60}" y="155" font-size="11">${t1.toFixed(1)} s</text>${(['VETO', 'MODIFY', 'ALLOW'] as const).map((d) => `<text x="5" y="${yOf[d] + 4}" font-size="11">${d}</text>`).join('')}`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}</style></head>
<body><h1>${esc(title)}</h1>
${warning ? `<p style="color:#b00;font-weight:bold">${esc(warning)}</p>\n` : ''}<p>${records.length} records: ${totals.ALLOW} ALLOW, ${totals.MODIFY} MODIFY, ${totals.VETO} VETO.</p>
<h2>Timeline</h2><svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${axis}${dots}</svg>
<h2>Results per rule</h2><table><thead><tr><th>rule</th><th>ALLOW</th><th>MODIFY</th><th>VETO</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

/** Whether `signatureB64` signs `message` under `key`; never without a trusted key. */
function signedBy(key: KeyObject | undefined, message: Buffer, signatureB64: string): boolean {
  return key ? verify(null, message, key, Buffer.from(signatureB64, 'base64')) : false;
}
