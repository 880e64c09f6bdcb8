/**
 * The grammar compiler, checked without a model: the GBNF it writes (a regular subset: literals,
 * classes, groups, bounded repetition, non-recursive rules) is translated into a RegExp, so each
 * test asks exactly which replies the grammar admits.
 */
import { describe, expect, it } from 'vitest';
import { LateralDecisionSchema, LongitudinalDecisionSchema, SceneAnalysisSchema } from '../AgentOutputs.ts';
import { intRange, jsonSchemaToGbnf } from './JsonGrammar.ts';
import { jsonSchemaOf } from './LlmClient.ts';

/** GBNF (the compiler's subset) → RegExp source; rule names are inlined. */
function gbnfExprToRegex(expr: string, rules: Map<string, string>): string {
  let out = '';
  for (let i = 0; i < expr.length; ) {
    const c = expr[i]!;
    if (c === ' ') i++;
    else if (c === '"') {
      let j = i + 1;
      let lit = '';
      while (expr[j] !== '"') {
        if (expr[j] === '\\') j++;
        lit += expr[j];
        j++;
      }
      out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      i = j + 1;
    } else if (c === '[') {
      const j = expr.indexOf(']', i);
      out += expr.slice(i, j + 1);
      i = j + 1;
    } else if (c === '{') {
      const j = expr.indexOf('}', i);
      out += expr.slice(i, j + 1);
      i = j + 1;
    } else if (c === '(') {
      out += '(?:';
      i++;
    } else if (')|?*+'.includes(c)) {
      out += c;
      i++;
    } else {
      const name = /^[a-z0-9]+/.exec(expr.slice(i))![0];
      out += `(?:${gbnfExprToRegex(rules.get(name)!, rules)})`;
      i += name.length;
    }
  }
  return out;
}

function grammarRegex(schema: unknown): RegExp {
  const g = jsonSchemaToGbnf(schema);
  if (!g.ok) throw new Error(g.message);
  const rules = new Map(
    g.grammar.gbnf.split('\n').map((l) => [l.slice(0, l.indexOf(' ::= ')), l.slice(l.indexOf(' ::= ') + 5)]),
  );
  return new RegExp(`^${gbnfExprToRegex(rules.get('root')!, rules)}$`);
}

describe('jsonSchemaToGbnf', () => {
  it('an integer range admits exactly the integers inside it, without leading zeros', () => {
    for (const [a, b] of [
      [0, 0],
      [0, 9],
      [3, 70],
      [0, 300],
      [17, 1204],
      [100, 999],
    ] as const) {
      const re = new RegExp(`^(?:${gbnfExprToRegex(intRange(a, b).join(' | '), new Map())})$`);
      for (let n = 0; n <= 1300; n++)
        expect(re.test(String(n)), `${n} in [${a}, ${b}]`).toBe(n >= a && n <= b);
      expect(re.test(`0${a}`)).toBe(false);
    }
  });

  it('a bounded number admits values inside [minimum, maximum] only, with no exponent', () => {
    const re = grammarRegex({ type: 'number', minimum: 0, maximum: 70 });
    for (const ok of ['0', '0.5', '7', '69.99', '70', '12.05']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['70.5', '70.01', '71', '-1', '1e3', '0E6666666666666666', '7.123', '007', 'Infinity'])
      expect(re.test(bad), bad).toBe(false);
  });

  it('an exclusive minimum of 0 admits 0.01 but not 0', () => {
    const re = grammarRegex({ type: 'number', exclusiveMinimum: 0, maximum: 12 });
    for (const ok of ['0.01', '0.5', '1', '11.99', '12']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['0', '0.0', '0.00', '-0.5', '12.01']) expect(re.test(bad), bad).toBe(false);
  });

  it('an exclusive minimum of 0 below 1 admits the fractions in between', () => {
    const re = grammarRegex({ type: 'number', exclusiveMinimum: 0, maximum: 0.5 });
    for (const ok of ['0.01', '0.1', '0.25', '0.5', '0.50']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['0', '0.0', '0.00', '0.51', '0.6', '1']) expect(re.test(bad), bad).toBe(false);
  });

  it('non-integer bounds keep the fractions of their partial integer parts', () => {
    const re = grammarRegex({ type: 'number', minimum: 2.5, maximum: 3.7 });
    for (const ok of ['2.5', '2.50', '2.99', '3', '3.0', '3.7', '3.69']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['2', '2.49', '2.4', '3.71', '3.8', '4']) expect(re.test(bad), bad).toBe(false);
    const ex = grammarRegex({ type: 'number', exclusiveMinimum: 2.5, exclusiveMaximum: 12.25 });
    for (const ok of ['2.51', '2.6', '3', '11.99', '12', '12.2', '12.24']) expect(ex.test(ok), ok).toBe(true);
    for (const bad of ['2.5', '2.50', '12.25', '12.3', '13']) expect(ex.test(bad), bad).toBe(false);
  });

  it('maxBytes covers the trailing zeros a single-value range admits ([2, 2]: "2.00")', () => {
    const schema = { type: 'number', minimum: 2, maximum: 2 };
    const g = jsonSchemaToGbnf(schema);
    if (!g.ok) throw new Error(g.message);
    const re = grammarRegex(schema);
    const admitted = ['2', '2.0', '2.00'].filter((t) => re.test(t));
    expect(admitted).toContain('2.00');
    expect(g.grammar.maxBytes).toBe(Math.max(...admitted.map((t) => t.length)));
  });

  it('a negative range is written with a minus sign and never as -0', () => {
    const re = grammarRegex({ type: 'number', minimum: -1000, maximum: 1000 });
    for (const ok of ['-1000', '-999.99', '-0.5', '0', '1000']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['-1000.5', '-1001', '-0', '1000.01']) expect(re.test(bad), bad).toBe(false);
  });

  it('a number the schema leaves unbounded still gets a finite range', () => {
    const re = grammarRegex({ type: 'number' });
    expect(re.test('-1000000')).toBe(true);
    expect(re.test('1000001')).toBe(false);
  });

  it('a string is at most maxLength printable characters and carries no quote or backslash', () => {
    const re = grammarRegex({ type: 'string', maxLength: 5 });
    expect(re.test('"abc d"')).toBe(true);
    expect(re.test('"abcdef"')).toBe(false);
    expect(re.test('"a"b"')).toBe(false);
    expect(re.test('"a\\nb"')).toBe(false);
    expect(re.test('"a\nb"')).toBe(false);
  });

  it('the longitudinal grammar admits a compact valid reply and rejects one with an overlong reason', () => {
    const re = grammarRegex(jsonSchemaOf(LongitudinalDecisionSchema));
    const reply = (reason: string) =>
      `{"speed":"DECELERATE","targetSpeedMps":8.5,"decelMps2":2,"stopDistanceM":null,"reason":"${reason}"}`;
    expect(re.test(reply('lead slows'))).toBe(true);
    expect(LongitudinalDecisionSchema.safeParse(JSON.parse(reply('x'.repeat(300)))).success).toBe(true);
    expect(re.test(reply('x'.repeat(300)))).toBe(true);
    expect(re.test(reply('x'.repeat(301)))).toBe(false);
    expect(re.test(reply('ok').replace('"speed":"DECELERATE"', '"speed":"FAST"'))).toBe(false);
  });

  it('maxBytes is the length of the longest reply the grammar admits', () => {
    const g = jsonSchemaToGbnf(jsonSchemaOf(LateralDecisionSchema));
    if (!g.ok) throw new Error(g.message);
    const longest = `{"path":"RIGHT_CHANGE","targetLaneId":"${'i'.repeat(120)}","reason":"${'r'.repeat(300)}"}`;
    expect(grammarRegex(jsonSchemaOf(LateralDecisionSchema)).test(longest)).toBe(true);
    expect(g.grammar.maxBytes).toBe(longest.length);
  });

  it('every agent schema compiles', () => {
    for (const s of [SceneAnalysisSchema, LateralDecisionSchema, LongitudinalDecisionSchema])
      expect(jsonSchemaToGbnf(jsonSchemaOf(s)).ok).toBe(true);
  });

  it('a keyword outside the subset is a failure naming it and its path', () => {
    const g = jsonSchemaToGbnf({
      type: 'object',
      properties: { id: { type: 'string', pattern: '^[a-z]+$' } },
      additionalProperties: false,
    });
    expect(g).toMatchObject({ ok: false, path: '#/properties/id' });
    expect(g.ok ? '' : g.message).toMatch(/pattern/);
  });
});
