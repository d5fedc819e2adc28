/**
 * Adam whose update is 1 GPU launch per variable on WebGPU (in place, ./inplace) instead of tfjs's
 * 14 (mul, mul, add, mul, square, mul, add, div, div, sqrt, add, div, mul, add), plus 1 per step
 * for the β powers.
 * Adam is the templates' default optimizer, and on WebGPU in Node a step's cost is its launch
 * count. A drop-in for `tf.train.adam(lr, β1, β2, ε)`: the same state (`name/m`, `name/v`,
 * accBeta1/2) and the same maths as tfjs:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr · (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
 * Other backends use the stock code.
 */
import * as tf from '@tensorflow/tfjs';
import { eachGradient, slotVariable, withFlag, withGuard, type AdamInternals, type Slot, type VariableGradients } from './optimizer-common';
import { updateInPlace } from './inplace';

/**
 * tfjs's arithmetic, in one launch per weight; an element whose new values would overflow keeps
 * its old ones (see ./momentum).
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
    const flag = ok ? [ok] : [];
    const which = ok ? 'guarded' : 'plain';
    eachGradient(variableGradients, (name, value, gradient) => {
      const m = slotVariable(self.accumulatedFirstMoment, name, 'm', value);
      const v = slotVariable(self.accumulatedSecondMoment, name, 'v', value);
      updateInPlace(
        IN_PLACE.step[which],
        [value, m, v],
        [gradient, self.accBeta1, self.accBeta2, ...flag],
        [self.beta1, self.beta2, self.learningRate, self.epsilon],
      );
    });
    updateInPlace(IN_PLACE.beta[which], [self.accBeta1, self.accBeta2], flag, [self.beta1, self.beta2]);
    this.incrementIterations();
  }
}
