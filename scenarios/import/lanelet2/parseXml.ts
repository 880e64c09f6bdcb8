/**
 * XML → plain objects with fast-xml-parser, after a validation pass so that a malformed or
 * truncated file gives one error with its line and column instead of a half-read tree.
 * Attribute values and texts stay strings (ids like 3746950994407121322 exceed 2^53).
 */
import { XMLParser } from 'fast-xml-parser';
import { fail, ok, type Result } from '../../../core/index.ts';
import { readTextFile } from '../../../core/readTextFile.ts';
import { implausible, type Quantity } from '../Plausible.ts';
import { xmlSyntaxError } from '../xmlSyntax.ts';

export type XmlNode = Record<string, unknown>;

/** Reads and parses `path`; `arrays` names the elements that may repeat (always arrays). */
export function parseXmlFile(path: string, arrays: ReadonlySet<string>): Result<XmlNode> {
  const text = readTextFile(path);
  if (!text.ok) return text;
  return parseXmlText(text.value, arrays, path);
}

export function parseXmlText(text: string, arrays: ReadonlySet<string>, where: string): Result<XmlNode> {
  const bad = xmlSyntaxError(text, where);
  if (bad) return fail(bad.code, bad.path, bad.message);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => arrays.has(name),
  });
  try {
    return ok(parser.parse(text) as XmlNode);
  } catch (e) {
    return fail('PARSE_ERROR', where, `malformed XML: ${(e as Error).message}`);
  }
}

/** Thrown inside an importer's tree walk; caught at its boundary and turned into a Result. */
export class ElementError extends Error {
  constructor(
    readonly elementPath: string,
    message: string,
  ) {
    super(message);
  }
}

export function asArray(v: unknown): XmlNode[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as XmlNode[];
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const v = node?.[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v[0] as XmlNode;
  if (typeof v === 'object') return v as XmlNode;
  return { '#text': v } as XmlNode;
}

export function text(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[name];
  if (v === undefined || v === null) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'object' && first !== null) {
    const t = (first as XmlNode)['#text'];
    return t === undefined ? undefined : String(t);
  }
  return String(first);
}

/**
 * A finite number from a child element's text, within the plausible range of `kind` (Plausible.ts;
 * default: any value below 1e9); throws ElementError naming the element path.
 */
export function num(node: XmlNode | undefined, name: string, where: string, kind: Quantity = 'any'): number {
  const t = text(node, name);
  const v = t === undefined ? Number.NaN : Number(t);
  if (!Number.isFinite(v)) {
    throw new ElementError(`${where}/${name}`, t === undefined ? 'missing number' : `"${t}" is not a number`);
  }
  const why = implausible(v, kind, t);
  if (why) throw new ElementError(`${where}/${name}`, why);
  return v;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return v === undefined ? undefined : String(v);
}
