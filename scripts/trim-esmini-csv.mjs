#!/usr/bin/env node
// Trims an esmini --csv_logger file to its header and the rows at the given times (s), to commit
// a few rows of real esmini output as a test expectation (data/esmini-compare/README.md).
//   node scripts/trim-esmini-csv.mjs in.csv 0,1,2.5 > out.csv
import { readFileSync } from 'node:fs';

const [file, times] = process.argv.slice(2);
const want = times.split(',').map(Number);
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const f = line.split(',');
  const isRow = /^\d+$/.test(f[0]?.trim() ?? '');
  if (!isRow || want.some((t) => Math.abs(Number(f[1]) - t) < 1e-6)) process.stdout.write(`${line}\n`);
}
