// vitest.config.ts - one test runner for the whole repository: every
// tests/**/*.test.ts. Test files run in parallel, at most one per core and
// never more than two at once: a QEMU boot test keeps a core busy (TCG), and
// this is sized for the 2-core build machines. Tests inside a file run one
// after the other, so there are never more QEMUs than workers.

import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: Math.max(1, Math.min(2, availableParallelism())),
  },
});
