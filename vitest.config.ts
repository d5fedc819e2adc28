import { defineConfig } from 'vitest/config';

// One runner for the whole tree. Tests mirror the source folders: test/engine, test/electron,
// test/renderer, test/e2e. Training and browser tests are slow on 2 cores, hence the long timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
    // Tests that put tfjs on its cpu backend themselves get its "Hi, looks like you are running
    // TensorFlow.js in Node.js" banner, once per file: noise (the product turns it off in selectBackend).
    onConsoleLog: (log) => !/looks like you are running TensorFlow\.js in Node\.js/.test(log),
  },
});
