/**
 * An agent's JSON schema → a GBNF grammar whose every sentence is a schema-valid reply of bounded
 * length, and that length in bytes (the token budget follows from it). node-llama-cpp's own
 * converter (`createGrammarForJsonSchema`, 3.21.1) takes `maxLength` but no numeric bounds: its
 * numbers carry up to 16 exponent digits (`0E6666666666666666` parses to Infinity) and its
 * whitespace is unbounded, so a reply can neither be range-checked nor budgeted by construction.
 * This compiler covers the subset the agent schemas use (zod 4 draft-7 output): object (every
 * property, in declared order, no extra keys), enum / const, string (printable ASCII, maxLength),
 * number / integer (minimum / maximum / exclusive bounds, fixed fraction digits, no exponent),
 * boolean, null, anyOf / oneOf / type arrays, array (minItems / maxItems). Anything else is a
 * coded failure naming the keyword and the path, never a grammar that admits invalid replies.
 */

export interface JsonGrammarParams {
  /** Digits after the decimal point a `number` may carry (2: cm and cm/s resolution). */
  fractionDigits: number;
  /** Bound on |x| for a number the schema leaves unbounded (keeps the reply length finite). */
  defaultAbsMax: number;
  /** Length of a string the schema leaves unbounded, characters. */
  defaultMaxLength: number;
  /** Items of an array the schema leaves unbounded. */
  defaultMaxItems: number;
}

export const JSON_GRAMMAR_DEFAULTS: JsonGrammarParams = {
  fractionDigits: 2,
  defaultAbsMax: 1e6,
  defaultMaxLength: 200,
  defaultMaxItems: 16,
};

export interface JsonGrammar {
  /** GBNF text, root rule `root`. */
  gbnf: string;
  /** Longest reply the grammar admits, bytes (every character is ASCII, so also characters). */
  maxBytes: number;
}

export type JsonGrammarResult =
  | { ok: true; grammar: JsonGrammar }
  | { ok: false; path: string; message: string };

/** Keywords that only annotate (they constrain nothing the grammar must enforce). */
const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', '$schema', '$comment']);

class Unsupported extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

interface Piece {
  expr: string;
  maxBytes: number;
}

/** Compiles a JSON schema into a grammar; a keyword outside the subset is `{ ok: false }` with its path. */
export function jsonSchemaToGbnf(
  schema: unknown,
  params: Partial<JsonGrammarParams> = {},
): JsonGrammarResult {
  const p = { ...JSON_GRAMMAR_DEFAULTS, ...params };
  const rules: string[] = [];
  const rule = (piece: Piece): Piece => {
    const name = `n${rules.length}`;
    rules.push(`${name} ::= ${piece.expr}`);
    return { expr: name, maxBytes: piece.maxBytes };
  };

  const compile = (s: unknown, path: string): Piece => {
    if (!s || typeof s !== 'object' || Array.isArray(s))
      throw new Unsupported(path, 'schema is not an object');
    const o = s as Record<string, unknown>;
    const known = new Set([
      ...ANNOTATIONS,
      'type',
      'enum',
      'const',
      'anyOf',
      'oneOf',
      'properties',
      'required',
      'additionalProperties',
      'items',
      'minItems',
      'maxItems',
      'minLength',
      'maxLength',
      'minimum',
      'maximum',
      'exclusiveMinimum',
      'exclusiveMaximum',
    ]);
    for (const k of Object.keys(o))
      if (!known.has(k))
        throw new Unsupported(path, `keyword "${k}" is not supported by the grammar compiler`);

    if ('const' in o) return literal(JSON.stringify(o.const));
    if (Array.isArray(o.enum)) return alternatives(o.enum.map((v) => literal(JSON.stringify(v))));
    const alts = (o.anyOf ?? o.oneOf) as unknown[] | undefined;
    if (alts) {
      if (!Array.isArray(alts) || alts.length === 0)
        throw new Unsupported(path, 'anyOf / oneOf must be a non-empty array');
      return rule(alternatives(alts.map((a, i) => compile(a, `${path}/anyOf/${i}`))));
    }
    if (Array.isArray(o.type)) return rule(alternatives(o.type.map((t) => compile({ ...o, type: t }, path))));
    switch (o.type) {
      case 'null':
        return literal('null');
      case 'boolean':
        return alternatives([literal('true'), literal('false')]);
      case 'string':
        return rule(stringPiece(o, p));
      case 'number':
      case 'integer':
        return rule(numberPiece(o, o.type === 'integer' ? 0 : p.fractionDigits, p.defaultAbsMax, path));
      case 'array': {
        const item = compile(o.items ?? {}, `${path}/items`);
        return rule(arrayPiece(item, int(o.minItems, 0), int(o.maxItems, p.defaultMaxItems), path));
      }
      case 'object': {
        if (o.additionalProperties !== undefined && o.additionalProperties !== false)
          throw new Unsupported(path, 'additionalProperties other than false is not supported');
        const props = Object.entries((o.properties ?? {}) as Record<string, unknown>);
        // Every property is emitted, required or not: a present optional key is still valid, and
        // a fixed key order keeps the grammar (and the reply length) small.
        const parts: Piece[] = [literal('{')];
        props.forEach(([k, v], i) => {
          parts.push(literal(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`));
          parts.push(compile(v, `${path}/properties/${k}`));
        });
        parts.push(literal('}'));
        return rule(sequence(parts));
      }
      default:
        throw new Unsupported(path, `type ${JSON.stringify(o.type)} is not supported`);
    }
  };

  try {
    const root = compile(schema, '#');
    return {
      ok: true,
      grammar: { gbnf: [`root ::= ${root.expr}`, ...rules].join('\n'), maxBytes: root.maxBytes },
    };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
}

function int(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.floor(v) : dflt;
}

/** A GBNF string literal for ASCII text. */
function literal(text: string): Piece {
  return { expr: `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`, maxBytes: text.length };
}

function alternatives(ps: Piece[]): Piece {
  return { expr: `(${ps.map((x) => x.expr).join(' | ')})`, maxBytes: Math.max(...ps.map((x) => x.maxBytes)) };
}

function sequence(ps: Piece[]): Piece {
  return { expr: ps.map((x) => x.expr).join(' '), maxBytes: ps.reduce((a, x) => a + x.maxBytes, 0) };
}

/**
 * Printable ASCII without `"` and `\`: no escapes, so one character is one byte and the byte
 * bound is the character bound (a byte-level vocabulary needs at most that many tokens).
 */
const STRING_CHAR = '[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]';

function stringPiece(o: Record<string, unknown>, p: JsonGrammarParams): Piece {
  const min = Math.max(0, int(o.minLength, 0));
  const max = Math.max(min, int(o.maxLength, p.defaultMaxLength));
  const body = max === 0 ? '' : ` ${STRING_CHAR}{${min},${max}}`;
  return { expr: `"\\""${body} "\\""`, maxBytes: 2 + max };
}

function arrayPiece(item: Piece, min: number, max: number, path: string): Piece {
  if (max < min) throw new Unsupported(path, `maxItems ${max} < minItems ${min}`);
  if (max === 0) return literal('[]');
  const maxBytes = 2 + max * item.maxBytes + (max - 1);
  const rest = max === 1 ? '' : ` ("," ${item.expr}){${Math.max(min - 1, 0)},${max - 1}}`;
  if (min === 0) return { expr: `"[" (${item.expr}${rest})? "]"`, maxBytes };
  return { expr: `"[" ${item.expr}${rest} "]"`, maxBytes };
}

/**
 * A decimal number inside the schema's bounds: integer part exact by digit ranges, a fraction of
 * 1..fd digits (at the ends, only the digits that stay inside), no exponent. A bound with more than
 * fd fraction digits is rounded inwards, so the grammar never admits a value outside the range.
 */
function numberPiece(o: Record<string, unknown>, fd: number, absMax: number, path: string): Piece {
  const num = (k: string): number | undefined => (typeof o[k] === 'number' ? (o[k] as number) : undefined);
  let lo = -absMax;
  let loEx = false;
  let hi = absMax;
  let hiEx = false;
  if (num('minimum') !== undefined) lo = num('minimum')!;
  if (num('exclusiveMinimum') !== undefined && num('exclusiveMinimum')! >= lo) {
    lo = num('exclusiveMinimum')!;
    loEx = true;
  }
  if (num('maximum') !== undefined) hi = num('maximum')!;
  if (num('exclusiveMaximum') !== undefined && num('exclusiveMaximum')! <= hi) {
    hi = num('exclusiveMaximum')!;
    hiEx = true;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Unsupported(path, 'non-finite bound');
  const sides: Piece[] = [];
  if (hi > 0 || (hi === 0 && !hiEx)) {
    const s = magnitudePiece(Math.max(lo, 0), lo >= 0 && loEx, hi, hiEx, fd);
    if (s) sides.push(s);
  }
  if (lo < 0) {
    // -x for x in [max(-hi, 0), -lo]; "-0" is never written, so the magnitude's floor is exclusive at 0
    const mLo = Math.max(-hi, 0);
    const s = magnitudePiece(mLo, mLo === 0 || hiEx, -lo, loEx, fd);
    if (s) sides.push({ expr: `"-" ${s.expr}`, maxBytes: 1 + s.maxBytes });
  }
  if (sides.length === 0)
    throw new Unsupported(path, `no number with ${fd} fraction digits lies in the bounds`);
  return alternatives(sides);
}

/**
 * Non-negative decimals in [lo, hi] (ends exclusive as flagged) with at most `fd` fraction digits,
 * or undefined when none is writable. Counted in units of 10^−fd: the integer parts strictly between
 * the ends carry any fraction, the integer part at each end only the fraction digits that keep it
 * inside (by the number of digits written: "2.5" and "2.50" are the same value), so a non-integer
 * bound keeps its partial ranges (2.5..3.7 admitted only 3) and an exclusive integer minimum needs
 * no whole integer above it (exclusiveMinimum 0, maximum 0.5 was no number at all).
 */
function magnitudePiece(lo: number, loEx: boolean, hi: number, hiEx: boolean, fd: number): Piece | undefined {
  const unit = 10 ** fd;
  // bounds in units, exact where the bound is a multiple of the unit (0.29 · 100 is 28.999…)
  const scaled = (x: number): number =>
    Math.abs(x * unit - Math.round(x * unit)) < 1e-6 ? Math.round(x * unit) : x * unit;
  const l = scaled(lo);
  const h = scaled(hi);
  const first = Number.isInteger(l) ? (loEx ? l + 1 : l) : Math.ceil(l);
  const last = Number.isInteger(h) ? (hiEx ? h - 1 : h) : Math.floor(h);
  if (first > last) return undefined;
  const iLo = Math.floor(first / unit);
  const fLo = first - iLo * unit;
  const iHi = Math.floor(last / unit);
  const fHi = last - iHi * unit;
  const anyFrac = fd > 0 ? ` ("." [0-9]{1,${fd}})?` : '';
  const parts: string[] = [];
  // a fraction may be written (the value's own digits or trailing zeros: [2, 2] admits "2.00")
  let withFrac = fd > 0;
  if (iLo === iHi) {
    const frac = fractionIn(fLo, fHi, fd);
    withFrac = frac !== '';
    parts.push(`${digitsOf(iLo)}${frac}`);
  } else {
    // the low end's integer part: whole when its fraction may be anything
    const freeFrom = fLo === 0 ? iLo : iLo + 1;
    if (fLo > 0) parts.push(`${digitsOf(iLo)}${fractionIn(fLo, unit - 1, fd)}`);
    const freeTo = fHi === unit - 1 ? iHi : iHi - 1;
    const free = intRange(freeFrom, freeTo);
    if (free.length > 0) parts.push(`(${free.join(' | ')})${anyFrac}`);
    if (fHi < unit - 1) parts.push(`${digitsOf(iHi)}${fractionIn(0, fHi, fd)}`);
  }
  const intDigits = String(Math.max(iHi, 0)).length;
  return { expr: `(${parts.join(' | ')})`, maxBytes: intDigits + (withFrac ? 1 + fd : 0) };
}

/**
 * The fraction (after an integer part) whose value lies in [a, b] units of 10^−fd: "." and 1..fd
 * digits, optional when a is 0 (no fraction is the value 0).
 */
function fractionIn(a: number, b: number, fd: number): string {
  const alts: string[] = [];
  for (let len = 1; len <= fd; len++) {
    const step = 10 ** (fd - len);
    const dLo = Math.ceil(a / step);
    const dHi = Math.floor(b / step);
    if (dLo > dHi) continue;
    const pad = (n: number) => String(n).padStart(len, '0');
    const r = sameLength(pad(dLo), pad(dHi));
    alts.push(r.length === 1 ? r[0]! : `(${r.join(' | ')})`);
  }
  if (alts.length === 0) return '';
  const frac = ` "." ${alts.length === 1 ? alts[0]! : `(${alts.join(' | ')})`}`;
  return a === 0 ? ` (${frac.trim()})?` : frac;
}

function digitsOf(n: number): string {
  return `"${n}"`;
}

/** GBNF alternatives matching exactly the decimal integers in [a, b] without leading zeros. */
export function intRange(a: number, b: number): string[] {
  if (a > b) return [];
  const out: string[] = [];
  for (let len = String(a).length; len <= String(b).length; len++) {
    const lo = Math.max(a, len === 1 ? 0 : 10 ** (len - 1));
    const hi = Math.min(b, 10 ** len - 1);
    if (lo <= hi) out.push(...sameLength(String(lo), String(hi)));
  }
  return out;
}

function sameLength(lo: string, hi: string): string[] {
  const n = lo.length;
  const cls = (x: string, y: string) => (x === y ? `"${x}"` : `[${x}-${y}]`);
  if (n === 1) return [cls(lo, hi)];
  if (/^0+$/.test(lo) && /^9+$/.test(hi)) return [`[0-9]{${n}}`];
  const group = (xs: string[]) => (xs.length === 1 ? xs[0]! : `(${xs.join(' | ')})`);
  if (/^0+$/.test(lo.slice(1)) && /^9+$/.test(hi.slice(1))) return [`${cls(lo[0]!, hi[0]!)} [0-9]{${n - 1}}`];
  if (lo[0] === hi[0]) return [`"${lo[0]}" ${group(sameLength(lo.slice(1), hi.slice(1)))}`];
  const out = [`"${lo[0]}" ${group(sameLength(lo.slice(1), '9'.repeat(n - 1)))}`];
  const d0 = Number(lo[0]) + 1;
  const d1 = Number(hi[0]) - 1;
  if (d0 <= d1) out.push(`${cls(String(d0), String(d1))} [0-9]{${n - 1}}`);
  out.push(`"${hi[0]}" ${group(sameLength('0'.repeat(n - 1), hi.slice(1)))}`);
  return out;
}
