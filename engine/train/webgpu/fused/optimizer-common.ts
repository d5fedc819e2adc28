/**
 * What the fused optimizers (./momentum, ./adam) share: walking the gradients by variable name,
 * finding or making a slot variable, the guard flag's shape, and the guard in WGSL.
 */
import * as tf from '@tensorflow/tfjs';
import type { InPlaceKernel } from './inplace';

/** What tfjs's momentum and Adam optimizers take (the same type); the trainer's gradient map is passed as one. */
export type VariableGradients = Parameters<tf.MomentumOptimizer['applyGradients']>[0];
export type Slot = { originalName: string; variable: tf.Variable };

/** tf.MomentumOptimizer's private state that fused momentum optimizers read. */
export interface MomentumInternals {
  accumulations: Slot[];
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
}

/** tf.AdamOptimizer's private state that fused Adams (WebGPU's, wasm's) read and update. */
export interface AdamInternals {
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** Each variable that has a gradient, with it, by name (as tfjs's own optimizers accept them). */
export function eachGradient(
  variableGradients: VariableGradients,
  visit: (name: string, value: tf.Variable, gradient: tf.Tensor) => void,
): void {
  const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
  names.forEach((name, i) => {
    const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : (variableGradients as tf.NamedTensorMap)[name];
    if (gradient != null) visit(name, tf.engine().registeredVariables[name]!, gradient);
  });
}

/** The slot `name/suffix` (zeros like `value` the first time), looked up by name: tfjs goes by position, which breaks when the variable list changes. */
export function slotVariable(slots: Slot[], name: string, suffix: string, value: tf.Variable): tf.Variable {
  let found = slots.find((s) => s?.originalName === `${name}/${suffix}`);
  if (found == null) {
    found = { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    slots.push(found);
  }
  return found.variable;
}

/** Runs `update` with the trainer's guard (a float32 scalar, 1 or 0) as the one-element `ok` input the kernels read. */
export function withFlag(ok: tf.Tensor, update: (flag: tf.Tensor) => void): void {
  const flag = ok.reshape([1]);
  update(flag);
  flag.dispose();
}

/** `update(flag)` with the guard as `withFlag` shapes it, or `update(null)` when there is none. */
export function withOptionalFlag(ok: tf.Tensor | null, update: (flag: tf.Tensor | null) => void): void {
  if (ok == null) update(null);
  else withFlag(ok, update);
}

/** An in-place kernel and its guarded twin, which also reads `ok` and writes nothing unless it is 1. */
export function withGuard(kernel: InPlaceKernel): Record<'plain' | 'guarded', InPlaceKernel> {
  return {
    plain: kernel,
    guarded: { ...kernel, key: `${kernel.key}If`, readable: [...kernel.readable, 'ok'], body: `if (f32(ok[0]) > 0.5) { ${kernel.body} }` },
  };
}
