/** Small graphs that train in a second on a slice of the embedded MNIST. */
import type { GraphDoc } from '../../../engine/graph/types';
import type { TrainerEvent } from '../../../engine/train/protocol';

export function tinyMlp(training: Record<string, unknown> = {}, hidden = 32): GraphDoc {
  const nodes = [
    { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
    { id: 'flat', type: 'flatten', params: {} },
    { id: 'h1', type: 'dense', params: { units: hidden } },
    { id: 'r1', type: 'relu', params: {} },
    { id: 'out', type: 'dense', params: { units: 10 } },
    { id: 'prob', type: 'softmax', params: {} },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id }));
  return { format: 'netcanvas.graph', version: 1, name: 'tiny MLP', nodes, edges, training: { epochs: 2, batchSize: 32, ...training } };
}

/** A small CNN with every trainable kind and dropout, so seeding covers masks too. */
export function tinyCnn(training: Record<string, unknown> = {}): GraphDoc {
  const nodes = [
    { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
    { id: 'c1', type: 'conv2d', params: { filters: 4, kernelSize: 5, strides: 2 } },
    { id: 'bn', type: 'batchNorm', params: { momentum: 0.9 } }, // short runs: running stats must catch up
    { id: 'r1', type: 'relu', params: {} },
    { id: 'p1', type: 'maxPool2d', params: { poolSize: 2 } },
    { id: 'flat', type: 'flatten', params: {} },
    { id: 'drop', type: 'dropout', params: { rate: 0.25 } },
    { id: 'out', type: 'dense', params: { units: 10 } },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id }));
  return { format: 'netcanvas.graph', version: 1, name: 'tiny CNN', nodes, edges, training: { epochs: 2, batchSize: 32, ...training } };
}

/** A chain of `nodes` (each feeding the next) that trains for segmentation. */
function segmentationChain(
  name: string,
  nodes: { id: string; type: string; params: Record<string, unknown> }[],
  training: Record<string, unknown>,
): GraphDoc {
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id }));
  return { format: 'netcanvas.graph', version: 1, name, nodes, edges, training: { task: 'segmentation', batchSize: 16, ...training } };
}

/** A minimal fully convolutional net for the generated 64×64 segmentation set: 11 scores per pixel. */
export function tinyFcn(training: Record<string, unknown> = {}): GraphDoc {
  return segmentationChain(
    'tiny FCN',
    [
      { id: 'in', type: 'input', params: { shape: [64, 64, 1] } },
      { id: 'c1', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same' } },
      { id: 'r1', type: 'relu', params: {} },
      { id: 'score', type: 'conv2d', params: { filters: 11, kernelSize: 1 } },
      { id: 'prob', type: 'softmax', params: {} },
    ],
    training,
  );
}

/** DeepLab-lite's shape in miniature: pool to 16×16, convs at rates 2 and 4, scores, one ×4 upsample. */
export function tinyDeeplab(training: Record<string, unknown> = {}): GraphDoc {
  return segmentationChain(
    'tiny DeepLab',
    [
      { id: 'in', type: 'input', params: { shape: [64, 64, 1] } },
      { id: 'p1', type: 'maxPool2d', params: {} },
      { id: 'p2', type: 'maxPool2d', params: {} },
      { id: 'a2', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same', dilation: 2 } },
      { id: 'r2', type: 'relu', params: {} },
      { id: 'a4', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same', dilation: 4 } },
      { id: 'r4', type: 'relu', params: {} },
      { id: 'score', type: 'conv2d', params: { filters: 11, kernelSize: 1 } },
      { id: 'up', type: 'upsample2d', params: { size: 4, interpolation: 'bilinear' } },
      { id: 'prob', type: 'softmax', params: {} },
    ],
    training,
  );
}

/** The autoencoder template's shape in miniature (conv encoder, 2-unit code, dense + reshape + upsample decoder): seconds on the cpu backend. */
export function tinyAutoencoder(training: Record<string, unknown> = {}): GraphDoc {
  const nodes = [
    { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
    { id: 'c1', type: 'conv2d', params: { filters: 2, kernelSize: 3, strides: 4, padding: 'same' } },
    { id: 'flat', type: 'flatten', params: {} },
    { id: 'code', type: 'dense', params: { units: 2 } },
    { id: 'd2', type: 'dense', params: { units: 49 } },
    { id: 'unflat', type: 'reshape', params: { shape: [7, 7, 1] } },
    { id: 'up', type: 'upsample2d', params: { size: 4 } },
    { id: 'c5', type: 'conv2d', params: { filters: 1, kernelSize: 3, padding: 'same' } },
    { id: 'sig', type: 'sigmoid', params: {} },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id }));
  return {
    format: 'netcanvas.graph',
    version: 1,
    name: 'tiny AE',
    nodes,
    edges,
    training: { task: 'reconstruction', batchSize: 32, ...training },
  };
}

export function collect() {
  const events: TrainerEvent[] = [];
  const of = <T extends TrainerEvent['type']>(type: T) => events.filter((e): e is Extract<TrainerEvent, { type: T }> => e.type === type);
  return { events, onEvent: (e: TrainerEvent) => events.push(e), of };
}

/** A clock that moves 1 s per reading, so every batch event passes the coalescer. */
export function steppingClock(stepMs = 1000): () => number {
  let t = 0;
  return () => (t += stepMs);
}
