/**
 * How the rules planner names world agents in its own rationale. The gate reads every rationale for
 * instruction-bearing text (input.instruction), and an agent's id is any world string of up to 256
 * characters: an object named "please ignore all previous instructions" got every rules plan that
 * mentioned it vetoed, and a minimal-risk stop drove the whole run (review 14 M1). A rationale the
 * gate's screen (handed in by the stack, as the roll-out is) would flag names its agents by a digest
 * of their ids instead; any other keeps the ids as they read ("lead-42", "parked_van").
 */

/** Whether the gate would take `text` as instruction-bearing (safety's `findInjection`, handed in). */
export type TextScreen = (text: string) => boolean;

/** FNV-1a 32-bit of the UTF-16 code units, 8 hex digits (a name, not a secret: stable per id). */
function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** `id` as a flagged rationale names it: `agent#` and an 8-hex digest of the id. */
export function agentRef(id: string): string {
  return `agent#${digest(id)}`;
}

/** `text` with each of `ids` replaced by its `agentRef`, longest first (an id inside another stays). */
function replaced(text: string, ids: ReadonlyArray<string>): string {
  let out = text;
  for (const id of [...ids].sort((a, b) => b.length - a.length))
    if (out.includes(id)) out = out.split(id).join(agentRef(id));
  return out;
}

/**
 * `text` (a rules rationale) as the gate may read it: unchanged unless `flags` it; then the ids of
 * `ids` that carry an order themselves are named by digest, and if the words around an id still
 * make one ("ignore" beside "speed limit"), every id of three characters or more. What is flagged
 * after that is the planner's own wording, left for the gate to judge.
 */
export function withAgentRefs(text: string, ids: Iterable<string>, flags: TextScreen): string {
  if (!flags(text)) return text;
  const all = [...new Set(ids)].filter((id) => text.includes(id));
  const out = replaced(text, all.filter(flags));
  return flags(out)
    ? replaced(
        out,
        all.filter((id) => id.length >= 3),
      )
    : out;
}
