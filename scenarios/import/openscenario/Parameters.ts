/**
 * OpenSCENARIO parameters: `ParameterDeclaration`s (global, then local to Story/Act/… and catalog
 * entries), `$name` references and `${expr}` expressions (OpenSCENARIO 1.1 §9.3: + − * / % ** and
 * parentheses over numbers and parameters). Resolved in place over the parsed tree, so the rest of
 * the importer reads plain values.
 */
import { ImportError, kid, kids, type XNode } from '../opendrive/XmlTree.ts';

/** Evaluates an OpenSCENARIO expression (numbers, $params, + - * / % **, unary minus, parentheses). */
export function evalExpression(expr: string, params: ReadonlyMap<string, string>, path: string): number {
  const toks = expr.match(/\*\*|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+|\$?[A-Za-z_]\w*|[-+*/%()]/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const bad = (m: string): never => {
    throw new ImportError(path, `bad expression "${expr}": ${m}`);
  };
  const primary = (): number => {
    const t = toks[i++];
    if (t === undefined) return bad('unexpected end');
    if (t === '(') {
      const v = sum();
      if (toks[i++] !== ')') bad('missing )');
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (/^\$?[A-Za-z_]/.test(t)) {
      const name = t.replace(/^\$/, '');
      if (name === 'pi') return Math.PI;
      if (name === 'true') return 1;
      if (name === 'false') return 0;
      const v = params.get(name);
      if (v === undefined) bad(`unknown parameter ${name}`);
      const n = Number(v);
      if (!Number.isFinite(n)) bad(`parameter ${name}="${v}" is not a number`);
      return n;
    }
    const n = Number(t);
    if (!Number.isFinite(n)) bad(`unexpected "${t}"`);
    return n;
  };
  const power = (): number => {
    const b = primary();
    if (peek() === '**') {
      i++;
      return b ** power();
    }
    return b;
  };
  const product = (): number => {
    let v = power();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const op = toks[i++];
      const r = power();
      v = op === '*' ? v * r : op === '/' ? v / r : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = toks[i++];
      const r = product();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
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
    const name = d.$?.name;
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
