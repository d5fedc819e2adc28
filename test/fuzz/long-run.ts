/**
 * `npm run fuzz [-- SCALE [SEED]]`: the fuzz tests with SCALE times the cases `npm test` runs
 * (default 20) and a fresh seed (printed, so a failure can be run again with it).
 */
import { spawnSync } from 'node:child_process';

const scale = process.argv[2] ?? '20';
const seed = process.argv[3] ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzzing at ${scale}x the npm test cases, seed ${seed} (again: npm run fuzz -- ${scale} ${seed})`);
const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/fuzz'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SCALE: scale, FUZZ_SEED: seed },
});
process.exit(run.status ?? 1);
