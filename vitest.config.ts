import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node; web e2e specs (test/web) drive Debian chromium
// against the built renderer and the web host, so they need the build (globalSetup).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    pool: 'forks',
  },
});
