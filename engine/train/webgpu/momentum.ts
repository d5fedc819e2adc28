/**
 * SGD with momentum whose update is 2 GPU launches per variable on WebGPU instead of tfjs's 4
 * (mul, add, mul, add): a training step's launch count, not its arithmetic, is what costs on
 * WebGPU in Node. A drop-in for `tf.train.momentum(lr, m)`: same class name in saved optimizer
 * state, same accumulator variables, same maths (a ← m·a + g; w ← w − lr·a); other backends and
 * Nesterov use the stock code.
 *
 * @example
 *   const optimizer = new FusedMomentumOptimizer(0.01, 0.9);
 */
import * as tf from '@tensorflow/tfjs';
import { f32, flatLayout, runToTensor, type GpuProgram } from './program';

class ElementwiseProgram implements GpuProgram {
  uniforms = 'scale : f32,';
  dispatchLayout;
  dispatch;
  workgroupSize;
  size;
  constructor(
    public outputShape: number[],
    public variableNames: string[],
    public shaderKey: string,
    private expression: string,
  ) {
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch, workgroupSize: this.workgroupSize, size: this.size } = flatLayout(outputShape, 256));
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndex(index, ${this.expression}); }
      }
    `;
  }
}

type VariableGradients = Parameters<tf.MomentumOptimizer['applyGradients']>[0];

interface MomentumInternals {
  accumulations: { originalName: string; variable: tf.Variable }[];
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
}

export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const self = this as unknown as MomentumInternals;
    if (tf.getBackend() !== 'webgpu' || self.useNesterov) {
      super.applyGradients(variableGradients);
      return;
    }
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
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
      const shape = value.shape as number[];
      const newAccumulation = runToTensor(new ElementwiseProgram(shape, ['acc', 'grad'], 'ncMomentumAccumulate', 'acc[index] * uniforms.scale + grad[index]'), [accumulation, gradient], [f32(self.momentum)]);
      const newValue = runToTensor(new ElementwiseProgram(shape, ['value', 'acc'], 'ncMomentumApply', 'value[index] - uniforms.scale * acc[index]'), [value, newAccumulation], [f32(self.learningRate)]);
      accumulation.assign(newAccumulation);
      value.assign(newValue);
      tf.dispose([newAccumulation, newValue]);
    });
    this.incrementIterations();
  }
}
