/**
 * The one registry of layer kinds. Adding a layer means adding a module and a line here;
 * the checker, palette, inspector, compiler and exporters all read from this table.
 */
import { add } from './add';
import { avgPool2d } from './avgPool2d';
import { batchNorm } from './batchNorm';
import { concat } from './concat';
import { conv2d } from './conv2d';
import { dense } from './dense';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { globalAvgPool2d } from './globalAvgPool2d';
import { input } from './input';
import { leakyRelu } from './leakyRelu';
import { maxPool2d } from './maxPool2d';
import { relu } from './relu';
import { sigmoid } from './sigmoid';
import { softmax } from './softmax';
import { tanh } from './tanh';
import { upsample2d } from './upsample2d';
import type { LayerSpec } from './spec';

export const LAYERS = {
  input,
  conv2d,
  maxPool2d,
  avgPool2d,
  globalAvgPool2d,
  upsample2d,
  relu,
  leakyRelu,
  sigmoid,
  tanh,
  dropout,
  batchNorm,
  add,
  concat,
  flatten,
  dense,
  softmax,
} as const satisfies Record<string, LayerSpec>;

export type LayerType = keyof typeof LAYERS;
export const LAYER_TYPES = Object.keys(LAYERS) as LayerType[];

export function isLayerType(type: string): type is LayerType {
  return Object.prototype.hasOwnProperty.call(LAYERS, type);
}

/** The spec for a type, or undefined for an unknown one (the checker reports it). */
export function getLayer(type: string): LayerSpec | undefined {
  return isLayerType(type) ? LAYERS[type] : undefined;
}
