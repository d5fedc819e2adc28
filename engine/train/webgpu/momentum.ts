/**
 * SGD with momentum whose update is 1 GPU launch per variable on WebGPU (in place, ./inplace), or
 * 2 when a buffer is shared, instead of tfjs's 4 (mul, add, mul, add): a training step's launch
 * count, not its arithmetic, is what costs on WebGPU in Node. A drop-in for `tf.train.momentum(lr, m)`: same class name in saved optimizer
 * state, same accumulator variables, same maths (a ← m·a + g; w ← w − lr·a); other backends and
 * Nesterov use the stock code.
 *
 * @example
 *   const optimizer = new FusedMomentumOptimizer(0.01, 0.9);
 */
import * as tf from '@tensorflow/tfjs';
import { runInPlace, type InPlaceKernel } from './inplace';
import { ElementwiseProgram, f32, runToTensor } from './program';

const accumulate = 'let a = acc[i] * uniforms.momentum + grad[i]; acc[i] = a; value[i] = value[i] - uniforms.lr * a;';
/** a ← m·a + g; w ← w − lr·a, both in one launch; guarded: nothing written unless ok[0] is 1. */
const IN_PLACE: Record<'plain' | 'guarded', InPlaceKernel> = {
  plain: { key: 'ncMomentumInPlace', writable: ['value', 'acc'], readable: ['grad'], uniforms: ['lr', 'momentum'], body: accumulate },
  guarded: { key: 'ncMomentumInPlaceIf', writable: ['value', 'acc'], readable: ['grad', 'ok'], uniforms: ['lr', 'momentum'], body: `if (f32(ok[0]) > 0.5) { ${accumulate} }` },
};

type VariableGradients = Parameters<tf.MomentumOptimizer['applyGradients']>[0];

interface MomentumInternals {
  accumulations: { originalName: string; variable: tf.Variable }[];
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
}

export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!this.fusable()) super.applyGradients(variableGradients);
    else this.update(variableGradients, null);
  }

  /**
   * The trainer's device-side guard (see engine/train/step.ts): applies the step only where `ok`
   * (a float32 scalar, 1 or 0) is 1, inside the same launches — a non-finite step leaves the
   * weights and the momentum exactly as they were. False: not on WebGPU, the caller must mask.
   */
  applyGradientsIf(variableGradients: tf.NamedTensorMap, ok: tf.Tensor): boolean {
    if (!this.fusable()) return false;
    const flag = ok.reshape([1]);
    this.update(variableGradients as VariableGradients, flag);
    flag.dispose();
    return true;
  }

  private fusable(): boolean {
    return tf.getBackend() === 'webgpu' && !(this as unknown as MomentumInternals).useNesterov;
  }

  private update(variableGradients: VariableGradients, ok: tf.Tensor | null): void {
    const self = this as unknown as MomentumInternals;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    // WGSL's select(f, t, cond) reads neither NaN branch into the result when cond picks the other.
    const [accumulate, apply, inputs, key] = ok
      ? ['select(acc[index], acc[index] * uniforms.scale + grad[index], f32(ok[0]) > 0.5)', 'select(value[index], value[index] - uniforms.scale * acc[index], f32(ok[0]) > 0.5)', ['ok'], 'If']
      : ['acc[index] * uniforms.scale + grad[index]', 'value[index] - uniforms.scale * acc[index]', [], ''];
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name]!;
      // Looked up by name (tfjs goes by position, which breaks when the variable list changes).
      let slot = self.accumulations.find((a) => a?.originalName === `${name}/momentum`);
      if (slot == null) {
        slot = { originalName: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulations.push(slot);
      }
      const accumulation = slot.variable;
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : (variableGradients as tf.NamedTensorMap)[name];
      if (gradient == null) return;
      const extra = ok ? [ok] : [];
      if (runInPlace(ok ? IN_PLACE.guarded : IN_PLACE.plain, [value, accumulation], [gradient, ...extra], [self.learningRate, self.momentum])) return;
      const shape = value.shape as number[];
      const newAccumulation = runToTensor(new ElementwiseProgram(shape, ['acc', 'grad', ...inputs], `ncMomentumAccumulate${key}`, accumulate), [accumulation, gradient, ...extra], [f32(self.momentum)]);
      const newValue = runToTensor(new ElementwiseProgram(shape, ['value', 'acc', ...inputs], `ncMomentumApply${key}`, apply), [value, newAccumulation, ...extra], [f32(self.learningRate)]);
      accumulation.assign(newAccumulation);
      value.assign(newValue);
      tf.dispose([newAccumulation, newValue]);
    });
    this.incrementIterations();
  }
}
