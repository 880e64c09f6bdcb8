/** Public surface of `sim/export`: the run-log file contract and the MCAP (Foxglove) export. */
export * from './RunLog.ts';
