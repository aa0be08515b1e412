import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration suites share one local runtime per file; files run in separate forks.
    pool: 'forks',
    // Ceilings, not expectations: on a machine whose cores are busy with other work everything
    // runs several times slower, and a test that takes 5 s idle may take a minute. No outcome
    // depends on them (tests wait for what they observe); they only bound a hung test.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'reports/vitest.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/integration/**/*.test.ts'],
          // One file per core: each integration file runs a whole local runtime of its own.
          maxWorkers: availableParallelism(),
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          // Faults on a timer (function and visibility timeouts), memory figures and a browser:
          // these measure the machine, so they run alone, after the rest.
          name: 'alone',
          include: ['test/reliability/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
