/** Public surface of `sim/report`: the self-contained HTML evaluation report and its SVG plots. */
export * from './buildReport.ts';
export * from './svgPlot.ts';
