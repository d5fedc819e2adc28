/**
 * Adam whose update is 1 GPU launch per variable on WebGPU (in place, ./inplace; 3 when a buffer
 * is shared) instead of tfjs's 14 (mul, mul, add, mul, square, mul, add, div, div, sqrt, add, div,
 * mul, add), plus 1 per step for the β powers.
 * Adam is the templates' default optimizer, and on WebGPU in Node a step's cost is its launch
 * count. A drop-in for `tf.train.adam(lr, β1, β2, ε)`: the same state (`name/m`, `name/v`,
 * accBeta1/2) and the same maths as tfjs:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr · (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
 * Other backends use the stock code.
 */
import * as tf from '@tensorflow/tfjs';
import {
  eachGradient,
  selectIfOk as guarded,
  slotVariable,
  withFlag,
  withGuard,
  type Slot,
  type VariableGradients,
} from './fused-optimizer';
import { runInPlace } from './inplace';
import { ElementwiseProgram, f32, runToTensor } from './program';

interface AdamInternals {
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/**
 * The same arithmetic as the out-of-place programs below, in one launch per weight; an element
 * whose new values would overflow keeps its old ones (see ./momentum).
 */
const adamStep = `
  let g = grad[i];
  let mi = uniforms.beta1 * m[i] + (1.0 - uniforms.beta1) * g;
  let vi = uniforms.beta2 * v[i] + (1.0 - uniforms.beta2) * g * g;
  let wi = w[i] - uniforms.lr * ((mi / (1.0 - accBeta1[0])) / (sqrt(vi / (1.0 - accBeta2[0])) + uniforms.eps));
  if (finite(mi) && finite(vi) && finite(wi)) { m[i] = mi; v[i] = vi; w[i] = wi; }`;
const betaStep = 'accBeta1[0] = accBeta1[0] * uniforms.beta1; accBeta2[0] = accBeta2[0] * uniforms.beta2;';
const IN_PLACE = {
  step: withGuard({
    key: 'ncAdamInPlace',
    writable: ['w', 'm', 'v'],
    readable: ['grad', 'accBeta1', 'accBeta2'],
    uniforms: ['beta1', 'beta2', 'lr', 'eps'],
    body: adamStep,
  }),
  beta: withGuard({
    key: 'ncAdamBetaInPlace',
    writable: ['accBeta1', 'accBeta2'],
    readable: [],
    uniforms: ['beta1', 'beta2'],
    body: betaStep,
  }),
};

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (tf.getBackend() !== 'webgpu') super.applyGradients(variableGradients);
    else this.update(variableGradients, null);
  }

  /** Applies the step only where `ok` (float32 scalar, 1 or 0) is 1; false when not on WebGPU. */
  applyGradientsIf(variableGradients: tf.NamedTensorMap, ok: tf.Tensor): boolean {
    if (tf.getBackend() !== 'webgpu') return false;
    withFlag(ok, (flag) => this.update(variableGradients as VariableGradients, flag));
    return true;
  }

  private update(variableGradients: VariableGradients, ok: tf.Tensor | null): void {
    const self = this as unknown as AdamInternals;
    const g = ok != null;
    const okInput = g ? ['ok'] : [];
    const okTensor = ok ? [ok] : [];
    const key = g ? 'If' : '';
    eachGradient(variableGradients, (name, value, gradient) => {
      const m = slotVariable(self.accumulatedFirstMoment, name, 'm', value);
      const v = slotVariable(self.accumulatedSecondMoment, name, 'v', value);
      const kernel = IN_PLACE.step[g ? 'guarded' : 'plain'];
      if (
        runInPlace(
          kernel,
          [value, m, v],
          [gradient, self.accBeta1, self.accBeta2, ...okTensor],
          [self.beta1, self.beta2, self.learningRate, self.epsilon],
        )
      )
        return;
      const shape = value.shape as number[];
      const newM = runToTensor(
        new ElementwiseProgram(
          shape,
          ['m', 'grad', ...okInput],
          `ncAdamM${key}`,
          guarded('m[index]', 'uniforms.scale * m[index] + (1.0 - uniforms.scale) * grad[index]', g),
        ),
        [m, gradient, ...okTensor],
        [f32(self.beta1)],
      );
      const newV = runToTensor(
        new ElementwiseProgram(
          shape,
          ['v', 'grad', ...okInput],
          `ncAdamV${key}`,
          guarded('v[index]', 'uniforms.scale * v[index] + (1.0 - uniforms.scale) * grad[index] * grad[index]', g),
        ),
        [v, gradient, ...okTensor],
        [f32(self.beta2)],
      );
      const step = '(m[index] / (1.0 - accBeta1[0])) / (sqrt(v[index] / (1.0 - accBeta2[0])) + uniforms.eps)';
      const newValue = runToTensor(
        new ElementwiseProgram(
          shape,
          ['w', 'm', 'v', 'accBeta1', 'accBeta2', ...okInput],
          `ncAdamW${key}`,
          guarded('w[index]', `w[index] - uniforms.lr * ${step}`, g),
          'lr : f32, eps : f32,',
        ),
        [value, newM, newV, self.accBeta1, self.accBeta2, ...okTensor],
        [f32(self.learningRate), f32(self.epsilon)],
      );
      m.assign(newM);
      v.assign(newV);
      value.assign(newValue);
      tf.dispose([newM, newV, newValue]);
    });
    if (runInPlace(IN_PLACE.beta[g ? 'guarded' : 'plain'], [self.accBeta1, self.accBeta2], okTensor, [self.beta1, self.beta2])) {
      this.incrementIterations();
      return;
    }
    for (const [acc, beta] of [
      [self.accBeta1, self.beta1],
      [self.accBeta2, self.beta2],
    ] as const) {
      const next = runToTensor(
        new ElementwiseProgram([1], ['acc', ...okInput], `ncAdamBeta${key}`, guarded('acc[0]', 'acc[0] * uniforms.scale', g)),
        [acc, ...okTensor],
        [f32(beta)],
      );
      // The β powers are scalars; a one-element output reshaped (free) keeps the program flat.
      const scalarNext = next.reshape([]);
      acc.assign(scalarNext);
      tf.dispose([next, scalarNext]);
    }
    this.incrementIterations();
  }
}
