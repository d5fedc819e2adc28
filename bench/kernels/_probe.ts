import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmDistDir } from '../../engine/train/backends/wasm-paths';
import { seededValues } from '../../test/engine/backends/fixtures/training-cases';
import { registerWasmTrainingKernels } from '../../engine/train/backends/wasm-kernels/index';
setWasmPaths(wasmDistDir());
if (process.argv.includes('--ours')) registerWasmTrainingKernels();
async function run(backend: string, shape: number[], k: number, s: number, pad: 'same'|'valid') {
  await tf.setBackend(backend);
  const x = tf.tensor(seededValues(shape.reduce((a,b)=>a*b), 3), shape as any);
  const y = tf.maxPool(x as tf.Tensor4D, k, s, pad);
  const dy = tf.tensor(seededValues(y.size, 5), y.shape);
  const g = tf.grad((t: tf.Tensor) => tf.mul(tf.maxPool(t as tf.Tensor4D, k, s, pad), dy).sum())(x);
  return { y: y.dataSync(), g: g.dataSync() };
}
for (const [shape, k, s, pad] of [[[1,7,7,1],3,2,'same'],[[1,8,8,1],3,2,'same'],[[1,7,7,1],2,2,'same'],[[1,6,6,1],3,1,'same'],[[1,7,7,1],3,2,'valid'],[[1,8,8,2],2,2,'valid']] as const) {
  const a = await run('cpu', shape as any, k, s, pad); const b = await run('wasm', shape as any, k, s, pad);
  const dy = Math.max(...a.y.map((v,i)=>Math.abs(v-b.y[i]!)));
  const dg = Math.max(...a.g.map((v,i)=>Math.abs(v-b.g[i]!)));
  console.log(shape, k, s, pad, 'fwd', dy, 'grad', dg);
  if (dg > 1e-5) { console.log(Array.from(a.g).map(v=>v.toFixed(2)).join(' ')); console.log(Array.from(b.g).map(v=>v.toFixed(2)).join(' ')); }
}
