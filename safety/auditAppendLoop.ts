/**
 * Test helper run as a child process: appends audit records in a loop until killed (the
 * crash-safety test SIGKILLs it mid-write). Usage: node --import tsx auditAppendLoop.ts <log> <key>
 */
import { AuditLog } from './AuditLog.ts';

const [path, keyPath] = process.argv.slice(2);
const opened = AuditLog.open(path!, { keyPath: keyPath!, checkpointEvery: 7, configHash: 'test' });
if (!opened.ok) {
  process.stderr.write(`${opened.error.message}\n`);
  process.exit(1);
}
const log = opened.value.log;
const pad = 'x'.repeat(3000); // long lines make a torn write likely
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
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
