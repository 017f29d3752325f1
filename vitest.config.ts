import { defineConfig } from 'vitest/config';

// TypeScript tests sit beside the code (src/**/x.test.ts) or under tests/ts; the Python
// compatibility suite (tests/python) is run by scripts/test-python.sh, not by vitest.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/ts/**/*.test.ts'],
    environment: 'node',
    // Rebuilds dist/aviary.js when src/ is newer: some tests run `aviary` as a real process.
    globalSetup: ['tests/ts/global-setup.ts'],
    // An early tree may hold no TypeScript test yet; the Python suite still runs.
    passWithNoTests: true,
    // Two cores shared by Kafka, Chromium and Python workers during a run: a CPU-bound test (a pass
    // over every real alert) can take several times its quiet 2 s; 5 s (the default) failed one.
    testTimeout: 30_000,
  },
});
