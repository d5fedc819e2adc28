/**
 * SGD with momentum whose update is 1 GPU launch per variable on WebGPU (in place, ./inplace)
 * instead of tfjs's 4 (mul, add, mul, add): a training step's launch
 * count, not its arithmetic, is what costs on WebGPU in Node. A drop-in for
 * `tf.train.momentum(lr, m, nesterov)`: same class name in saved optimizer state, same accumulator
 * variables, same maths to the bit (a ← m·a + g; w ← w − lr·a, or w ← w − lr·(g + m·a) with
 * Nesterov); other backends use the stock code. With m = 0 it is plain SGD (a = g), which the
 * trainer uses it for: in place, so a recorded step can be replayed (../replay/replay-step).
 *
 * @example
 *   const optimizer = new FusedMomentumOptimizer(0.01, 0.9);
 */
import * as tf from '@tensorflow/tfjs';
import {
  eachGradient,
  slotVariable,
  withFlag,
  withGuard,
  type MomentumInternals,
  type Slot,
  type VariableGradients,
} from './optimizer-common';
import { updateInPlace } from './inplace';

/**
 * a ← m·a + g; w ← w − lr·a, both in one launch; an element whose new values would overflow keeps
 * its old ones (finite gradients can still step a diverging weight to ∞, and the weights kept when
 * training diverges must be usable).
 */
const IN_PLACE = withGuard({
  key: 'ncMomentumInPlace',
  writable: ['value', 'acc'],
  readable: ['grad'],
  uniforms: ['lr', 'momentum'],
  body: `let a = acc[i] * uniforms.momentum + grad[i];
    let w = value[i] - uniforms.lr * a;
    if (finite(a) && finite(w)) { acc[i] = a; value[i] = w; }`,
});

/** Nesterov: a ← m·a + g; w ← w − lr·(g + m·a). */
const IN_PLACE_NESTEROV = withGuard({
  ...IN_PLACE.plain,
  key: 'ncMomentumNesterovInPlace',
  body: `let a = acc[i] * uniforms.momentum + grad[i];
    let w = value[i] - uniforms.lr * (grad[i] + a * uniforms.momentum);
    if (finite(a) && finite(w)) { acc[i] = a; value[i] = w; }`,
});

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
    withFlag(ok, (flag) => this.update(variableGradients as VariableGradients, flag));
    return true;
  }

  private fusable(): boolean {
    return tf.getBackend() === 'webgpu';
  }

  private update(variableGradients: VariableGradients, ok: tf.Tensor | null): void {
    const self = this as unknown as MomentumInternals;
    const kernel = (self.useNesterov ? IN_PLACE_NESTEROV : IN_PLACE)[ok ? 'guarded' : 'plain'];
    eachGradient(variableGradients, (name, value, gradient) => {
      const accumulation = slotVariable(self.accumulations, name, 'momentum', value);
      updateInPlace(kernel, [value, accumulation], [gradient, ...(ok ? [ok] : [])], [self.learningRate, self.momentum]);
    });
    this.incrementIterations();
  }
}
