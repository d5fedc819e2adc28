/**
 * What every launcher of a trainer process shares (the CLI's and web host's fork, the desktop's
 * utility process): the bigger stack deep graphs need, and why a trainer ended without its final
 * event, in words. Causes the exit proves are named (a kill we asked for, a signal, the runtime's
 * own out-of-memory report); a process killed by a signal is never explained by its stderr, which
 * then holds only what it printed before (a GPU driver's warning at start-up read as the cause),
 * and an exit code quotes only a line that is not library noise (./stderr.ts).
 */
import { causeLine } from './stderr';

/**
 * V8's stack for the trainer, in KiB: TensorFlow.js builds a model recursively, one frame per
 * layer, and the default (~1 MiB) ends at about 5,000 layers; 4 MiB builds 16,000 (the checker
 * allows 12,000 deep). Linux and macOS give a process's main thread 8 MiB; Windows may give less.
 */
export const TRAINER_STACK_KIB = 4000;
export const TRAINER_EXEC_ARGV = process.platform === 'win32' ? [] : [`--stack-size=${TRAINER_STACK_KIB}`];

/** Lines the JavaScript or native runtime prints when memory runs out, whatever printed before. */
const OUT_OF_MEMORY =
  /JavaScript heap out of memory|Reached heap limit|Array buffer allocation failed|std::bad_alloc|Cannot allocate memory/;

/** The stderr a trainer's death may be explained by: its tail, kept by the launcher. */
export const STDERR_KEEP = 4000;

export interface TrainerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** The launcher killed it (a second Ctrl-C): not a death to explain. */
  readonly requested?: boolean;
}

export function trainerDeathReason(exit: TrainerExit): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  if (exit.requested) return `${how} on request, before it could save`;
  if (OUT_OF_MEMORY.test(exit.stderr)) return `${how}: it ran out of memory; try a smaller batch size or a smaller graph`;
  switch (exit.signal) {
    case 'SIGKILL':
      return `${how}: the system may have run out of memory, or another program ended it`;
    case 'SIGSEGV':
    case 'SIGBUS':
    case 'SIGILL':
      return `${how}: it crashed in native code (a GPU driver or the WebAssembly runtime); try training on the CPU only`;
    case null: {
      const cause = causeLine(exit.stderr);
      return cause ? `${how}: ${cause}` : how;
    }
    default:
      return how;
  }
}

/** The error message for a trainer that died. */
export function trainerDeathMessage(exit: TrainerExit): string {
  return `the trainer process stopped unexpectedly (${trainerDeathReason(exit)}); the graph is intact, you can train again`;
}
