import { defineConfig } from 'vitest/config';

// Engine-backed and browser suites start real servers; give them room and keep
// files in parallel only up to the two cores these machines have.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // test/faults/ is the fault suite: npm run test:faults (vitest.faults.config.ts), run by scripts/test.sh after this.
    exclude: ['node_modules/**', 'dist/**', 'dashboard/dist/**', '.cache/**', 'test/faults/**'],
    // Checks Kafka/Redis/ClickHouse and starts them (scripts/stack.sh up) when one is down.
    globalSetup: ['test/global-setup.ts'],
    // Child processes started by tests run the sources, never a stale dist/.
    env: { OMNILANE_FROM_SOURCE: '1' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
