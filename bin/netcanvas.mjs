#!/usr/bin/env node
// The CLI runs the engine's TypeScript directly through tsx, so `npx netcanvas` works right
// after `npm install` with no build step.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { TRAINER_EXEC_ARGV } = await import('../engine/train/trainerProcess.ts');
const command = process.argv[2];
// evaluate and predict build the model in this process: TensorFlow.js builds one stack frame per
// layer, so they run with the trainer's bigger stack (a flag only a new process can take).
if ((command === 'evaluate' || command === 'predict') && TRAINER_EXEC_ARGV.some((flag) => !process.execArgv.includes(flag))) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...TRAINER_EXEC_ARGV, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  // Ctrl-C reaches the child from the terminal itself; this process only waits for it.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => (signal ? process.kill(process.pid, signal) : (process.exitCode = code ?? 1)));
} else {
  const { main } = await import('../engine/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
