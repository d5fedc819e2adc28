/**
 * PyTorch on the same CPU as a long-lived peer process (bench/train_torch.py --serve): the bench
 * sends one request at a time and waits for its answer, so our runs and PyTorch's alternate
 * (A B A B …) and both see the same machine load. Null where /usr/bin/python3 cannot import torch.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const PYTHON = '/usr/bin/python3';

export interface TorchPeer {
  /** Samples/s of `steps` training steps of a bench model (built and warmed up on first use). */
  steps(model: string, batch: number, steps: number): Promise<number>;
  /** One epoch on an IDX dataset folder: seconds, samples/s and the test accuracy after it. */
  idxEpoch(request: { dir: string; model: string; batch: number; seed: number; limit?: number }): Promise<IdxEpoch>;
  close(): void;
}

export interface IdxEpoch {
  seconds: number;
  samples_per_second: number;
  test_accuracy: number;
  train_count: number;
}

export async function startTorchPeer(threads: number): Promise<TorchPeer | string> {
  try {
    await promisify(execFile)(PYTHON, ['-c', 'import torch']);
  } catch {
    return `PyTorch not available (${PYTHON} -c "import torch" failed; apt install python3-torch)`;
  }
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url));
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [script, String(threads), '--serve']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async <T>(request: Record<string, unknown>): Promise<T> => {
    child.stdin.write(`${JSON.stringify(request)}\n`);
    const line = await lines.next();
    if (line.done) throw new Error(`PyTorch peer exited: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    return JSON.parse(line.value) as T;
  };
  return {
    steps: async (model, batch, steps) =>
      (await ask<{ samples_per_second: number }>({ kind: 'steps', model, batch, steps })).samples_per_second,
    idxEpoch: (request) => ask<IdxEpoch>({ kind: 'idx_epoch', ...request }),
    close: () => child.stdin.end(),
  };
}
