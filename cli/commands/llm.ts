/**
 * `edgeplan llm make-tiny-gguf --out F`: writes the tiny llama GGUF the docs' `--llm llama` commands
 * and the tests use (2 layers, seeded F32 weights, byte tokens; ≈ 0.5 MB, byte-identical for a
 * seed). Random weights: it says nothing sensible, it runs the real node-llama-cpp path — loading,
 * the JSON-schema grammar, the deadline, the fallback — without a download.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { writeTinyGguf } from '../../planner/hierarchical/llm/testing/tinyGguf.ts';
import { type Out, UsageError } from '../errors.ts';

export function register(program: Command, out: Out): void {
  const llm = program
    .command('llm')
    .description('local model helpers for the hierarchical planner (--llm llama)');
  llm
    .command('make-tiny-gguf')
    .description(
      'write the tiny 2-layer llama GGUF (random seeded weights, ≈0.5 MB) that --llm llama --model runs on in the docs and tests',
    )
    .requiredOption('--out <file>', 'where to write the .gguf')
    .option('--seed <n>', 'weight seed (the same seed writes the same bytes)', '7')
    .action((o: { out: string; seed: string }) => {
      const seed = Number(o.seed);
      if (!/^\s*\d+\s*$/.test(o.seed) || !Number.isSafeInteger(seed))
        throw new UsageError(`--seed must be a whole number >= 0, got "${o.seed}"`);
      mkdirSync(dirname(o.out), { recursive: true });
      let bytes: number;
      try {
        bytes = writeTinyGguf(o.out, { seed });
      } catch (e) {
        throw new UsageError(`llm make-tiny-gguf: cannot write ${o.out}: ${(e as Error).message}`);
      }
      out(
        `wrote ${o.out} (${bytes} bytes, seed ${seed}): edgeplan run … --planner hierarchical --llm llama --model ${o.out}`,
      );
    });
}
