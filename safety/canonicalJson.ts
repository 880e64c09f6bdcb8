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
function sortedKeysInto(obj: Record<string, unknown>, depth: number, store: string[][] = scratch): number {
  const keys = (store[depth] ??= []);
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

/**
 * Canonical JSON written as UTF-8 bytes into one buffer that is kept and reused: the bytes
 * `Buffer.from(canonicalJson(value))` holds, and the digest `sha256Hex(canonicalJson(value))` gives,
 * without the text. The audit log writes every record with it and the stack digests every snapshot
 * it audits (bench stack, round 26: the audit's JSON text was the largest allocator of a tick —
 * `appendCanonical` builds a chain of strings per member that hashing and writing then flatten and
 * encode again). Plain ASCII strings and integers are copied byte by byte; any other string goes
 * through `JSON.stringify` (its escapes, lone surrogates included), any other number through
 * `String` (shortest round-trip form), as `canonicalJson` writes them.
 *
 * One writer per owner (an `AuditLog`, a stack): `reset` starts a new text, nothing is shared.
 */
export class CanonicalJsonWriter {
  /** The bytes written since `reset`: `buf[0, length)`. */
  buf: Buffer;
  length = 0;
  /** Scratch key arrays, one per nesting depth. */
  private readonly keys: string[][] = [];

  constructor(initialBytes = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Forgets what was written. */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** Appends one ASCII byte (a code below 0x80). */
  byte(code: number): void {
    if (this.length >= this.buf.length) this.reserve(1);
    this.buf[this.length++] = code;
  }

  /** Appends text known to be ASCII (punctuation, digits, hex). */
  ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < n; i++) buf[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Appends any text as UTF-8 (what `Buffer.from(text)` holds). */
  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  /** Appends `JSON.stringify(text)`. */
  string(text: string): void {
    const n = text.length;
    this.reserve(n + 2);
    const buf = this.buf;
    const start = this.length;
    let at = start;
    buf[at++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        // an escape or a character beyond ASCII: JSON.stringify's own form of the whole string
        this.length = start;
        this.utf8(JSON.stringify(text));
        return;
      }
      buf[at++] = c;
    }
    buf[at++] = 0x22;
    this.length = at;
  }

  /** Appends a number as `canonicalJson` writes it (non-finite: null). */
  number(x: number): void {
    if (!Number.isFinite(x)) {
      this.ascii('null');
      return;
    }
    // an integer below 2^31 in magnitude: its decimal digits (String(-0) is "0")
    if ((x | 0) === x) {
      this.reserve(11);
      const buf = this.buf;
      let v = x;
      if (v < 0) {
        buf[this.length++] = 0x2d;
        v = -v;
      }
      let digits = 1;
      for (let p = 10; p <= v; p *= 10) digits++;
      let at = this.length + digits;
      this.length = at;
      do {
        buf[--at] = 0x30 + (v % 10);
        v = Math.floor(v / 10);
      } while (v > 0);
      return;
    }
    this.ascii(String(x));
  }

  /** Appends the canonical JSON of `value` (what `canonicalJson(value)` returns, as UTF-8). */
  value(value: unknown, depth = 0): void {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'number') this.number(value);
      else if (typeof value === 'string') this.string(value);
      else if (typeof value === 'boolean') this.ascii(value ? 'true' : 'false');
      else this.utf8(JSON.stringify(value) ?? 'null');
      return;
    }
    if (Array.isArray(value)) {
      this.byte(0x5b);
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.byte(0x2c);
        const v = value[i];
        // (a hole of a sparse array stays empty, as `canonicalJson` leaves it)
        if (v === undefined) {
          if (i in value) this.ascii('null');
        } else this.value(v, depth + 1);
      }
      this.byte(0x5d);
      return;
    }
    const obj = value as Record<string, unknown>;
    const n = this.sortedKeys(obj, depth);
    const keys = this.keys[depth]!;
    this.byte(0x7b);
    let first = true;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const v = obj[k];
      if (v === undefined) continue;
      if (!first) this.byte(0x2c);
      first = false;
      this.string(k);
      this.byte(0x3a);
      this.value(v, depth + 1);
    }
    this.byte(0x7d);
  }

  /**
   * The own enumerable string keys of `obj` sorted by UTF-16 code units (what `canonicalJson`
   * sorts), in the depth's scratch array; returns how many.
   */
  sortedKeys(obj: Record<string, unknown>, depth: number): number {
    return sortedKeysInto(obj, depth, this.keys);
  }

  /** The scratch array `sortedKeys(…, depth)` filled (valid until the next call at that depth). */
  keysAt(depth: number): readonly string[] {
    return (this.keys[depth] ??= []);
  }

  /** SHA-256 (hex) of the bytes `[from, to)` written (default: all since `reset`). */
  sha256Hex(from = 0, to = this.length): string {
    return createHash('sha256').update(this.buf.subarray(from, to)).digest('hex');
  }

  /** `sha256Hex(canonicalJson(value))`, written in this writer (which it resets). */
  digest(value: unknown): string {
    this.reset();
    this.value(value);
    return this.sha256Hex();
  }
}
