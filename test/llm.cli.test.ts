/**
 * `edgeplan llm make-tiny-gguf` writes the GGUF the docs' `--llm llama` commands use (review ux21
 * #14); a model that cannot load is one line and exit code 2 before the run, said once (ux21 #1).
 * The llama path on that file, end to end: stack/LlmAssist.security.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { writeTinyGguf } from '../planner/hierarchical/llm/testing/tinyGguf.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeplan-llmcli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edgeplan llm make-tiny-gguf', () => {
  it('writes the tiny GGUF byte for byte as the tests make it, and says how to use it', async () => {
    const out: string[] = [];
    const f = join(dir, 'sub', 'tiny.gguf');
    expect(await main(['node', 'edgeplan', 'llm', 'make-tiny-gguf', '--out', f], (s) => out.push(s))).toBe(0);
    const ref = join(dir, 'ref.gguf');
    writeTinyGguf(ref);
    expect(readFileSync(f).equals(readFileSync(ref))).toBe(true);
    expect(out.join('\n')).toMatch(/wrote .*tiny\.gguf \(\d+ bytes, seed 7\).*--llm llama --model/);
  });
  it('a seed that is not a whole number is a usage error', async () => {
    const f = join(dir, 'x.gguf');
    expect(
      await main(['node', 'edgeplan', 'llm', 'make-tiny-gguf', '--out', f, '--seed', 'abc'], () => {}),
    ).toBe(2);
  });
});

describe('run --llm llama with a model that cannot load', () => {
  it('is exit code 2 before the run, not a run of TRANSPORT fallbacks', async () => {
    const bad = join(dir, 'truncated.gguf');
    writeFileSync(bad, Buffer.from('GGUF\u0003\u0000\u0000\u0000'));
    const out: string[] = [];
    const code = await main(
      [
        'node',
        'edgeplan',
        'run',
        'hard_braking_lead',
        '--planner',
        'hierarchical',
        '--llm',
        'llama',
        '--model',
        bad,
      ],
      (s) => out.push(s),
    );
    expect(code).toBe(2);
    expect(out.join('\n')).not.toMatch(/score/);
  }, 120_000);
});
