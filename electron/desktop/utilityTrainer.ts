/**
 * Training on the desktop runs in an Electron utility process (a Node child Electron manages), so
 * a crash or a long synchronous batch never freezes or kills the window. It runs the same trainer
 * entry as the CLI and the web host (engine/train/entry.ts, bundled to dist-electron/trainer.cjs),
 * which speaks engine/train/protocol.ts over `process.parentPort`.
 */
import type { UtilityProcess } from 'electron';
import { STDERR_KEEP, TRAINER_EXEC_ARGV, trainerDeathReason } from '../../engine/train/trainerProcess';
import type { TrainerEvent } from '../../engine/train/protocol';
import type { MapsWorkerLauncher } from '../services/featureMaps';
import { isFinalEvent, type InspectRequest } from '../../engine/train/processClient';
import type { StartRequest, TrainerLauncher } from '../services/training';

/** The part of Electron's `utilityProcess` used here; tests pass a fake. */
export interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; env?: NodeJS.ProcessEnv; stdio?: 'pipe' | 'ignore' | 'inherit'; execArgv?: string[] },
  ): Pick<UtilityProcess, 'postMessage' | 'on' | 'kill' | 'stdout' | 'stderr'>;
}

function isTrainerEvent(value: unknown): value is TrainerEvent {
  const v = value as { type?: unknown; runId?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.type === 'string' && typeof v.runId === 'string';
}

export function createUtilityTrainerLauncher(
  utilityProcess: UtilityProcessModule,
  entryPath: string,
  env: NodeJS.ProcessEnv,
): TrainerLauncher<StartRequest | InspectRequest> {
  return (request, onEvent, onExit) => {
    // A deep graph needs the trainer's bigger stack here too (engine/train/processClient.ts).
    const child = utilityProcess.fork(entryPath, [], { serviceName: 'NetCanvas trainer', env, stdio: 'pipe', execArgv: TRAINER_EXEC_ARGV });
    // An unread pipe fills up and blocks the child: drain stdout, keep stderr's tail for messages.
    child.stdout?.on('data', () => {});
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_KEEP);
    });
    let finished = false;
    child.on('message', (message: unknown) => {
      if (finished || !isTrainerEvent(message)) return;
      onEvent(message);
      if (isFinalEvent(message)) {
        finished = true;
        // One run (or measurement) per process: a finished trainer holds memory (tfjs, the dataset) for nothing.
        child.kill();
      }
    });
    child.on('exit', (code: number) => {
      if (finished) return;
      finished = true;
      // Electron reports a code only; a signal shows as the code the platform gives it.
      onExit(trainerDeathReason({ code, signal: null, stderr: stderrTail }));
    });
    child.postMessage(request);
    return {
      stop: () => {
        if (!finished) child.postMessage({ type: 'stop', runId: request.runId });
      },
      kill: () => {
        finished = true;
        child.kill();
      },
    };
  };
}

/**
 * The same trainer entry as a utility process kept for feature maps (electron/services/inspection.ts):
 * it stays up between requests until the service ends it; a death on its own is reported in words.
 */
export function createUtilityMapsWorkerLauncher(
  utilityProcess: UtilityProcessModule,
  entryPath: string,
  env: NodeJS.ProcessEnv,
): MapsWorkerLauncher {
  return (onMessage, onExit) => {
    const child = utilityProcess.fork(entryPath, [], {
      serviceName: 'NetCanvas feature maps',
      env,
      stdio: 'pipe',
      execArgv: TRAINER_EXEC_ARGV,
    });
    child.stdout?.on('data', () => {});
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_KEEP);
    });
    let killed = false;
    child.on('message', onMessage);
    child.on('exit', (code: number) => {
      if (!killed) onExit(trainerDeathReason({ code, signal: null, stderr: stderrTail }));
    });
    return {
      send: (request) => child.postMessage(request),
      kill: () => {
        killed = true;
        child.kill();
      },
    };
  };
}
