/**
 * A small typed view over fast-xml-parser's output for the XML importers (OpenDRIVE, OpenSCENARIO,
 * CARLA routes): every element is an array entry, attributes sit under `$`, and every read that
 * can fail names the element path (`/OpenDRIVE/road[id=5]/planView/geometry[2]@length`).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fail, ok, type Result } from '../../../core/index.ts';
import { implausible, type Quantity } from '../Plausible.ts';
import { xmlSyntaxError } from '../xmlSyntax.ts';

export interface XNode {
  $?: Record<string, string>;
  '#text'?: string;
  [tag: string]: unknown;
}

/** Thrown inside an importer for malformed input; caught at its boundary and turned into a Result. */
export class ImportError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '$',
  // Every element is an array so that one and many look the same; attributes stay strings.
  isArray: (_name, _jpath, _leaf, isAttribute) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  // Elements we never read (vendor blobs): not materialising them saves parse time on CARLA towns.
  // Elevation and superelevation are read (z, pitch, roll of the road model).
  stopNodes: ['*.userData'],
});

/**
 * Parses XML text and returns its root element, checking the root's name. Truncated or malformed
 * text gives one error with the line and column (fast-xml-parser's validator).
 */
export function parseXml(text: string, file: string, rootName: string): Result<XNode> {
  // fast-xml-parser's parser accepts a mismatched end tag: validate first (review ux19 #3).
  const bad = xmlSyntaxError(text, file);
  if (bad) return fail(bad.code, bad.path, bad.message);
  const trimmed = text.trimEnd();
  const closesRoot = trimmed.endsWith(`</${rootName}>`) || trimmed.endsWith('/>');
  let doc: Record<string, unknown> | undefined;
  if (closesRoot) {
    try {
      doc = parser.parse(text) as Record<string, unknown>;
    } catch {
      doc = undefined;
    }
  }
  if (!doc || !Array.isArray(doc[rootName])) {
    const v = XMLValidator.validate(text);
    if (v !== true)
      return fail('PARSE_ERROR', `${file}:${v.err.line}:${v.err.col}`, `malformed XML: ${v.err.msg}`);
    if (!closesRoot) return fail('PARSE_ERROR', file, `truncated XML: missing </${rootName}>`);
    const root = /<([A-Za-z_][\w.-]*)[\s>]/.exec(text.replace(/<\?[^>]*\?>|<!--[\s\S]*?-->/g, ''))?.[1];
    return fail('INVALID_INPUT', file, `expected root element <${rootName}>, found <${root ?? '?'}>`);
  }
  return ok((doc[rootName] as XNode[])[0]!);
}

export function kids(n: XNode | undefined, tag: string): XNode[] {
  const v = n?.[tag];
  if (!Array.isArray(v)) return [];
  return (v as unknown[]).map((k) => (typeof k === 'object' && k !== null ? (k as XNode) : {}));
}

export function kid(n: XNode | undefined, tag: string): XNode | undefined {
  const k = kids(n, tag)[0];
  // Empty elements (`<line/>`) parse to "": give them an empty node so presence checks work.
  return k === undefined ? undefined : typeof k === 'object' ? k : {};
}

/** True when `n` has at least one `<tag>` child (empty elements such as `<line/>` included). */
export function has(n: XNode | undefined, tag: string): boolean {
  return Array.isArray(n?.[tag]);
}

export function attr(n: XNode | undefined, name: string): string | undefined {
  return n?.$?.[name];
}

/** Child element tags of `n` in document order of first appearance (for "unsupported" reports). */
export function childTags(n: XNode): string[] {
  return Object.keys(n).filter((k) => k !== '$' && k !== '#text');
}

/** The longest leading decimal number of `s`, as C's strtod reads it (`0.000000+0` → 0); undefined when none. */
const NUMBER_PREFIX = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
export function numberPrefix(s: string): number | undefined {
  const m = NUMBER_PREFIX.exec(s);
  if (!m) return undefined;
  const v = Number(m[0]);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Where a number with trailing characters is read by its leading number (as the reference readers
 * do), the notes of such reads; set only while a lenient reader runs (`readNumbersLeniently`).
 */
let lenientNotes: string[] | undefined;

/**
 * Runs `body` with numeric attributes read the way esmini and libOpenDRIVE read them: by their
 * longest leading number (C's `strtod` / pugixml's `as_double`), so `0.000000+0` — a writer that
 * dropped the `e` of an exponent — is 0, not a refused map. Each such read is noted in `notes`
 * (the importer's warnings), never silent. A value with no leading number is still refused.
 */
export function readNumbersLeniently<T>(notes: string[], body: () => T): T {
  const outer = lenientNotes;
  lenientNotes = notes;
  try {
    return body();
  } finally {
    lenientNotes = outer;
  }
}

/**
 * A numeric attribute; `def` when absent; throws ImportError naming the path when not a number,
 * or, with `kind`, when outside that quantity's plausible range (Plausible.ts).
 */
export function num(n: XNode, name: string, path: string, def?: number, kind?: Quantity): number {
  const s = n.$?.[name];
  if (s === undefined || s === '') {
    if (def !== undefined) return def;
    throw new ImportError(`${path}@${name}`, 'missing required numeric attribute');
  }
  const v = Number(s);
  if (Number.isFinite(v)) {
    const why = kind ? implausible(v, kind, s) : undefined;
    if (why) throw new ImportError(`${path}@${name}`, why);
    return v;
  }
  const prefix = lenientNotes ? numberPrefix(s) : undefined;
  if (prefix === undefined || !lenientNotes)
    throw new ImportError(`${path}@${name}`, `"${s}" is not a finite number`);
  lenientNotes.push(
    `${path}@${name}: "${s.slice(0, 40)}" is not a number; read as ${prefix} (its leading number, as esmini and libOpenDRIVE read it)`,
  );
  return prefix;
}

/** A required string attribute. */
export function str(n: XNode, name: string, path: string, def?: string): string {
  const s = n.$?.[name];
  if (s === undefined) {
    if (def !== undefined) return def;
    throw new ImportError(`${path}@${name}`, 'missing required attribute');
  }
  return s;
}

/** Runs an importer body, turning ImportError into a Result that names the element path. */
export function guard<T>(file: string, body: () => Result<T>): Result<T> {
  try {
    return body();
  } catch (e) {
    if (e instanceof ImportError) return fail('INVALID_INPUT', `${file}:${e.path}`, e.message);
    return fail('INVALID_INPUT', file, `import failed: ${(e as Error).message}`);
  }
}
