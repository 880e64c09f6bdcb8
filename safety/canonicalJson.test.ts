import { describe, expect, it } from 'vitest';
import { createRng } from '../core/Clock.ts';
import { entryHash, hashedLine, writeHashedLine } from './AuditLog.ts';
import { CanonicalJsonWriter, canonicalJson, sha256Hex } from './canonicalJson.ts';

/** The form before it was rewritten to append into one string (map / filter / join per level). */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
}

/** A small deterministic generator (the stack's own mulberry32). */
const rng = createRng;

const ATOMS: unknown[] = [
  0,
  -0,
  1.5,
  -1e-7,
  1e21,
  123456789.123,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '',
  'plain',
  2147483647,
  -2147483648,
  2147483648,
  -7,
  1e15 + 1,
  5e-324,
  '\ud800 lone surrogate \udfff',
  '~ tilde \u007f del',
  'quote " backslash \\ newline \n tab \t',
  'unicode é 漢字 \u2028 \u0001 😀',
  true,
  false,
  null,
  undefined,
  () => 1,
];
const KEYS = ['a', 'b', 'Z', '_', '10', '9', 'é', 'a b', '"q"', 'hash', 'seq', 'tS', ''];

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth <= 0 || k < 0.45) return ATOMS[Math.floor(r() * ATOMS.length)];
  if (k < 0.7) {
    const n = Math.floor(r() * 5);
    const arr: unknown[] = [];
    for (let i = 0; i < n; i++) arr.push(randomValue(r, depth - 1));
    if (r() < 0.15) arr[n + 2] = randomValue(r, depth - 1); // a sparse array: holes at n, n + 1
    return arr;
  }
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) o[KEYS[Math.floor(r() * KEYS.length)]!] = randomValue(r, depth - 1);
  return o;
}

describe('canonicalJson', () => {
  it('writes exactly what the map / filter / join form wrote, on 5000 random values', () => {
    const r = rng(24);
    for (let i = 0; i < 5000; i++) {
      const v = randomValue(r, 5);
      expect(canonicalJson(v)).toBe(reference(v));
    }
  });

  it('sorts keys, drops undefined members, writes non-finite numbers and undefined items as null', () => {
    expect(canonicalJson({ b: 1, a: [undefined, Number.NaN, -0], c: undefined, A: { y: 'x' } })).toBe(
      '{"A":{"y":"x"},"a":[null,null,0],"b":1}',
    );
    // eslint-style sparse array: a hole stays empty, as before
    // biome-ignore lint/suspicious/noSparseArray: the case under test
    expect(canonicalJson([1, , 3])).toBe('[1,,3]');
  });

  it('round-trips a canonical line byte for byte (parse → canonicalJson)', () => {
    const line = canonicalJson({ z: [1, 2.5, { b: 'é', a: null }], a: true, m: '\u2028' });
    expect(canonicalJson(JSON.parse(line))).toBe(line);
  });
});

describe('hashedLine (AuditLog.append)', () => {
  it('gives entryHash and the canonical line with the hash in its sorted place, on random entries', () => {
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      const e = randomValue(r, 4);
      const entry: Record<string, unknown> =
        e !== null && typeof e === 'object' && !Array.isArray(e) ? { ...(e as object) } : { v: e };
      if (r() < 0.3) entry.hash = 'stale';
      const want = entryHash(entry);
      const got = hashedLine(entry);
      expect(got.hash).toBe(want);
      expect(got.line).toBe(canonicalJson({ ...entry, hash: want }));
    }
  });
});

describe('CanonicalJsonWriter', () => {
  it('writes the UTF-8 bytes of canonicalJson, and its digest, on 5000 random values (one writer, a small buffer that grows)', () => {
    const r = rng(26);
    const w = new CanonicalJsonWriter(8);
    for (let i = 0; i < 5000; i++) {
      const v = randomValue(r, 5);
      w.reset();
      w.value(v);
      const want = Buffer.from(canonicalJson(v));
      expect(Buffer.compare(w.buf.subarray(0, w.length), want)).toBe(0);
      expect(w.digest(v)).toBe(sha256Hex(canonicalJson(v)));
    }
  });

  it('writeHashedLine leaves the bytes of hashedLine(entry).line and a newline, and returns its hash', () => {
    const r = rng(8);
    const w = new CanonicalJsonWriter(16);
    for (let i = 0; i < 2000; i++) {
      const e = randomValue(r, 4);
      const entry: Record<string, unknown> =
        e !== null && typeof e === 'object' && !Array.isArray(e) ? { ...(e as object) } : { v: e };
      if (r() < 0.3) entry.hash = 'stale';
      const want = hashedLine(entry);
      expect(writeHashedLine(entry, w)).toBe(want.hash);
      expect(w.buf.subarray(0, w.length).toString('utf8')).toBe(`${want.line}\n`);
      expect(w.length).toBe(Buffer.byteLength(`${want.line}\n`));
    }
    expect(writeHashedLine({}, w)).toBe(entryHash({}));
    expect(w.buf.subarray(0, w.length).toString()).toBe(`${hashedLine({}).line}\n`);
  });
});
