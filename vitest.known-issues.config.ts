import { defineConfig } from 'vitest/config';

/** `npm run test:known-issues`: tests of behaviour known to be broken (named in the notes), kept out of CI. */
export default defineConfig({
  test: {
    include: ['**/*.known-issue.test.ts'],
    exclude: ['node_modules/**', 'results/**'],
    testTimeout: 300_000,
    pool: 'forks',
  },
});
