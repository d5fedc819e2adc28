/**
 * Finds every kernel that training NetCanvas's layer kinds hits on the `wasm` backend and that
 * wasm does not register. Usage:
 *   npx tsx bench/kernels/find-missing-kernels.ts          # stock tfjs-backend-wasm
 *   npx tsx bench/kernels/find-missing-kernels.ts --ours   # with our kernels registered
 * When a case stops on "Kernel 'X' not registered for backend 'wasm'", X is delegated to the
 * cpu backend (slow but correct) and the case is retried, so one run lists them all. Each
 * case's weights after one step are compared against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmDistDir } from '../../engine/train/backends/wasm-paths';
import { delegateToCpu } from '../../engine/train/backends/wasm-kernels/cpu-fallback';
import { TRAINING_CASES, trainOneStep } from '../../test/engine/backends/fixtures/training-cases';

const ours = process.argv.includes('--ours');
if (ours) {
  const { registerWasmTrainingKernels } = await import('../../engine/train/backends/wasm-kernels/index');
  registerWasmTrainingKernels();
}
setWasmPaths(wasmDistDir());

const missing = new Map<string, string[]>();
const NOT_REGISTERED = /Kernel '(\w+)' not registered for backend 'wasm'/;

for (const c of TRAINING_CASES) {
  await tf.setBackend('cpu');
  let reference;
  try {
    reference = await trainOneStep(c);
  } catch (e) {
    console.log(`${c.name.padEnd(46)} cpu fails too: ${(e as Error).message.slice(0, 90)}`);
    continue;
  }
  await tf.setBackend('wasm');
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const got = await trainOneStep(c);
      let diff = 0;
      let scale = 1e-6;
      reference.weights.forEach((v, i) => {
        diff = Math.max(diff, Math.abs(v - got.weights[i]!));
        scale = Math.max(scale, Math.abs(v));
      });
      const loss = got.losses.map((l, i) => `${l.toFixed(5)}/${reference.losses[i]!.toFixed(5)}`).join(' ');
      console.log(`${c.name.padEnd(46)} ok  loss wasm/cpu ${loss}  max|Δw|/max|w| ${(diff / scale).toExponential(1)}`);
      break;
    } catch (e) {
      const m = NOT_REGISTERED.exec((e as Error).message);
      if (m == null) {
        console.log(`${c.name.padEnd(46)} FAIL ${(e as Error).message.slice(0, 120)}`);
        break;
      }
      const name = m[1]!;
      missing.set(name, [...(missing.get(name) ?? []), c.name]);
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: delegateToCpu(name) });
    }
  }
}
console.log('\nMissing on wasm:', missing.size === 0 ? 'none' : '');
for (const [name, cases] of missing) console.log(`  ${name}: ${cases.join('; ')}`);
