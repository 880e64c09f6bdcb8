/**
 * The append-only, hash-chained audit log (JSON Lines). Line 1 is the genesis header: the ed25519
 * public key, its fingerprint and the config hash, signed by that key. Each record holds the inputs
 * digest, the command, every rule's result, the verdict, its explanation and the config hash, plus
 * `prevHash` and its own `hash` = SHA-256 over the canonical JSON of the entry without `hash`.
 * Checkpoints sign the chain head, the record count, whether the log was closed and (format 4) the
 * record time: every `checkpointEvery` records, every `checkpointEveryS` seconds of record time, and
 * a final one at close; a reopening writes a signed `session` entry (format 4). A verifier trusts only a key given out of band (`verifyAuditText(text, { publicKeyPem })`
 * or a pinned fingerprint), never the one the log carries. Each entry is written with one `write`
 * call; on open a trailing partial line (a write torn by a crash) is truncated and reported.
 */

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import {
  AuditRecordSchema,
  type Driven,
  fail,
  type LlmCallRecord,
  type MidLevelCommand,
  ok,
  type Result,
  type Verdict,
} from '../core/index.ts';
import { verifyAuditText } from './auditReader.ts';
import { CanonicalJsonWriter, canonicalJson, sha256Hex } from './canonicalJson.ts';

export const AUDIT_FORMAT = 'edgeplan-audit';
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The format this build writes. 3: records carry `driven` (what was driven from the check on, its
 * rate and why). 4: checkpoints sign their record time too, and each reopening of the log writes a
 * signed `session` entry (the chain head, the record count, the unsigned records it adopts); after
 * a closing checkpoint only such an entry may follow. Version 2 and 3 logs still verify and read
 * under their own rules; they are not appended to.
 */
export const AUDIT_VERSION = 4;
/** Formats this build reads and verifies. */
export const AUDIT_READ_VERSIONS = [2, 3, 4] as const;

export const AuditHeaderSchema = z
  .object({
    type: z.literal('header'),
    format: z.literal(AUDIT_FORMAT),
    version: z.union([z.literal(2), z.literal(3), z.literal(4)]),
    seq: z.literal(0),
    /** SPKI PEM of the signing key ('' when the log is unsigned: such a log never verifies). */
    publicKeyPem: z.string(),
    /** SHA-256 (hex) of the key's SPKI DER ('' when unsigned): what operators pin. */
    keyFingerprint: z.string(),
    configHash: z.string(),
    prevHash: z.string(),
    /**
     * A segment after the first of a rotated log (`maxSegmentBytes`): its position and the records in
     * the segments before it. Its `prevHash` is then the previous segment's head (its closing
     * checkpoint), signed with the rest of the header: the chain runs on across files.
     */
    segment: z
      .object({ index: z.number().int().positive(), records: z.number().int().nonnegative() })
      .strict()
      .optional(),
    /** ed25519 signature (base64) over `genesisMessage` ('' when unsigned). */
    signature: z.string(),
    hash: z.string(),
  })
  // strict: a field the signature does not cover cannot ride along (the hash would be redone with it)
  .strict();
export const AuditEntryRecordSchema = AuditRecordSchema.extend({
  type: z.literal('record'),
  configHash: z.string(),
});
export const AuditCheckpointSchema = z
  .object({
    type: z.literal('checkpoint'),
    seq: z.number().int().positive(),
    tS: z.number().finite(),
    /** Records covered so far. */
    records: z.number().int().nonnegative(),
    /** Written by `close()`: nothing follows unless the log is reopened. */
    final: z.boolean(),
    /** ed25519 signature (base64) over `checkpointMessage(seq, prevHash, records, final, tS)` (format < 4: without tS). */
    signature: z.string(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .strict();
/** Format 4: written by `AuditLog.open` when it resumes a log (a new session of the same chain). */
export const AuditSessionSchema = z
  .object({
    type: z.literal('session'),
    seq: z.number().int().positive(),
    /** Records before it. */
    records: z.number().int().nonnegative(),
    /** Of those, the ones after the last signed checkpoint that this session adopted (a crash's tail). */
    adopted: z.number().int().nonnegative(),
    /** ed25519 signature (base64) over `sessionMessage(seq, prevHash, records, adopted)`. */
    signature: z.string(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .strict();
export const AuditEntrySchema = z.discriminatedUnion('type', [
  AuditHeaderSchema,
  AuditEntryRecordSchema,
  AuditCheckpointSchema,
  AuditSessionSchema,
]);
export type AuditHeader = z.infer<typeof AuditHeaderSchema>;
export type AuditEntryRecord = z.infer<typeof AuditEntryRecordSchema>;
export type AuditCheckpoint = z.infer<typeof AuditCheckpointSchema>;
export type AuditSession = z.infer<typeof AuditSessionSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export interface AuditLogOptions {
  /** PEM file of the ed25519 private key; created (mode 0600) when missing. No key: no checkpoints. */
  keyPath?: string;
  /** Records between signed checkpoints (default 100). */
  checkpointEvery?: number;
  /** Record time between signed checkpoints, s (default 5): bounds what a cut tail can hide. */
  checkpointEveryS?: number;
  /** Config hash written into the header and every record. */
  configHash?: string;
  /** fsync after every entry (survives power loss, not only a killed process). Default false. */
  fsync?: boolean;
  /**
   * Resume a log whose last records are not covered by a signed checkpoint (a crash, or records
   * forged while the log was closed: the file cannot tell which). Default false: `open` refuses.
   * When true, the next entry signs them and `recovery.adoptedRecords` counts them.
   */
  adoptUnsignedTail?: boolean;
  /**
   * Rotate: once the current file holds this many bytes, close it (signed closing checkpoint) and go
   * on in the next segment, `<name>.0001<ext>`, … whose signed header continues the chain (its
   * `prevHash` = the closed segment's head). Default: no rotation. `open` resumes the last segment.
   */
  maxSegmentBytes?: number;
}

/** The file of segment `index` of the log at `path` (0: `path` itself; then `<stem>.0001<ext>`, …). */
export function segmentPath(path: string, index: number): string {
  if (index === 0) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${String(index).padStart(4, '0')}${ext}`;
}

/** The segment files of the log at `path` that exist, in order (`path` first), stopping at the first gap. */
export function segmentPaths(path: string): string[] {
  const out: string[] = [];
  for (let k = 0; existsSync(segmentPath(path, k)); k++) out.push(segmentPath(path, k));
  return out;
}

/** Segment files of the log at `path` beyond a gap in the numbering (a segment removed from the middle). */
export function strandedSegments(path: string): string[] {
  const ext = extname(path);
  const stem = basename(path.slice(0, path.length - ext.length));
  const n = segmentPaths(path).length;
  const dir = dirname(path);
  const re = new RegExp(
    `^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{4})${ext.replace('.', '\\.')}$`,
  );
  return readdirSync(dir)
    .filter((f) => {
      const m = re.exec(f);
      return m !== null && Number(m[1]) >= n;
    })
    .sort()
    .map((f) => join(dir, f));
}

/** The signed header of a new log or segment. */
function headerEntry(
  key: KeyObject | undefined,
  pub: string,
  configHash: string,
  prevHash: string,
  segment?: { index: number; records: number },
): Record<string, unknown> {
  const header: Record<string, unknown> = {
    type: 'header',
    format: AUDIT_FORMAT,
    version: AUDIT_VERSION,
    seq: 0,
    publicKeyPem: pub,
    keyFingerprint: key ? keyFingerprint(createPublicKey(key)) : '',
    configHash,
    prevHash,
    ...(segment ? { segment } : {}),
    signature: '',
  };
  if (key) header.signature = sign(null, genesisMessage(header), key).toString('base64');
  header.hash = entryHash(header);
  return header;
}

export interface RecoveryReport {
  /** Bytes of a torn final line that were cut off on open. */
  truncatedBytes: number;
  /** Entries already in the file (header included). */
  entries: number;
  /** Records after the last signed checkpoint that this open adopted and signed (`adoptUnsignedTail`). */
  adoptedRecords: number;
}

/** What the gate hands the log for one check. */
export interface AuditInput {
  tS: number;
  inputsDigest: string;
  command: MidLevelCommand | null;
  verdict: Verdict;
  /** What was driven from this check on, its rate and why (absent: a control-level check). */
  driven?: Driven;
  /** The model calls behind the command (an LLM-driven plan's first check only). */
  llm?: LlmCallRecord[];
}

/** The hash of an entry: SHA-256 over its canonical JSON without `hash`. */
export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _drop, ...rest } = entry;
  return sha256Hex(canonicalJson(rest));
}

/**
 * An entry's hash (`entryHash`) and its canonical line with that hash in it (`canonicalJson` of the
 * entry with `hash` set), each member serialised once.
 */
export function hashedLine(entry: Record<string, unknown>): { hash: string; line: string } {
  const keys = Object.keys(entry).sort();
  let body = '{';
  /** Where `"hash":…` goes in the line: after the members sorting before it. */
  let at = -1;
  for (const k of keys) {
    if (k === 'hash' || entry[k] === undefined) continue;
    if (at < 0 && k > 'hash') at = body.length;
    body += `${body.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(entry[k])}`;
  }
  body += '}';
  const hash = sha256Hex(body);
  const member = `"hash":${JSON.stringify(hash)}`;
  // body: '{' m1 ',' m2 … '}'; a member after the first carries its leading ','
  let line: string;
  if (at < 0) line = `${body.slice(0, -1)}${body.length > 2 ? ',' : ''}${member}}`;
  else if (at === 1) line = `{${member},${body.slice(1)}`;
  else line = `${body.slice(0, at)},${member}${body.slice(at)}`;
  return { hash, line };
}

/**
 * `hashedLine` written as bytes: leaves in `w` (reset first) the UTF-8 bytes of the entry's canonical
 * line with its hash in its sorted place and a final newline — the bytes of `hashedLine(entry).line +
 * '\n'` — and returns the hash. Each member is serialised once, into bytes, with no text built.
 */
export function writeHashedLine(entry: Record<string, unknown>, w: CanonicalJsonWriter): string {
  w.reset();
  // (the members are written from depth 1 on: the sorted keys stay in depth 0's scratch array)
  const n = w.sortedKeys(entry, 0);
  const keys = w.keysAt(0);
  w.byte(0x7b);
  /** Where `"hash":…` goes in the line: after the members sorting before it. */
  let at = -1;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k === 'hash' || entry[k] === undefined) continue;
    if (at < 0 && k > 'hash') at = w.length;
    if (w.length > 1) w.byte(0x2c);
    w.string(k);
    w.byte(0x3a);
    w.value(entry[k], 1);
  }
  w.byte(0x7d);
  const hash = w.sha256Hex();
  // body: '{' m1 ',' m2 … '}'; a member after the first carries its leading ','
  const member = `"hash":"${hash}"`;
  const insert = at < 0 ? `${w.length > 2 ? ',' : ''}${member}` : at === 1 ? `${member},` : `,${member}`;
  const pos = at < 0 ? w.length - 1 : at;
  w.reserve(insert.length + 1);
  w.buf.copy(w.buf, pos + insert.length, pos, w.length);
  const end = w.length + insert.length;
  w.length = pos;
  w.ascii(insert);
  w.length = end;
  w.byte(0x0a);
  return hash;
}

/**
 * The message a checkpoint signs: position, chain head, record count, whether it closes the log and
 * (format 4; absent before) its record time, s.
 */
export function checkpointMessage(
  seq: number,
  prevHash: string,
  records: number,
  final: boolean,
  tS?: number,
): Buffer {
  const base = `${AUDIT_FORMAT}:checkpoint:${seq}:${prevHash}:${records}:${final ? 'final' : 'open'}`;
  return Buffer.from(tS === undefined ? base : `${base}:${tS}`);
}

/** The message a session entry signs (format 4): position, chain head, record count, adopted records. */
export function sessionMessage(seq: number, prevHash: string, records: number, adopted: number): Buffer {
  return Buffer.from(`${AUDIT_FORMAT}:session:${seq}:${prevHash}:${records}:${adopted}`);
}

/** The message the genesis header signs: the hash of the header without its signature and hash. */
export function genesisMessage(header: Record<string, unknown>): Buffer {
  const { hash: _h, signature: _s, ...rest } = header;
  return Buffer.from(`${AUDIT_FORMAT}:genesis:${sha256Hex(canonicalJson(rest))}`);
}

/** SHA-256 (hex) of a public key's SPKI DER encoding: the fingerprint operators pin. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The public key (SPKI PEM) and fingerprint of a private key file, to hand out of band. */
export function publicKeyOf(keyPath: string): Result<{ publicKeyPem: string; fingerprint: string }> {
  try {
    const pub = createPublicKey(createPrivateKey(readFileSync(keyPath, 'utf8')));
    return ok({
      publicKeyPem: pub.export({ type: 'spki', format: 'pem' }) as string,
      fingerprint: keyFingerprint(pub),
    });
  } catch (e) {
    return fail('IO_ERROR', keyPath, (e as Error).message);
  }
}

/**
 * The key in `path`, or a new one and how to save it: written only once the log opened with it (a
 * resume that is refused — another log's key, say — left a fresh key file behind, review 14 L2).
 */
function loadOrNewKey(path: string): { key: KeyObject; save: () => void } {
  if (existsSync(path)) return { key: createPrivateKey(readFileSync(path, 'utf8')), save: () => {} };
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    key: privateKey,
    save: () => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, {
        mode: 0o600,
        flag: 'wx',
      });
    },
  };
}

/** Cuts a torn final line off `path`; returns the bytes removed. */
export function recoverTornTail(path: string): number {
  const buf = readFileSync(path);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return 0;
  const keep = buf.lastIndexOf(0x0a) + 1;
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, keep);
  } finally {
    closeSync(fd);
  }
  return buf.length - keep;
}

export class AuditLog {
  private fd: number;
  private seq: number;
  private head: string;
  private sinceCheckpoint = 0;
  private recordCount: number;
  private lastTS = 0;
  /** Record time of the last checkpoint (NaN before the first record after one). */
  private checkpointTS = Number.NaN;
  /** Bytes in the current segment file. */
  private bytes = 0;
  /** Index of the current segment (0: the first file). */
  private segmentIndex = 0;
  /** Records in the segments before the current one. */
  private recordsBefore = 0;
  private maxSegmentBytes = 0;
  /** The log's first file (segments are named after it). */
  private basePath = '';
  /** The bytes of the record being appended (kept from record to record). */
  private readonly writer = new CanonicalJsonWriter();
  private constructor(
    /** The current segment's file. */
    public path: string,
    fd: number,
    seq: number,
    head: string,
    records: number,
    private readonly key: KeyObject | undefined,
    private readonly configHash: string,
    private readonly every: number,
    private readonly everyS: number,
    private readonly doFsync: boolean,
  ) {
    this.fd = fd;
    this.seq = seq;
    this.head = head;
    this.recordCount = records;
  }

  /**
   * Opens (or creates) a log for appending. An existing log is recovered (torn tail cut) and its
   * chain resumed from the last entry; its header key must match the key file.
   */
  static open(path: string, opts: AuditLogOptions = {}): Result<{ log: AuditLog; recovery: RecoveryReport }> {
    try {
      mkdirSync(dirname(path), { recursive: true });
      // a rotated log resumes in its last segment
      const segments = segmentPaths(path);
      const basePath = path;
      if (segments.length > 1) path = segments[segments.length - 1]!;
      const loaded = opts.keyPath ? loadOrNewKey(opts.keyPath) : undefined;
      const key = loaded?.key;
      const pub = key ? (createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string) : '';
      const configHash = opts.configHash ?? '';
      const every = opts.checkpointEvery ?? 100;
      const everyS = opts.checkpointEveryS ?? 5;
      if (!existsSync(path) || readFileSync(path).length === 0) {
        const header = headerEntry(key, pub, configHash, GENESIS_HASH);
        loaded?.save(); // before the header that names it: no signed log without its key on disk
        const fd = openSync(path, 'a');
        const line = `${canonicalJson(header)}\n`;
        writeSync(fd, line);
        if (opts.fsync) fsyncSync(fd);
        const log = new AuditLog(
          path,
          fd,
          0,
          header.hash as string,
          0,
          key,
          configHash,
          every,
          everyS,
          !!opts.fsync,
        );
        log.bytes = Buffer.byteLength(line);
        log.basePath = basePath;
        log.maxSegmentBytes = opts.maxSegmentBytes ?? 0;
        return ok({ log, recovery: { truncatedBytes: 0, entries: 1, adoptedRecords: 0 } });
      }
      const truncatedBytes = recoverTornTail(path);
      const lines = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0);
      const header = AuditHeaderSchema.safeParse(JSON.parse(lines[0]!));
      if (!header.success)
        return fail(
          'PARSE_ERROR',
          `${path}:1`,
          `not an edgeplan audit log header (version ${AUDIT_VERSION})`,
        );
      if (header.data.version !== AUDIT_VERSION)
        return fail(
          'INVALID_INPUT',
          `${path}:1`,
          `the log is audit format version ${header.data.version}; this build writes version ${AUDIT_VERSION} (records carry what was driven; checkpoints sign their time; reopening is signed): start a new log — the old one still verifies and reads`,
        );
      if (header.data.publicKeyPem !== pub)
        return fail('INVALID_INPUT', path, 'the key file does not match the log header key');
      // Resume only a log that verifies under its own key: the next checkpoint signs the chain head,
      // so it would vouch for whatever was edited or appended while the log was closed.
      const check = verifyAuditText(lines.map((l) => `${l}\n`).join(''), {
        ...(key ? { publicKeyPem: pub } : {}),
        allowUnsignedTail: true,
      });
      // an unsigned log cannot be authenticated at all: only its chain is checked
      const problems = check.issues.filter((i) => key || !['key', 'genesis', 'tail'].includes(i.kind));
      if (problems.length > 0)
        return fail(
          'INVALID_INPUT',
          path,
          `the log does not verify under its own key (${problems.length} problem(s), first: ${problems[0]!.line ? `line ${problems[0]!.line}` : 'log'}: ${problems[0]!.kind}: ${problems[0]!.message}); it was changed while closed and is not appended to: keep it as evidence (edgeplan audit verify) and start a new log`,
        );
      const adopted = key ? check.unsignedTail : 0;
      if (adopted > 0 && !opts.adoptUnsignedTail)
        return fail(
          'INVALID_INPUT',
          path,
          `${adopted} record(s) at the end are not covered by a signed checkpoint: a crash, or records added while the log was closed — the file cannot tell which. Inspect them (edgeplan audit verify --allow-unsigned-tail; audit query), then resume adopting them (--audit-adopt-tail) or start a new log`,
        );
      const last = JSON.parse(lines[lines.length - 1]!) as { seq: number; hash: string };
      const records = lines.filter((l) => l.includes('"type":"record"')).length;
      loaded?.save();
      const fd = openSync(path, 'a');
      const log = new AuditLog(
        path,
        fd,
        last.seq,
        last.hash,
        records,
        key,
        configHash,
        every,
        everyS,
        !!opts.fsync,
      );
      // record time resumes where the log ends (a checkpoint written before the next record carries it)
      const lastTS = (JSON.parse(lines[lines.length - 1]!) as { tS?: unknown }).tS;
      if (typeof lastTS === 'number') log.lastTS = lastTS;
      log.bytes = statSync(path).size;
      log.basePath = basePath;
      log.maxSegmentBytes = opts.maxSegmentBytes ?? 0;
      log.segmentIndex = header.data.segment?.index ?? 0;
      log.recordsBefore = header.data.segment?.records ?? 0;
      // A signed session entry opens the new session: it signs the head (the adopted records with it)
      // and lets a verifier tell a reopening from records appended after the closing checkpoint.
      log.session(adopted);
      return ok({ log, recovery: { truncatedBytes, entries: lines.length, adoptedRecords: adopted } });
    } catch (e) {
      return fail('IO_ERROR', path, (e as Error).message);
    }
  }

  /** Appends one record (and a checkpoint when due); returns the record. */
  append(input: AuditInput): AuditEntryRecord {
    const rec: Record<string, unknown> = {
      type: 'record',
      seq: this.seq + 1,
      tS: input.tS,
      inputsDigest: input.inputsDigest,
      command: input.command,
      verdict: input.verdict,
      ...(input.driven ? { driven: input.driven } : {}),
      ...(input.llm && input.llm.length > 0 ? { llm: input.llm } : {}),
      configHash: this.configHash,
      prevHash: this.head,
    };
    // the hash and the line's bytes from one serialisation of each member (the line is the hashed
    // form with `hash` in its sorted place: what `entryHash` + `canonicalJson(entry)` write)
    const w = this.writer;
    rec.hash = writeHashedLine(rec, w);
    this.writeBytes(rec, w.buf, w.length);
    this.recordCount++;
    this.lastTS = input.tS;
    if (Number.isNaN(this.checkpointTS)) this.checkpointTS = input.tS;
    ++this.sinceCheckpoint;
    if (this.key && (this.sinceCheckpoint >= this.every || input.tS - this.checkpointTS >= this.everyS))
      this.checkpoint();
    if (this.maxSegmentBytes > 0 && this.bytes >= this.maxSegmentBytes) this.rotate();
    return rec as AuditEntryRecord;
  }

  /**
   * Closes the current segment with its signed closing checkpoint and opens the next, whose signed
   * header continues the chain from the closed segment's head and counts the records before it.
   */
  private rotate(): void {
    this.checkpoint(true);
    closeSync(this.fd);
    this.segmentIndex++;
    this.recordsBefore += this.recordCount;
    const header = headerEntry(
      this.key,
      this.key ? (createPublicKey(this.key).export({ type: 'spki', format: 'pem' }) as string) : '',
      this.configHash,
      this.head,
      { index: this.segmentIndex, records: this.recordsBefore },
    );
    this.path = segmentPath(this.basePath, this.segmentIndex);
    this.fd = openSync(this.path, 'a');
    this.bytes = 0;
    this.recordCount = 0;
    this.sinceCheckpoint = 0;
    this.checkpointTS = Number.NaN;
    this.write(header);
  }

  /** Segments written so far (1: not rotated). */
  get segments(): number {
    return this.segmentIndex + 1;
  }

  /** The hash of the last entry written: what a verifier can be handed as `expectHead`. */
  get headHash(): string {
    return this.head;
  }

  /** Records in the log (all sessions and segments). */
  get records(): number {
    return this.recordsBefore + this.recordCount;
  }

  /** Writes the entry that opens a resumed session (unsigned without a key: such a log never verifies). */
  private session(adopted: number): void {
    const seq = this.seq + 1;
    const entry: Record<string, unknown> = {
      type: 'session',
      seq,
      records: this.recordCount,
      adopted,
      signature: this.key
        ? sign(null, sessionMessage(seq, this.head, this.recordCount, adopted), this.key).toString('base64')
        : '',
      prevHash: this.head,
    };
    entry.hash = entryHash(entry);
    this.write(entry);
    this.sinceCheckpoint = 0;
  }

  /** Writes a signed checkpoint over the current chain head (no-op without a key). */
  checkpoint(final = false): void {
    if (!this.key) return;
    const seq = this.seq + 1;
    const cp: Record<string, unknown> = {
      type: 'checkpoint',
      seq,
      tS: this.lastTS,
      records: this.recordCount,
      final,
      signature: sign(
        null,
        checkpointMessage(seq, this.head, this.recordCount, final, this.lastTS),
        this.key,
      ).toString('base64'),
      prevHash: this.head,
    };
    cp.hash = entryHash(cp);
    this.write(cp);
    this.sinceCheckpoint = 0;
    this.checkpointTS = this.lastTS;
  }

  private write(entry: Record<string, unknown>, canonical = canonicalJson(entry)): void {
    // One write call per line: a crash can only tear the line being written.
    const line = `${canonical}\n`;
    writeSync(this.fd, line);
    this.bytes += Buffer.byteLength(line);
    if (this.doFsync) fsyncSync(this.fd);
    this.seq = entry.seq as number;
    this.head = entry.hash as string;
  }

  /** `write` of a line already in bytes (`buf[0, length)`, its newline included). */
  private writeBytes(entry: Record<string, unknown>, buf: Buffer, length: number): void {
    // One write call per line, as `write`: a crash can only tear the line being written.
    writeSync(this.fd, buf, 0, length);
    this.bytes += length;
    if (this.doFsync) fsyncSync(this.fd);
    this.seq = entry.seq as number;
    this.head = entry.hash as string;
  }

  /** Signs the tail with the final checkpoint and closes the file. */
  close(): void {
    if (this.fd < 0) return;
    this.checkpoint(true);
    closeSync(this.fd);
    this.fd = -1;
  }
}
