/**
 * What a host asks the feature-map process (the trainer's entry, engine/train/entry.ts, kept warm by
 * the host between requests: a click must not wait for a process to start) and what it answers:
 * plain data, numbers never tensors, as the trainer's own protocol.
 */
import type { GraphDoc, NodeId } from '../graph/types';

/** Which sample goes through the net: a test sample of the graph's dataset, or an image the user chose (0–255, the input's H×W×C). */
export type SampleChoice =
  | { readonly kind: 'test'; readonly index: number }
  | { readonly kind: 'pixels'; readonly pixels: readonly number[]; readonly shape: readonly number[]; readonly name: string };

export interface FeatureMapsJob {
  readonly kind: 'featureMaps';
  readonly graph: GraphDoc;
  /** The run's checkpoint; null: the graph's seeded initial weights. */
  readonly checkpointPath: string | null;
  /** What the run that saved the checkpoint is called, for the messages. */
  readonly runName?: string;
  /** The dataset to take test samples from, and how it was normalised for training (default 'unit'). */
  readonly dataset: { readonly source: string; readonly normalization?: 'unit' | 'standard' };
  readonly sample: SampleChoice;
  /** The nodes to compute, in the order they are shown. */
  readonly nodeIds: readonly NodeId[];
}

/** Host → inspection process. */
export interface MapsRequest {
  readonly type: 'featureMaps';
  readonly requestId: string;
  readonly job: FeatureMapsJob;
}

/** One node's output for the sample: values row-major in `shape` (channels last), or why it is not drawn. */
export type NodeMap =
  | {
      readonly nodeId: NodeId;
      readonly type: string;
      readonly shape: readonly number[];
      readonly values: number[];
      /** The range over all its channels: the one colour scale they are drawn on. */
      readonly min: number;
      readonly max: number;
    }
  | { readonly nodeId: NodeId; readonly type: string; readonly shape: readonly number[]; readonly tooLarge: string };

export interface FeatureMapsResult {
  readonly maps: NodeMap[];
  /** The sample as it was fed (0–255 bytes for drawing), with its class where it has one. */
  readonly sample: {
    readonly pixels: number[];
    readonly shape: readonly number[];
    /** `Test sample 12 of 2,000` or the file's name. */
    readonly name: string;
    readonly index: number | null;
    readonly label: number | null;
    readonly className: string | null;
    /** How many test samples the dataset has (the picker's range). */
    readonly testCount: number;
  };
  readonly classNames: readonly string[];
  /** Null: the weights asked for were used. Else why initial weights were used instead (the checkpoint no longer fits the graph). */
  readonly weightsProblem: string | null;
  readonly backend: string;
  /** Time in the inspection process: weights, sample and the forward pass. */
  readonly milliseconds: number;
}

/** Inspection process → host. */
export type MapsReply =
  | { readonly type: 'featureMapsAnswer'; readonly requestId: string; readonly ok: true; readonly result: FeatureMapsResult }
  | { readonly type: 'featureMapsAnswer'; readonly requestId: string; readonly ok: false; readonly message: string };

export function isMapsRequest(value: unknown): value is MapsRequest {
  const v = value as Partial<MapsRequest> | null;
  return typeof v === 'object' && v !== null && v.type === 'featureMaps' && typeof v.requestId === 'string' && typeof v.job === 'object';
}

/** The most nodes one feature-map request may ask for. */
export const MAX_INSPECTED_NODES = 16;
/** The most values one node's map may carry back (a 1024×1024 map, or 64 channels of 128×128). */
export const MAX_MAP_VALUES = 1 << 20;
/** The most values one answer may carry back, all nodes together. */
export const MAX_ANSWER_VALUES = 1 << 22;
