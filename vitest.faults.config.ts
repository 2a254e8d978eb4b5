import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault suite (test/faults/), on its own Kafka, Redis and ClickHouse started by
// scripts/stack.sh in .cache/faults-stack on free ports. No globalSetup: it never uses the shared engines.
// vitest.config.ts excludes test/faults/, so `npm test` does not run it.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    env: { OMNILANE_FROM_SOURCE: '1' },
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
  },
});
