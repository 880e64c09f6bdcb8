import { defineConfig } from 'vitest/config';

/** `npm run test:long`: the long campaigns kept out of `npm test` (CI runs both). */
export default defineConfig({
  test: {
    include: ['**/*.long.test.ts'],
    exclude: ['node_modules/**', 'results/**'],
    testTimeout: 1_200_000,
    globalSetup: ['test/tmpRoot.ts'],
    pool: 'forks',
  },
});
