/**
 * OpenSCENARIO parameter distributions (`<ParameterValueDistribution>`, ASAM OpenSCENARIO 1.2
 * §10 "Parameter distributions") → concrete variants: one map of parameter name → value per
 * scenario to run.
 *
 * Deterministic: every single-parameter distribution (DistributionSet elements, DistributionRange
 * from lowerLimit to upperLimit by stepWidth) and every multi-parameter ValueSetDistribution is one
 * dimension; the variants are their cartesian product (first dimension slowest). Stochastic:
 * `numberOfTestRuns` draws from a seeded generator (`randomSeed`, default 0): uniform, normal
 * (Box–Muller, clipped to its Range by redrawing), Poisson, histogram bins and probability sets.
 */
import { createRng } from '../../../core/index.ts';
import { attr, kid, kids, num, type XNode } from '../opendrive/XmlTree.ts';

export interface Distribution {
  /** The scenario file the variants parameterise (as written, relative to the distribution file). */
  scenarioFile: string;
  variants: Map<string, string>[];
}

/** At most this many variants (a product of ranges can explode). */
export const MAX_VARIANTS = 10_000;

const fmt = (v: number): string => String(Math.round(v * 1e9) / 1e9);

/** One deterministic dimension: its alternatives, each a set of assignments. */
function dimensions(det: XNode, path: string): Map<string, string>[][] {
  const dims: Map<string, string>[][] = [];
  kids(det, 'DeterministicSingleParameterDistribution').forEach((d, i) => {
    const p = `${path}/DeterministicSingleParameterDistribution[${i}]`;
    const name = (attr(d, 'parameterName') ?? '').replace(/^\$/, '');
    const values: string[] = [];
    const set = kid(d, 'DistributionSet');
    if (set) for (const e of kids(set, 'Element')) values.push(attr(e, 'value') ?? '');
    const range = kid(d, 'DistributionRange');
    if (range) {
      const r = kid(range, 'Range') ?? {};
      const lo = num(r, 'lowerLimit', `${p}/DistributionRange/Range`);
      const hi = num(r, 'upperLimit', `${p}/DistributionRange/Range`);
      const step = num(range, 'stepWidth', `${p}/DistributionRange`);
      if (!(step > 0)) throw new Error(`${p}/DistributionRange@stepWidth: must be > 0`);
      for (let k = 0; lo + k * step <= hi + 1e-9 && values.length <= MAX_VARIANTS; k++)
        values.push(fmt(lo + k * step));
    }
    if (!set && !range) throw new Error(`${p}: only DistributionSet and DistributionRange are supported`);
    dims.push(values.map((v) => new Map([[name, v]])));
  });
  kids(det, 'DeterministicMultiParameterDistribution').forEach((d) => {
    const sets = kids(kid(d, 'ValueSetDistribution'), 'ParameterValueSet').map(
      (s) =>
        new Map(
          kids(s, 'ParameterAssignment').map((a) => [
            (attr(a, 'parameterRef') ?? '').replace(/^\$/, ''),
            attr(a, 'value') ?? '',
          ]),
        ),
    );
    dims.push(sets);
  });
  return dims;
}

function stochasticDraw(d: XNode, path: string, next: () => number): string {
  const inRange = (r: XNode | undefined, v: number): boolean =>
    !r || (v >= num(r, 'lowerLimit', `${path}/Range`) && v <= num(r, 'upperLimit', `${path}/Range`));
  const uni = kid(d, 'UniformDistribution');
  if (uni) {
    const r = kid(uni, 'Range') ?? {};
    const lo = num(r, 'lowerLimit', `${path}/UniformDistribution/Range`);
    const hi = num(r, 'upperLimit', `${path}/UniformDistribution/Range`);
    return fmt(lo + (hi - lo) * next());
  }
  const nd = kid(d, 'NormalDistribution');
  if (nd) {
    const mu = num(nd, 'expectedValue', `${path}/NormalDistribution`);
    const sd = Math.sqrt(num(nd, 'variance', `${path}/NormalDistribution`));
    for (let k = 0; k < 1000; k++) {
      const v = mu + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      if (inRange(kid(nd, 'Range'), v)) return fmt(v);
    }
    throw new Error(`${path}/NormalDistribution: no draw within its Range in 1000 tries`);
  }
  const po = kid(d, 'PoissonDistribution');
  if (po) {
    const lambda = num(po, 'expectedValue', `${path}/PoissonDistribution`);
    for (let k = 0; k < 1000; k++) {
      // Knuth's method (fine for the small means scenarios use).
      const limit = Math.exp(-lambda);
      let n = 0;
      let prod = next();
      while (prod > limit) {
        n++;
        prod *= next();
      }
      if (inRange(kid(po, 'Range'), n)) return String(n);
    }
    throw new Error(`${path}/PoissonDistribution: no draw within its Range in 1000 tries`);
  }
  const hist = kid(d, 'Histogram');
  if (hist) {
    const bins = kids(hist, 'HistogramBin').map((b, i) => ({
      w: num(b, 'weight', `${path}/Histogram/HistogramBin[${i}]`),
      lo: num(kid(b, 'Range') ?? {}, 'lowerLimit', `${path}/Histogram/HistogramBin[${i}]/Range`),
      hi: num(kid(b, 'Range') ?? {}, 'upperLimit', `${path}/Histogram/HistogramBin[${i}]/Range`),
    }));
    const total = bins.reduce((a, b) => a + b.w, 0);
    let u = next() * total;
    for (const b of bins) {
      if (u <= b.w) return fmt(b.lo + (b.hi - b.lo) * next());
      u -= b.w;
    }
    const last = bins[bins.length - 1];
    if (last) return fmt(last.hi);
  }
  const pset = kid(d, 'ProbabilityDistributionSet');
  if (pset) {
    const els = kids(pset, 'Element').map((e, i) => ({
      v: attr(e, 'value') ?? '',
      w: num(e, 'weight', `${path}/ProbabilityDistributionSet/Element[${i}]`),
    }));
    const total = els.reduce((a, b) => a + b.w, 0);
    let u = next() * total;
    for (const e of els) {
      if (u <= e.w) return e.v;
      u -= e.w;
    }
    const last = els[els.length - 1];
    if (last) return last.v;
  }
  throw new Error(
    `${path}: no supported distribution (Uniform, Normal, Poisson, Histogram, ProbabilityDistributionSet)`,
  );
}

/**
 * Expands the `<ParameterValueDistribution>` of a parsed file into its variants. Throws an Error
 * naming the element when the distribution is malformed or of a kind we do not draw.
 */
export function expandDistribution(root: XNode): Distribution {
  const base = '/OpenSCENARIO/ParameterValueDistribution';
  const pvd = kid(root, 'ParameterValueDistribution');
  if (!pvd) throw new Error(`${base}: missing`);
  const scenarioFile = attr(kid(pvd, 'ScenarioFile'), 'filepath');
  if (!scenarioFile) throw new Error(`${base}/ScenarioFile@filepath: missing`);
  const det = kid(pvd, 'Deterministic');
  const sto = kid(pvd, 'Stochastic');
  let variants: Map<string, string>[] = [new Map()];
  if (det) {
    for (const dim of dimensions(det, `${base}/Deterministic`)) {
      const next: Map<string, string>[] = [];
      for (const v of variants) for (const alt of dim) next.push(new Map([...v, ...alt]));
      if (next.length > MAX_VARIANTS)
        throw new Error(`${base}/Deterministic: more than ${MAX_VARIANTS} variants`);
      variants = next;
    }
  } else if (sto) {
    const p = `${base}/Stochastic`;
    const n = Math.round(num(sto, 'numberOfTestRuns', p));
    if (!(n >= 1 && n <= MAX_VARIANTS)) throw new Error(`${p}@numberOfTestRuns: expected 1..${MAX_VARIANTS}`);
    const next = createRng(Math.round(num(sto, 'randomSeed', p, 0)));
    const dists = kids(sto, 'StochasticDistribution');
    variants = [];
    for (let k = 0; k < n; k++)
      variants.push(
        new Map(
          dists.map((d, i) => [
            (attr(d, 'parameterName') ?? '').replace(/^\$/, ''),
            stochasticDraw(d, `${p}/StochasticDistribution[${i}]`, next),
          ]),
        ),
      );
  } else throw new Error(`${base}: neither <Deterministic> nor <Stochastic>`);
  return { scenarioFile, variants };
}
