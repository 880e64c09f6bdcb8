/** Public surface of `sim/export`: the run-log file contract and the MCAP (Foxglove) export. */

export * from './exportMcap.ts';
export * from './RunLog.ts';
