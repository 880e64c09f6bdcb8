/**
 * The Savitzky–Golay filter nuPlan's comfort metrics use (SciPy `savgol_filter`, mode='interp')
 * lives in core/SavGol.ts, shared with PDM's scorer; re-exported here for the metric modules.
 */
export { roundDecimals, savgolFilter, savgolWeights } from '../../core/index.ts';
