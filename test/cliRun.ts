/**
 * Test support: `edgeplan <args>` two ways, with the same result shape as `spawnSync`.
 * - `runBin`: a fresh `node bin/edgeplan.js` (the compiled dist/ CLI): what a user runs, ~1 s of
 *   start-up each. The tests keep it for the binary itself (exit status, streams) and for commands
 *   that start worker threads (`eval`), whose workers then load dist/ instead of the TypeScript sources.
 * - `runMain`: the same `main()` that bin/edgeplan.js calls and whose result becomes its exit code,
 *   in this process: stdout is what main prints through its `out`, stderr what it writes to
 *   process.stderr meanwhile. No start-up; for the many short commands.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export const BIN = join(import.meta.dirname, '..', 'bin', 'edgeplan.js');

export function runBin(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function runMain(...args: string[]): Promise<CliResult> {
  const { main } = await import('../cli/main.ts');
  const out: string[] = [];
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  try {
    const status = await main(['node', 'edgeplan', ...args], (s) => out.push(`${s}\n`));
    return { status, stdout: out.join(''), stderr };
  } finally {
    process.stderr.write = write;
  }
}
