/**
 * OpenSCENARIO parameters: `ParameterDeclaration`s (global, then local to Story/Act/… and catalog
 * entries), `$name` references and `${expr}` expressions. Resolved in place over the parsed tree,
 * so the rest of the importer reads plain values.
 *
 * Expressions follow OpenSCENARIO 1.2 §9.3 as esmini evaluates them (simple_expr.c over zserge's
 * expr): numbers, `$params`, the constants pi, e, true, false; unary - + not !; ** (right
 * associative); * / %; + -; < <= > >= == !=; and &&; or ||; parentheses; and the functions
 * round floor ceil sqrt pow (OpenSCENARIO 1.1) plus sin cos tan asin acos atan sign abs max min
 * (esmini's additions). Comparisons and logic give 1 or 0.
 */
import { ImportError, kid, kids, type XNode } from '../opendrive/XmlTree.ts';

/** Round half to even, as C's rint() in the default rounding mode (esmini's round). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const FUNCTIONS: Readonly<Record<string, { arity: number; f: (a: number[]) => number }>> = {
  round: { arity: 1, f: ([a = 0]) => roundHalfEven(a) },
  floor: { arity: 1, f: ([a = 0]) => Math.floor(a) },
  ceil: { arity: 1, f: ([a = 0]) => Math.ceil(a) },
  sqrt: { arity: 1, f: ([a = 0]) => Math.sqrt(a) },
  pow: { arity: 2, f: ([a = 0, b = 0]) => a ** b },
  sin: { arity: 1, f: ([a = 0]) => Math.sin(a) },
  cos: { arity: 1, f: ([a = 0]) => Math.cos(a) },
  tan: { arity: 1, f: ([a = 0]) => Math.tan(a) },
  asin: { arity: 1, f: ([a = 0]) => Math.asin(a) },
  acos: { arity: 1, f: ([a = 0]) => Math.acos(a) },
  atan: { arity: 1, f: ([a = 0]) => Math.atan(a) },
  // esmini: sign(0) = 1, not 0.
  sign: { arity: 1, f: ([a = 0]) => (a < 0 ? -1 : 1) },
  abs: { arity: 1, f: ([a = 0]) => Math.abs(a) },
  max: { arity: 2, f: ([a = 0, b = 0]) => Math.max(a, b) },
  min: { arity: 2, f: ([a = 0, b = 0]) => Math.min(a, b) },
};

const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E, true: 1, false: 0 };

/** Binary operators by precedence level, loosest first; ** is handled apart (right associative). */
const LEVELS: readonly (readonly string[])[] = [
  ['or', '||'],
  ['and', '&&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

function applyBinary(op: string, a: number, b: number): number {
  switch (op) {
    case 'or':
    case '||':
      return a !== 0 || b !== 0 ? 1 : 0;
    case 'and':
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    default:
      return a % b;
  }
}

/** Evaluates an OpenSCENARIO expression (the grammar above) to a number; throws ImportError at `path`. */
export function evalExpression(expr: string, params: ReadonlyMap<string, string>, path: string): number {
  const toks =
    expr.match(
      /\*\*|<=|>=|==|!=|&&|\|\||\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+|\$?[A-Za-z_]\w*|[-+*/%()<>!,]|\S/g,
    ) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const bad = (m: string): never => {
    throw new ImportError(path, `bad expression "${expr}": ${m}`);
  };
  const expect = (t: string): void => {
    if (toks[i++] !== t) bad(`missing ${t}`);
  };
  const call = (name: string): number => {
    const fn = FUNCTIONS[name];
    if (!fn) return bad(`unknown function ${name}`);
    expect('(');
    const args: number[] = [];
    if (peek() !== ')') {
      args.push(binary(0));
      while (peek() === ',') {
        i++;
        args.push(binary(0));
      }
    }
    expect(')');
    if (args.length !== fn.arity) bad(`${name} takes ${fn.arity} argument(s), got ${args.length}`);
    return fn.f(args);
  };
  const primary = (): number => {
    const t = toks[i++];
    if (t === undefined) return bad('unexpected end');
    if (t === '(') {
      const v = binary(0);
      expect(')');
      return v;
    }
    if (/^\$?[A-Za-z_]/.test(t)) {
      if (!t.startsWith('$') && peek() === '(') return call(t);
      const name = t.replace(/^\$/, '');
      const v = params.get(name);
      if (v === undefined) {
        const c = CONSTANTS[name];
        if (c !== undefined) return c;
        return bad(`unknown parameter ${name}`);
      }
      // Boolean parameters take part as 1 / 0.
      const n = v === 'true' ? 1 : v === 'false' ? 0 : Number(v);
      if (!Number.isFinite(n)) bad(`parameter ${name}="${v}" is not a number`);
      return n;
    }
    const n = Number(t);
    if (!Number.isFinite(n)) bad(`unexpected "${t}"`);
    return n;
  };
  // Unary operators bind tighter than ** (esmini and OpenSCENARIO 1.2: -2 ** 2 = 4).
  const unary = (): number => {
    const t = peek();
    if (t !== '-' && t !== '+' && t !== 'not' && t !== '!') return primary();
    i++;
    const v = unary();
    return t === '-' ? -v : t === '+' ? v : v === 0 ? 1 : 0;
  };
  const power = (): number => {
    const b = unary();
    if (peek() === '**') {
      i++;
      return b ** power();
    }
    return b;
  };
  const binary = (level: number): number => {
    const ops = LEVELS[level];
    if (!ops) return power();
    let v = binary(level + 1);
    for (let t = peek(); t !== undefined && ops.includes(t); t = peek()) {
      i++;
      v = applyBinary(t, v, binary(level + 1));
    }
    return v;
  };
  const v = binary(0);
  if (i < toks.length) bad(`unexpected "${toks[i]}"`);
  return v;
}

/** Resolves one attribute value against the parameters in scope. */
export function resolveValue(v: string, params: ReadonlyMap<string, string>, path: string): string {
  if (v.startsWith('${') && v.endsWith('}')) return String(evalExpression(v.slice(2, -1), params, path));
  if (v.startsWith('$')) {
    const name = v.slice(1);
    const p = params.get(name);
    if (p === undefined) throw new ImportError(path, `unknown parameter $${name}`);
    return p;
  }
  return v;
}

/** Reads the declarations of `node` into a new scope on top of `outer` (declarations may use earlier ones). */
export function declare(node: XNode, outer: ReadonlyMap<string, string>, path: string): Map<string, string> {
  const scope = new Map(outer);
  kids(kid(node, 'ParameterDeclarations'), 'ParameterDeclaration').forEach((d, i) => {
    // Names are declared without the "$"; esmini also accepts one written with it
    // (alks_r157_quick_stop_test.xosc: name="$TargetBrakeRate", used as "$TargetBrakeRate").
    const name = d.$?.name?.replace(/^\$/, '');
    const value = d.$?.value ?? '';
    if (name)
      scope.set(
        name,
        resolveValue(value, scope, `${path}/ParameterDeclarations/ParameterDeclaration[${i}]@value`),
      );
  });
  return scope;
}

/** Resolves every `$`-attribute below `node` in place, opening a scope at each ParameterDeclarations. */
export function resolveTree(node: XNode, outer: ReadonlyMap<string, string>, path: string): void {
  const scope = kid(node, 'ParameterDeclarations') ? declare(node, outer, path) : outer;
  if (node.$) {
    for (const [k, v] of Object.entries(node.$)) {
      // parameterRef names a parameter (OpenSCENARIO 1.0 files write it with or without "$").
      if (!v.startsWith('$') || k === 'parameterRef') continue;
      try {
        node.$[k] = resolveValue(v, scope, `${path}@${k}`);
      } catch (e) {
        // Element names may be built with string expressions (esmini: "${Brake + _ + $T}"); they
        // only need to be unique, so an unevaluable name stays as written. Values must evaluate.
        if (k !== 'name') throw e;
      }
    }
  }
  for (const [tag, val] of Object.entries(node)) {
    if (tag === '$' || tag === '#text' || tag === 'ParameterDeclarations' || !Array.isArray(val)) continue;
    val.forEach((child, i) => {
      if (child && typeof child === 'object') resolveTree(child as XNode, scope, `${path}/${tag}[${i}]`);
    });
  }
}
