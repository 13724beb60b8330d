// Lab tests: real Corosync in network namespaces (root). One file at a time, long timeouts.
// Run: npx vitest run -c vitest.lab.config.ts   (skips with the reason when not root / no corosync; fails when CI=true)
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.lab.test.ts'],
    exclude: ['**/node_modules/**'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
