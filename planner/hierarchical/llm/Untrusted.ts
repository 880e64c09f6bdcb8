/**
 * The markers the system prompt (`planner/prompts/<v>/system.md`) tells the model to read as data:
 * every prompt slot filled from the world — perception's scene text (agent, lane and map ids, sign
 * and operator text), the rules' proposals and analyses (their agent ids), tips — reaches the model
 * only between them. Inside a block `<` and `>` are written as the JSON escapes `\u003c` / `\u003e`,
 * so no text from the world can close the block or open one of its own (review ux21 #2).
 */

export const UNTRUSTED_OPEN = '<<<UNTRUSTED';
export const UNTRUSTED_CLOSE = 'UNTRUSTED>>>';

/** `text` as one data block between the markers, with any `<` / `>` in it escaped. */
export function untrustedBlock(text: string): string {
  const esc = text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `${UNTRUSTED_OPEN}\n${esc}\n${UNTRUSTED_CLOSE}`;
}
