/**
 * The one well-formedness check of every XML importer (OpenSCENARIO, OpenDRIVE, CARLA routes and
 * scenario_runner files, CommonRoad, Lanelet2): fast-xml-parser's validator, with its messages made
 * readable. fast-xml-parser's parser alone accepts a mismatched or missing end tag, so a damaged
 * file would import as if whole (review ux19 #3). A file cut off inside nested elements is named as
 * such, at the end of the file, with the innermost unclosed element (the validator says
 * "Invalid '[…every open tag…]' found" at 1:1, review ux19 #8).
 */
import { XMLValidator } from 'fast-xml-parser';
import type { EdgeplanError } from '../../core/index.ts';

/** Line and column (1-based) of the end of `text`. */
function endPosition(text: string): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: text.length - start + 1 };
}

/**
 * The line of a DOCTYPE that declares an internal subset (`<!DOCTYPE r [<!ENTITY …>]>`) in the
 * prolog, undefined when there is none. A bare `<!DOCTYPE OpenSCENARIO>` is harmless and passes.
 * Refused rather than ignored: fast-xml-parser leaves the entities unexpanded, and the file then
 * read as having no root element (`expected root element <OpenSCENARIO>, found <OpenSCENARIO>`,
 * review ux21 #12).
 */
function entityDoctype(text: string): { line: number } | undefined {
  // the prolog: everything before the first element (comments and processing instructions skipped)
  const m = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<!DOCTYPE\s[^[>]*\[/i.exec(text);
  if (!m) return undefined;
  const at = m[0].lastIndexOf('<!');
  return { line: text.slice(0, at).split('\n').length };
}

/**
 * Undefined when `text` is well-formed XML; otherwise the PARSE_ERROR to report, at
 * `<where>:<line>:<col>`, in one line. An empty or blank text is `empty file`.
 */
export function xmlSyntaxError(text: string, where: string): EdgeplanError | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { code: 'PARSE_ERROR', path: where, message: 'empty file' };
  const doctype = entityDoctype(body);
  if (doctype)
    return {
      code: 'INVALID_INPUT',
      path: `${where}:${doctype.line}:1`,
      message:
        'a DOCTYPE with an internal subset (<!ENTITY …> declarations) is refused: scenario and map formats use no DTD, and entities are never expanded (external entities read local files, nested ones expand exponentially); remove the <!DOCTYPE …[…]> block',
    };
  const v = XMLValidator.validate(body, { allowBooleanAttributes: true });
  if (v === true) return undefined;
  const { code, msg } = v.err;
  const open = code === 'InvalidXml' ? /^Invalid '(\[.*\])' found\.$/.exec(msg) : null;
  let tags: unknown;
  try {
    tags = open ? JSON.parse(open[1]!) : undefined;
  } catch {
    tags = undefined;
  }
  if (Array.isArray(tags) && tags.length > 0) {
    const end = endPosition(body);
    const inner = String(tags[tags.length - 1]);
    const more = tags.length - 1;
    return {
      code: 'PARSE_ERROR',
      path: `${where}:${end.line}:${end.col}`,
      message: `unexpected end of file inside <${inner}>${more > 0 ? ` (${more + 1} elements left open, the outermost <${String(tags[0])}>)` : ''}`,
    };
  }
  if (code === 'InvalidTag' && /^Unclosed tag '/.test(msg)) {
    const end = endPosition(body);
    return {
      code: 'PARSE_ERROR',
      path: `${where}:${end.line}:${end.col}`,
      message: `unexpected end of file inside <${msg.replace(/^Unclosed tag '([^']*)'\.$/, '$1')}> (opened at line ${v.err.line})`,
    };
  }
  // The validator gives no column for some errors.
  return {
    code: 'PARSE_ERROR',
    path: `${where}:${v.err.line}:${v.err.col ?? 1}`,
    message: `malformed XML: ${msg.replace(/\s+/g, ' ')}`,
  };
}
