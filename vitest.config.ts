import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // `*.long.test.ts` are campaigns (e.g. the 1000-case fuzz): `npm run test:long`, not `npm test`.
    exclude: ['node_modules/**', 'results/**', '**/*.long.test.ts'],
    testTimeout: 120_000,
    // one scratch directory per run, removed at its end (test/tmpRoot.ts)
    globalSetup: ['test/tmpRoot.ts'],
    pool: 'forks',
    // One module graph per worker, not per file: each file otherwise imports core/, the planners and
    // the simulator afresh (≈ 1 s of CPU a file, half the suite's CPU on 2 cores). No test mocks
    // modules or stubs globals; a file that changes process state (cwd) restores it. 62 files of
    // core/, sim/, scenarios/, perception/: 77 s user CPU isolated, 39 s not (test/README.md).
    isolate: false,
    // vitest's default on 2 cores is 1 worker. Many test files mostly wait on child processes,
    // brokers and real-time bridges (CLI, Redis, mosquitto, Chromium), which more workers overlap;
    // on a machine loaded by other work the suite's share of the cores grows with its runnable
    // processes (figures with 2, 3 and 4 workers in test/README.md).
    maxWorkers: 4,
  },
});
