import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // *.test.tsx: the web's component tests, each in happy-dom (`// @vitest-environment happy-dom` on its first line)
    include: ['packages/**/*.test.ts', 'apps/**/*.test.ts', 'apps/web/src/**/*.test.tsx', 'tools/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.lab.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
