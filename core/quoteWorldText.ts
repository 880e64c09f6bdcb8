/**
 * World-supplied strings (agent, lane, junction and scenario ids, sign and tips text) as they may
 * appear in text we write — verdict explanations, scene text for a model, rationales: one quoting
 * for all, so that no id can close a quote or start a line that reads as ours.
 */

/** Characters that must never reach text unescaped: C0/C1 controls, zero-width, bidi and line separators. */
const UNSAFE_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/** Longest world-supplied string quoted into a message, characters. */
export const MAX_QUOTED_CHARS = 64;

/**
 * A world-supplied string as it may appear in our text: in double quotes, controls / zero-width /
 * bidi characters escaped as \uXXXX, at most `max` characters (then "…"). A newline in an id can
 * never start a line of its own.
 */
export function quoteWorldText(text: string, max = MAX_QUOTED_CHARS): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  const esc = cut
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(UNSAFE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${esc}"`;
}
