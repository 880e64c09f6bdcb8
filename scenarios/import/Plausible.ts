/** The plausible-number table lives in core (the bridges check their inputs with it too). */
export { implausible, nonPositiveDimension, PLAUSIBLE_BOUNDS, type Quantity } from '../../core/plausible.ts';
