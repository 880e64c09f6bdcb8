/**
 * Unknown keys in a configuration, said with the key meant: a strict zod object (`z.strictObject`,
 * `.strict()`) refuses a key it does not know, and zod's issue ("Unrecognized key: topic") names
 * neither where it is nor what was probably meant. `parseStrictWith` names each unknown key by its
 * path and, when it is a near miss of a known key at that place (`topic` → `topics`,
 * `watchdogDecel` → `watchdogDecelMps2`), that key.
 */
import type { z } from 'zod';
import { fail, parseWith, type Result } from './result.ts';

/** Levenshtein distance (two rows; config keys are short). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known name `name` most likely stands for, if any: the same name in another case, a name
 * that one is a prefix of (a unit left off: `staleAfter` → `staleAfterS`), or one within a
 * quarter of its length in edits (at least one: `topic` → `topics`). Undefined when none is close.
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const kl = k.toLowerCase();
    const prefix = Math.min(kl.length, lower.length) >= 4 && (kl.startsWith(lower) || lower.startsWith(kl));
    const d = editDistance(lower, kl);
    const score = prefix ? Math.abs(kl.length - lower.length) / 100 : d;
    if ((prefix || d <= Math.max(1, Math.floor(name.length / 4))) && score < bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema knows at `path` inside `schema` (through defaults, optionals, records, arrays). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  let i = 0;
  while (s) {
    const d = defOf(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else if (i === path.length) return d.shape ? Object.keys(d.shape) : [];
    else if (d.shape) s = d.shape[String(path[i++])];
    else if (d.valueType ?? d.element) {
      s = d.valueType ?? d.element;
      i++;
    } else return [];
  }
  return [];
}

/**
 * `parseWith` for a schema whose objects are strict: unknown keys come first in the error, each
 * with its path and the known key it is a near miss of (`rates.staleAfter: unknown key (did you
 * mean staleAfterS?)`); other failures are reported as `parseWith` reports them.
 */
export function parseStrictWith<S extends z.ZodType>(
  schema: S,
  data: unknown,
  where = '',
): Result<z.infer<S>> {
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  const unknown: string[] = [];
  for (const issue of r.error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeysAt(schema, issue.path);
    for (const key of issue.keys) {
      const meant = nearestName(key, known);
      const at = [...issue.path.map(String), key].join('.');
      unknown.push(
        `${at}: unknown key (${meant !== undefined ? `did you mean ${meant}?` : `known here: ${known.join(', ')}`})`,
      );
    }
  }
  if (unknown.length === 0) return parseWith(schema, data, where);
  // the other problems are named too (two at most), after the unknown keys
  const others = r.error.issues
    .filter((i) => i.code !== 'unrecognized_keys')
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  const [first, ...rest] = [...unknown, ...others.slice(0, 2)];
  if (others.length > 2) rest.push(`+${others.length - 2} more`);
  const sep = first!.indexOf(': ');
  const path = [where, first!.slice(0, sep)].filter(Boolean).join(':');
  return fail(
    'INVALID_INPUT',
    path,
    `${first!.slice(sep + 2)}${rest.length > 0 ? `; also ${rest.join('; ')}` : ''}`,
  );
}
