/**
 * Canonical JSON (object keys sorted, no whitespace, `undefined` dropped) and its SHA-256: the
 * form the audit log hashes and the config hash is taken over. Numbers use JSON.stringify's
 * shortest round-trip form, so parse → canonicalJson reproduces a canonical line byte for byte.
 *
 * Written as one string built by appending, keys gathered and sorted in scratch arrays kept per
 * depth (no per-object `Object.keys` / `sort` / `map` / `join` arrays): the stack serialises every
 * snapshot and audit record with it on every control step (bench stack: the audit's serialising
 * was the largest allocator of a tick).
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return appendCanonical('', value, 0);
}

/** Scratch key arrays, one per nesting depth (serialising is synchronous: no two uses overlap). */
const scratch: string[][] = [];

/**
 * The own enumerable string keys of `obj` (what `Object.keys` gives) sorted by UTF-16 code units
 * (what `Array.prototype.sort` does to strings), in the depth's scratch array; returns how many.
 */
function sortedKeysInto(obj: Record<string, unknown>, depth: number): number {
  const keys = (scratch[depth] ??= []);
  let n = 0;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    // insertion sort: objects here have a handful of keys
    let i = n++;
    while (i > 0 && keys[i - 1]! > k) {
      keys[i] = keys[i - 1]!;
      i--;
    }
    keys[i] = k;
  }
  return n;
}

function appendCanonical(out: string, value: unknown, depth: number): string {
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
      else out = appendCanonical(out, v, depth + 1);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const n = sortedKeysInto(obj, depth);
  const keys = scratch[depth]!;
  out += '{';
  let first = true;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out = appendCanonical(out + JSON.stringify(k) + ':', v, depth + 1);
  }
  return `${out}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
