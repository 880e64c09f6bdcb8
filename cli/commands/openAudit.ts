/**
 * Opening the hash-chained audit log for the commands that drive (`safety run`, `ros`, `mqtt`): the
 * log resumed or created, its key's public half written beside the key for `audit verify --pubkey`,
 * what recovery did, and — without a key — that the log can never verify.
 */
import { writeFileSync } from 'node:fs';
import { formatError } from '../../core/index.ts';
import { AuditLog, createSafetyGate, publicKeyOf } from '../../safety/index.ts';
import { type Out, UsageError } from '../errors.ts';

export interface AuditFlags {
  /** The log file (JSON Lines). */
  log: string;
  /** ed25519 private key (PEM) that signs checkpoints; created when missing. */
  key?: string | undefined;
  /** Resume a log whose last records are not signed (after a crash). */
  adoptTail?: boolean | undefined;
  /** The flag that names the key, for messages (`--key`, `--audit-key`). */
  keyFlag: string;
  /** Rotate into a new segment once the file holds this many MB (`--audit-max-mb`). */
  maxMb?: number | undefined;
}

/** `--audit-max-mb`: the segment size of a rotated audit log, MB (> 0). */
export function auditMaxMbArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--audit-max-mb must be a size in MB > 0, got "${v}"`);
  return n;
}

/** The help of `--audit-max-mb`, the same on every command that writes an audit log. */
export const AUDIT_MAX_MB_HELP =
  'rotate the audit log into segments of this many MB (<log>.0001.jsonl, …; each closed with a signed checkpoint, the next one signed as its continuation): `audit verify <log>` checks them as one chain';

/**
 * Opens the log for appending (config hash: the default gate's, which every registry stack runs).
 * Prints the public key's file and fingerprint; warns on stderr when there is no key (an unsigned
 * log proves its chain only: `audit verify` fails it, "genesis header is unsigned").
 */
export function openAudit(
  f: AuditFlags,
  out: Out,
  warn: Out = (l) => process.stderr.write(`${l}\n`),
): AuditLog {
  const opened = AuditLog.open(f.log, {
    ...(f.key ? { keyPath: f.key } : {}),
    configHash: createSafetyGate().configHash,
    ...(f.adoptTail ? { adoptUnsignedTail: true } : {}),
    ...(f.maxMb ? { maxSegmentBytes: Math.round(f.maxMb * 1024 * 1024) } : {}),
  });
  if (!opened.ok) throw new UsageError(formatError(opened.error));
  if (f.key) {
    // the public half goes out of band: `audit verify --pubkey <key>.pub` trusts only it
    const pub = publicKeyOf(f.key);
    if (!pub.ok) throw new UsageError(formatError(pub.error));
    writeFileSync(`${f.key}.pub`, pub.value.publicKeyPem);
    out(`audit key: ${f.key}.pub (fingerprint ${pub.value.fingerprint})`);
  } else
    warn(
      `warning: ${f.log} is written without a key (${f.keyFlag} <pem>): it is not signed, so \`edgeplan audit verify\` will fail it (genesis header unsigned) — its hash chain shows edits, not who wrote it`,
    );
  if (opened.value.recovery.truncatedBytes > 0)
    out(`recovered ${f.log}: cut a torn final line of ${opened.value.recovery.truncatedBytes} bytes`);
  if (opened.value.recovery.adoptedRecords > 0)
    out(
      `adopted ${opened.value.recovery.adoptedRecords} unsigned record(s) at the end of ${f.log}: now signed by this run's key`,
    );
  return opened.value.log;
}
