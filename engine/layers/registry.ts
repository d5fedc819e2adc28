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
import { reshape } from './reshape';
import { sigmoid } from './sigmoid';
import { softmax } from './softmax';
import { tanh } from './tanh';
import { upsample2d } from './upsample2d';
import type { AnyLayerSpec, LayerSpec, WeightRole } from './spec';

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
  reshape,
  dense,
  softmax,
} as const satisfies Record<string, AnyLayerSpec>;

export type LayerType = keyof typeof LAYERS;
/** The weight roles a layer type can carry (`never` for layers without weights). */
export type WeightRoleOf<T extends LayerType> = (typeof LAYERS)[T] extends LayerSpec<infer R> ? R : never;
/** The layer types that can carry weights. */
export type WeightedLayerType = { [T in LayerType]: [WeightRoleOf<T>] extends [never] ? never : T }[LayerType];
/**
 * A table with, for every layer type that can carry weights, an entry for each of its roles: what
 * each exporter's weight mapping is typed as, so a new weighted layer is a compile error there until mapped.
 */
export type PerWeightRole<V> = { readonly [T in WeightedLayerType]: Readonly<Record<WeightRoleOf<T>, V>> };

/** A role's entry in such a table (undefined for a type or role it does not have). */
export function weightEntry<V>(table: PerWeightRole<V>, type: LayerType, role: string): V | undefined {
  const roles = (table as Partial<Record<LayerType, Readonly<Record<string, V>>>>)[type];
  return roles && Object.prototype.hasOwnProperty.call(roles, role) ? roles[role] : undefined;
}
export const LAYER_TYPES = Object.keys(LAYERS) as LayerType[];

export function isLayerType(type: string): type is LayerType {
  return Object.prototype.hasOwnProperty.call(LAYERS, type);
}

/** The spec for a type, or undefined for an unknown one (the checker reports it). */
export function getLayer(type: string): AnyLayerSpec | undefined {
  return isLayerType(type) ? LAYERS[type] : undefined;
}
