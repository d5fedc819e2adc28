/**
 * Safety net: run a kernel that tfjs-backend-wasm lacks on the pure-JS `cpu` backend.
 *
 * The inputs are copied out of the WASM heap, the `cpu` kernel runs, and its outputs are
 * copied back. That is slow (two copies plus JS maths) but correct, so a graph that uses
 * an op nobody measured yet still trains instead of dying with "Kernel 'X' not registered
 * for backend 'wasm'". The fast kernels in this folder replace the ones training hits.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelFunc = tf.KernelConfig['kernelFunc'];

/** Dtypes we can move between the two backends as plain typed arrays. */
const MOVABLE = new Set<tf.DataType>(['float32', 'int32', 'bool']);

/** A `wasm` kernel that delegates `kernelName` to the `cpu` backend's implementation. */
export function delegateToCpu(kernelName: string): KernelFunc {
  const cpuKernel = tf.getKernel(kernelName, 'cpu');
  if (cpuKernel == null) throw new Error(`No cpu kernel '${kernelName}' to delegate to.`);
  return ({ inputs, attrs, backend }) => {
    const wasm = backend as unknown as BackendWasm;
    const cpu = tf.findBackend('cpu');
    if (cpu == null) throw new Error(`cpu backend unavailable while running '${kernelName}'.`);
    // Its first write prints "install tfjs-node to speed things up", which reads as if the
    // whole run were on cpu; the backend report already says which backend trains.
    (cpu as unknown as { firstUse?: boolean }).firstUse = false;
    const made: tf.TensorInfo[] = [];
    const cpuInputs: tf.NamedTensorInfoMap = {};
    for (const [name, info] of Object.entries(inputs)) {
      if (info == null) continue;
      if (!MOVABLE.has(info.dtype)) {
        throw new Error(`'${kernelName}' on wasm: cannot move a ${info.dtype} tensor to cpu.`);
      }
      const values = wasm.readSync(info.dataId) as tf.TypedArray;
      const dataId = cpu.write(values, info.shape, info.dtype);
      const moved = { dataId, shape: info.shape, dtype: info.dtype };
      made.push(moved);
      cpuInputs[name] = moved;
    }
    try {
      const out = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs: attrs ?? {}, backend: cpu });
      const outs = Array.isArray(out) ? out : [out];
      made.push(...outs);
      const back = outs.map((o) => {
        const values = cpu.readSync(o.dataId) as tf.TypedArray;
        return wasm.makeOutput(o.shape, o.dtype, undefined, values);
      });
      return Array.isArray(out) ? back : back[0]!;
    } finally {
      for (const info of made) cpu.disposeData(info.dataId, true);
    }
  };
}

/** Names of kernels the `cpu` backend has and `wasm` does not (after our own registrations). */
export function kernelsMissingOnWasm(): string[] {
  const onWasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  return tf
    .getKernelsForBackend('cpu')
    .map((k) => k.kernelName)
    .filter((name) => !onWasm.has(name))
    .sort();
}
