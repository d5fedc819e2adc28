/**
 * SGD, SGD with momentum (and Nesterov) and Adam whose update is one native pass per variable,
 * in place (./c/optimizers.c), instead of tfjs's 2–14 kernels and a new buffer per weight and
 * slot every step. Drop-ins for tf.train's: the same classes (so saved optimizer state and
 * `setLearningRate` are unchanged), the same slot variables, the same arithmetic in the same order.
 *
 * `applyGradientsUnlessOverflow` is the trainer's host guard (engine/train/step.ts): it first
 * checks that every new value would be finite, writing nothing, and only then applies them all —
 * so a step that would overflow leaves every weight and slot exactly as it was, with no copies.
 * Off wasm (or without our kernels) they are tfjs's optimizers.
 */
import * as tf from '@tensorflow/tfjs';
import {
  eachGradient,
  slotVariable,
  type AdamInternals,
  type MomentumInternals,
  type Slot,
  type VariableGradients,
} from '../../webgpu/fused/optimizer-common';
import { ownBuffer } from './batchnorm';
import { nativeFor, type Native } from './runtime';
import type { TrainingConfig } from '../../../graph/training';
import type { OverflowGuardedOptimizer } from '../../step';

export type OptimizerConfig = Pick<
  TrainingConfig,
  'optimizer' | 'learningRate' | 'momentum' | 'nesterov' | 'adamBeta1' | 'adamBeta2' | 'adamEpsilon'
>;

const enum Kind {
  Sgd = 0,
  Momentum = 1,
  Nesterov = 2,
  Adam = 3,
}

/** One variable's update: its pointers, and the tensors written. */
interface Update {
  written: tf.Variable[];
  w: number;
  s1: number;
  s2: number;
  g: number;
  n: number;
}

function native(): Native | null {
  return tf.getBackend() === 'wasm' ? nativeFor(tf.backend()) : null;
}

/** Runs the updates: check every one (apply 0), then apply them all, or none. */
function run(nat: Native, kind: Kind, updates: Update[], constants: number[], checkFirst: boolean): boolean {
  const call = (u: Update, apply: number) =>
    nat.exports.nc_optimizer_update(nat.pool, kind, apply, u.w, u.s1, u.s2, u.g, u.n, ...constants);
  if (checkFirst && updates.some((u) => call(u, 0) > 0)) return false;
  for (const u of updates) {
    call(u, 1);
    for (const v of u.written) nat.written(v);
  }
  return true;
}

function pointers(nat: Native, value: tf.Variable, gradient: tf.Tensor, s1: tf.Variable | null, s2: tf.Variable | null): Update {
  return {
    written: [value, ...(s1 ? [s1] : []), ...(s2 ? [s2] : [])],
    w: ownBuffer(nat, value),
    s1: s1 ? ownBuffer(nat, s1) : 0,
    s2: s2 ? ownBuffer(nat, s2) : 0,
    g: nat.ptr(gradient),
    n: value.size,
  };
}

interface SgdInternals {
  learningRate: number;
}

export class WasmSgdOptimizer extends tf.SGDOptimizer implements OverflowGuardedOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!this.step(variableGradients, false)) super.applyGradients(variableGradients);
  }
  applyGradientsUnlessOverflow(variableGradients: tf.NamedTensorMap): boolean {
    const applied = this.step(variableGradients as VariableGradients, true);
    if (applied === null) throw new Error('WasmSgdOptimizer: not on wasm');
    return applied;
  }
  private step(variableGradients: VariableGradients, checkFirst: boolean): boolean | null {
    const nat = native();
    if (nat == null) return null;
    const updates: Update[] = [];
    eachGradient(variableGradients, (_name, value, gradient) => updates.push(pointers(nat, value, gradient, null, null)));
    const lr = (this as unknown as SgdInternals).learningRate;
    if (!run(nat, Kind.Sgd, updates, [lr, 0, 0, 0, 0, 0, 1, 1], checkFirst)) return false;
    this.incrementIterations();
    return true;
  }
}

export class WasmMomentumOptimizer extends tf.MomentumOptimizer implements OverflowGuardedOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!this.step(variableGradients, false)) super.applyGradients(variableGradients);
  }
  applyGradientsUnlessOverflow(variableGradients: tf.NamedTensorMap): boolean {
    const applied = this.step(variableGradients as VariableGradients, true);
    if (applied === null) throw new Error('WasmMomentumOptimizer: not on wasm');
    return applied;
  }
  private step(variableGradients: VariableGradients, checkFirst: boolean): boolean | null {
    const nat = native();
    if (nat == null) return null;
    const self = this as unknown as MomentumInternals;
    const updates: Update[] = [];
    eachGradient(variableGradients, (name, value, gradient) => {
      const accumulation = slotVariable(self.accumulations, name, 'momentum', value);
      updates.push(pointers(nat, value, gradient, accumulation, null));
    });
    const kind = self.useNesterov ? Kind.Nesterov : Kind.Momentum;
    if (!run(nat, kind, updates, [self.learningRate, self.momentum, 0, 0, 0, 0, 1, 1], checkFirst)) return false;
    this.incrementIterations();
    return true;
  }
}

export class WasmAdamOptimizer extends tf.AdamOptimizer implements OverflowGuardedOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!this.step(variableGradients, false)) super.applyGradients(variableGradients);
  }
  applyGradientsUnlessOverflow(variableGradients: tf.NamedTensorMap): boolean {
    const applied = this.step(variableGradients as VariableGradients, true);
    if (applied === null) throw new Error('WasmAdamOptimizer: not on wasm');
    return applied;
  }
  private step(variableGradients: VariableGradients, checkFirst: boolean): boolean | null {
    const nat = native();
    if (nat == null) return null;
    const self = this as unknown as AdamInternals;
    const updates: Update[] = [];
    eachGradient(variableGradients, (name, value, gradient) => {
      const m = slotVariable(self.accumulatedFirstMoment, name, 'm', value);
      const v = slotVariable(self.accumulatedSecondMoment, name, 'v', value);
      updates.push(pointers(nat, value, gradient, m, v));
    });
    // tfjs's scalars, as float32: sub(1, accBeta) and the constants its ops multiply by.
    const f = Math.fround;
    const acc1 = nat.f32(ownBuffer(nat, self.accBeta1), 1);
    const acc2 = nat.f32(ownBuffer(nat, self.accBeta2), 1);
    const [b1, b2] = [f(self.beta1), f(self.beta2)];
    const constants = [self.learningRate, b1, f(1 - self.beta1), b2, f(1 - self.beta2), f(self.epsilon), f(1 - acc1[0]!), f(1 - acc2[0]!)];
    if (!run(nat, Kind.Adam, updates, constants, checkFirst)) return false;
    // Views made afresh: the updates did not allocate, but a view must never outlive a heap growth.
    nat.f32(nat.ptr(self.accBeta1), 1)[0] = f(acc1[0]! * b1);
    nat.f32(nat.ptr(self.accBeta2), 1)[0] = f(acc2[0]! * b2);
    nat.written(self.accBeta1);
    nat.written(self.accBeta2);
    this.incrementIterations();
    return true;
  }
}

/** The trainer's optimizer on wasm: as `buildOptimizer` (engine/train/config.ts) would make it, fused. */
export function buildWasmOptimizer(config: OptimizerConfig): tf.Optimizer {
  if (config.optimizer === 'adam')
    return new WasmAdamOptimizer(config.learningRate, config.adamBeta1, config.adamBeta2, config.adamEpsilon);
  if (config.momentum > 0) return new WasmMomentumOptimizer(config.learningRate, config.momentum, config.nesterov);
  return new WasmSgdOptimizer(config.learningRate);
}
