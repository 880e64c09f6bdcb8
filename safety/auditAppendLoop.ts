/**
 * Test helper run as a child process: appends audit records in a loop until killed (the
 * crash-safety test SIGKILLs it mid-write). Usage: node --import tsx auditAppendLoop.ts <log> <key>
 * [tearAfter]. With `tearAfter` = n it appends n records, then writes the first half of one more
 * line — exactly what a write cut by the kill leaves behind — prints `torn <bytes>` and blocks until
 * killed, so that the test kills it with a torn line on disk every time, not by luck.
 */
import { appendFileSync } from 'node:fs';
import { AuditLog } from './AuditLog.ts';

const [path, keyPath, tearArg] = process.argv.slice(2);
const tearAfter = tearArg === undefined ? undefined : Number(tearArg);
const opened = AuditLog.open(path!, { keyPath: keyPath!, checkpointEvery: 7, configHash: 'test' });
if (!opened.ok) {
  process.stderr.write(`${opened.error.message}\n`);
  process.exit(1);
}
const log = opened.value.log;
const pad = 'x'.repeat(3000); // long lines make a torn write likely
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  if (i === tearAfter) {
    const half = `{"type":"record","seq":${i + 1},"tS":${i * 0.1},"inputsDigest":"digest-${i}","pad":"${pad.slice(0, 1500)}`;
    appendFileSync(path!, half);
    process.stdout.write(`torn ${Buffer.byteLength(half)}\n`);
    // Block (no busy loop) until SIGKILL.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
  log.append({
    tS: i * 0.1,
    inputsDigest: `digest-${i}`,
    command: null,
    verdict: {
      decision: 'ALLOW',
      rules: [{ rule: 'pad', decision: 'ALLOW', values: {}, message: pad }],
      explanation: `record ${i}`,
    },
  });
}
