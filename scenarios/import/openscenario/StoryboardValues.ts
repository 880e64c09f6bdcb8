/**
 * Values the storyboard reads and writes while it runs: the scenario's global parameters
 * (ParameterSetAction / ParameterModifyAction, ParameterCondition) and its variables
 * (OpenSCENARIO 1.2 VariableDeclarations, VariableSetAction / VariableModifyAction,
 * VariableCondition). Other attributes that name a parameter were resolved at load
 * (`Parameters.ts`); as in esmini, a parameter changed later is seen only by these conditions.
 *
 * Typed as esmini's ParameterStruct: integers (integer, unsignedInt, unsignedShort) are C ints
 * (a set value and an added value are truncated towards zero), doubles, booleans ("true" is true,
 * anything else false) and strings (dateTime too); conditions compare by that type.
 */
import { kid, kids, type XNode } from '../opendrive/XmlTree.ts';

type Kind = 'int' | 'double' | 'bool' | 'string';

interface Slot {
  kind: Kind;
  text: string;
  num: number;
}

/** esmini's SMALL_NUMBER: the band within which doubles count as equal (OSCCondition EvaluateRule). */
const SMALL_NUMBER = 1e-10;

function kindOf(type: string | undefined): Kind {
  switch (type) {
    case 'integer':
    case 'int':
    case 'unsignedInt':
    case 'unsignedShort':
      return 'int';
    case 'double':
      return 'double';
    case 'boolean':
    case 'bool':
      return 'bool';
    default:
      return 'string';
  }
}

function slot(kind: Kind, text: string): Slot {
  if (kind === 'int') {
    const v = Math.trunc(Number.parseFloat(text));
    return { kind, text, num: Number.isFinite(v) ? v : 0 };
  }
  if (kind === 'double') {
    const v = Number.parseFloat(text);
    return { kind, text, num: Number.isFinite(v) ? v : 0 };
  }
  if (kind === 'bool') return { kind, text, num: text === 'true' ? 1 : 0 };
  return { kind, text, num: Number.NaN };
}

function rule(r: string | undefined, a: number, b: number, band: number): boolean {
  switch (r) {
    case 'greaterThan':
      return a > b + band;
    case 'greaterOrEqual':
      return a >= b - band;
    case 'lessThan':
      return a < b - band;
    case 'lessOrEqual':
      return a <= b + band;
    case 'notEqualTo':
      return !(Math.abs(a - b) < band || a === b);
    default:
      return a === b || Math.abs(a - b) < band;
  }
}

/** One namespace of named, typed values (the parameters or the variables). */
export class StoryboardValues {
  private readonly slots = new Map<string, Slot>();

  /** Declares `name` (with or without its `$`) with an OpenSCENARIO type name and a resolved value. */
  declare(name: string, type: string | undefined, value: string): void {
    this.slots.set(name.replace(/^\$/, ''), slot(kindOf(type), value));
  }

  has(name: string): boolean {
    return this.slots.has(name.replace(/^\$/, ''));
  }

  /** The value as text (undefined when not declared). */
  get(name: string): string | undefined {
    return this.slots.get(name.replace(/^\$/, ''))?.text;
  }

  /** SetAction: false when `name` is not declared. */
  set(name: string, value: string): boolean {
    const k = name.replace(/^\$/, '');
    const s = this.slots.get(k);
    if (!s) return false;
    this.slots.set(k, slot(s.kind, value));
    return true;
  }

  /**
   * ModifyAction: AddValue or MultiplyByValue on a numeric value (an integer stays an integer,
   * truncated as esmini's int arithmetic). False when `name` is not declared or not numeric.
   */
  modify(name: string, op: 'add' | 'multiply', by: number): boolean {
    const k = name.replace(/^\$/, '');
    const s = this.slots.get(k);
    if (!s || (s.kind !== 'int' && s.kind !== 'double')) return false;
    let v: number;
    if (op === 'add') v = s.kind === 'int' ? s.num + Math.trunc(by) : s.num + by;
    else v = s.kind === 'int' ? Math.trunc(s.num * by) : s.num * by;
    this.slots.set(k, { kind: s.kind, text: String(v), num: v });
    return true;
  }

  /**
   * ParameterCondition / VariableCondition: the value compared with `value` by `r`, by the
   * declared type (strings compare as text). Undefined when `name` is not declared.
   */
  test(name: string, r: string | undefined, value: string): boolean | undefined {
    const s = this.slots.get(name.replace(/^\$/, ''));
    if (!s) return undefined;
    if (s.kind === 'string') {
      const [a, b] = [s.text, value];
      const c = a < b ? -1 : a > b ? 1 : 0;
      return rule(r, c, 0, 0.5);
    }
    const other = slot(s.kind, value).num;
    return rule(r, s.num, other, s.kind === 'double' ? SMALL_NUMBER : 0.5);
  }
}

/**
 * The global parameters (`resolved`: their values after expressions) and the variables of an
 * OpenSCENARIO root, typed from their declarations.
 */
export function storyboardValues(
  root: XNode,
  resolved: ReadonlyMap<string, string>,
): { parameters: StoryboardValues; variables: StoryboardValues } {
  const parameters = new StoryboardValues();
  for (const d of kids(kid(root, 'ParameterDeclarations'), 'ParameterDeclaration')) {
    const name = d.$?.name?.replace(/^\$/, '');
    if (name) parameters.declare(name, d.$?.parameterType, resolved.get(name) ?? d.$?.value ?? '');
  }
  const variables = new StoryboardValues();
  for (const d of kids(kid(root, 'VariableDeclarations'), 'VariableDeclaration')) {
    const name = d.$?.name;
    if (name) variables.declare(name, d.$?.variableType, d.$?.value ?? '');
  }
  return { parameters, variables };
}
