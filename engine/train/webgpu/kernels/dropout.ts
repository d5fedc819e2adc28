/**
 * Training-mode dropout for WebGPU with the mask drawn on the GPU: the hash of (element, the
 * layer's seed, a step counter) that the portable layer computes on the host
 * (engine/compile/dropoutMask.ts), so the masks are the same on both. The portable layer uploads
 * its mask, which makes every step carry host data, and a step that depends on host data cannot be
 * recorded and replayed (../replay/replay-step). Here the counter lives in a GPU variable advanced in
 * place, so each replayed step draws its own mask. (It is a float32: past 2²⁴ ≈ 16.7 M steps of
 * one layer it stops advancing and the mask repeats; the host's count goes on.)
 *
 * @example
 *   compileGraph(doc, tf, { dropoutTraining }); // what the trainer's WebGPU acceleration passes
 */
import * as tf from '@tensorflow/tfjs';
import type { DropoutState } from '../../../compile/customLayers';
import { runInPlace, type InPlaceKernel } from '../fused/inplace';
import { FlatProgram, f32, i32, runToTensor } from '../device/program';

const ADVANCE: InPlaceKernel = {
  key: 'ncDropoutAdvance',
  writable: ['counter'],
  readable: [],
  uniforms: [],
  body: 'counter[i] = counter[i] + 1.0;',
};

/** 0 or 1/(1 − rate) per element, from a PCG hash of (element, seed, counter). */
export class DropoutMaskProgram extends FlatProgram {
  variableNames = ['counter'];
  shaderKey = 'ncDropoutMask';
  uniforms = 'seed : i32, keep : f32, scale : f32,';
  constructor(shape: number[]) {
    super(shape, 256);
  }
  getUserCode(): string {
    return `
      fn pcg(v : u32) -> u32 {
        let state = v * 747796405u + 2891336453u;
        let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
        return (word >> 22u) ^ word;
      }
      fn main(index : i32) {
        if (index < uniforms.size) {
          let stream = pcg(bitcast<u32>(uniforms.seed) + pcg(u32(counter[0])));
          let u = f32(pcg(u32(index) + stream) >> 8u) / 16777216.0;
          setOutputAtIndex(index, select(0.0, uniforms.scale, u < uniforms.keep));
        }
      }
    `;
  }
}

export function dropoutTraining(x: tf.Tensor, rate: number, state: DropoutState): tf.Tensor {
  // Made outside any tidy: it lives as long as the layer, which disposes it.
  state.counter ??= tf.variable(tf.scalar(0, 'float32'), false);
  const counter = state.counter;
  const keep = 1 - rate;
  return tf.tidy(() => {
    const mask = runToTensor(new DropoutMaskProgram(x.shape), [counter], [i32(state.seed | 0), f32(keep), f32(1 / keep)]);
    if (!runInPlace(ADVANCE, [counter], [], [])) counter.assign(counter.add(1));
    return x.mul(mask);
  });
}
