import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmDistDir } from '../../engine/train/backends/wasm-paths';
setWasmPaths(wasmDistDir());
const xv = [1,2,3,4, 5,6,7,8, 9,10,11,12, 13,14,15,16];
for (const b of ['cpu','wasm']) {
  await tf.setBackend(b);
  const x = tf.tensor4d(xv, [1,4,4,1]);
  const dy = tf.tensor4d([1,2,3,4],[1,2,2,1]);
  const g = tf.grad((t: tf.Tensor) => tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), dy).sum())(x);
  console.log(b, Array.from(g.dataSync()).join(' '));
  const x2 = tf.tensor4d([5,1,1,1, 1,1,1,7, 1,9,1,1, 1,1,1,1], [1,4,4,1]);
  const g2 = tf.grad((t: tf.Tensor) => tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), dy).sum())(x2);
  console.log(b, Array.from(g2.dataSync()).join(' '));
  const x3 = tf.tensor4d([-5,-1,-1,-1, -1,-1,-1,-7, -1,-9,-1,-1, -1,-1,-1,-1].map(v=>v-0.001*Math.random()), [1,4,4,1]);
  const g3 = tf.grad((t: tf.Tensor) => tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), dy).sum())(x3);
  console.log(b, Array.from(g3.dataSync()).join(' '));
}
