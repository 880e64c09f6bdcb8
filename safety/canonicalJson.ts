/**
 * Canonical JSON (object keys sorted, no whitespace, `undefined` dropped) and its SHA-256: the
 * form the audit log hashes and the config hash is taken over. Numbers use JSON.stringify's
 * shortest round-trip form, so parse → canonicalJson reproduces a canonical line byte for byte.
 *
 * Written as one string built by appending (no per-object `map` / `filter` / `join` arrays): the
 * stack serialises every snapshot and audit record with it on every control step (bench stack).
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return appendCanonical('', value);
}

function appendCanonical(out: string, value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number') return out + (Number.isFinite(value) ? String(value) : 'null');
    return out + (JSON.stringify(value) ?? 'null');
  }
  if (Array.isArray(value)) {
    out += '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v = value[i];
      // (a hole of a sparse array stays empty, as `map` + `join` left it)
      if (v === undefined) out = i in value ? `${out}null` : out;
      else out = appendCanonical(out, v);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  out += '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out = appendCanonical(out + JSON.stringify(k) + ':', v);
  }
  return `${out}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
