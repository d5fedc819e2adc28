/**
 * Training with PyTorch from the app: the tfjs trainer's launcher contract, built on
 * engine/export/pytorch/runner (exports the graph, runs its train.py with a Python that has torch,
 * streams the same events). Stop is SIGTERM (the script finishes its batch and still reports
 * `done`); kill is SIGKILL. The Python child is the separate process, so both hosts run this
 * launcher in their own process; a missing Python or torch arrives as one `error` event.
 */
import type { TrainerEvent } from '../../engine/train/protocol';
import type { TrainerLauncher } from './training';

export interface PytorchLauncherOptions {
  /** Where `embedded:` datasets live (the desktop app's resources); default: the runner's. */
  readonly datasetsDir?: string;
  /** Pythons to try (tests); default: NETCANVAS_PYTHON, else /usr/bin/python3, python3, python. */
  readonly pythons?: readonly string[];
}

const DEVICES = ['cuda', 'mps', 'cpu'] as const;
type Device = (typeof DEVICES)[number];
const isDevice = (name: string | undefined): name is Device => (DEVICES as readonly (string | undefined)[]).includes(name);

export function createPytorchLauncher(options: PytorchLauncherOptions = {}): TrainerLauncher {
  return (request, onEvent, onExit) => {
    const stop = new AbortController();
    const kill = new AbortController();
    let final = false;
    const forward = (event: TrainerEvent) => {
      if (kill.signal.aborted) return;
      if (event.type === 'done' || event.type === 'error') final = true;
      onEvent(event);
    };
    // Loaded on first use: the exporters are large and most sessions never train with PyTorch.
    import('../../engine/export/pytorch/runner')
      .then(({ runPytorchTraining }) =>
        runPytorchTraining(
          request.graph,
          {
            runId: request.runId,
            dataset: request.dataset,
            ...(request.config ? { config: request.config } : {}),
            ...(request.checkpointPath ? { checkpointPath: request.checkpointPath } : {}),
            // The app's backend names mean nothing to PyTorch; a device name passes through.
            ...(isDevice(request.backend) ? { device: request.backend } : {}),
            ...(options.datasetsDir ? { datasetsDir: options.datasetsDir } : {}),
            ...(options.pythons ? { pythons: options.pythons } : {}),
            signal: stop.signal,
            killSignal: kill.signal,
          },
          forward,
        ),
      )
      .then(
        () => {
          if (!final && !kill.signal.aborted) onExit('the PyTorch runner ended without a result');
        },
        (err: unknown) => {
          if (!kill.signal.aborted) onExit(`the PyTorch runner failed: ${(err as Error)?.message ?? String(err)}`);
        },
      );
    return { stop: () => stop.abort(), kill: () => kill.abort() };
  };
}
