/**
 * The graphs every exporter is proven on: all templates plus generated graphs that between them use
 * every layer type, padding valid/same/int (odd sizes, so "same" with stride 2 is asymmetric),
 * strides, dilation, residual adds, concat (of images and of flattened vectors), a reshape, nearest and
 * bilinear upsampling, and batch norm in both ranks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGraph } from '../../../engine/graph/load';
import type { GraphDoc } from '../../../engine/graph/types';

/** `extra`: node fields beside the params (`trainable`). */
type NodeSpec = [id: string, type: string, params: Record<string, unknown>, inputs: string[], extra?: Record<string, unknown>];

function graph(name: string, nodes: NodeSpec[]): GraphDoc {
  return {
    format: 'netcanvas.graph',
    version: 1,
    name,
    nodes: nodes.map(([id, type, params, , extra]) => ({ id, type, params, label: id === 'in' ? 'Input' : undefined, ...extra })),
    edges: nodes.flatMap(([id, , , inputs]) => inputs.map((source, port) => ({ source, target: id, targetPort: port }))),
  };
}

export const GENERATED: GraphDoc[] = [
  graph('Same padding, odd sizes', [
    ['in', 'input', { shape: [10, 11, 3] }, []],
    ['conv_s2', 'conv2d', { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }, ['in']],
    ['bn', 'batchNorm', { momentum: 0.9, epsilon: 0.01 }, ['conv_s2']],
    ['leaky', 'leakyRelu', { alpha: 0.1 }, ['bn']],
    ['max_same', 'maxPool2d', { poolSize: 3, strides: 2, padding: 'same' }, ['leaky']],
    ['avg_same_sym', 'avgPool2d', { poolSize: 3, strides: 1, padding: 'same' }, ['max_same']],
    ['avg_same_asym', 'avgPool2d', { poolSize: 2, strides: 2, padding: 'same' }, ['avg_same_sym']],
    ['flat', 'flatten', {}, ['avg_same_asym']],
    ['fc1', 'dense', { units: 7 }, ['flat']],
    ['th', 'tanh', {}, ['fc1']],
    ['fc2', 'dense', { units: 5, useBias: false }, ['th']],
    ['sm', 'softmax', {}, ['fc2']],
  ]),
  graph('Int padding and dilation', [
    ['in', 'input', { shape: [10, 12, 2] }, []],
    ['conv_pad', 'conv2d', { filters: 3, kernelSize: [3, 5], padding: 2, strides: [1, 2] }, ['in']],
    ['max_pad', 'maxPool2d', { poolSize: 3, strides: 2, padding: 1 }, ['conv_pad']],
    ['avg_pad', 'avgPool2d', { poolSize: 3, strides: 1, padding: 1 }, ['max_pad']],
    ['sig', 'sigmoid', {}, ['avg_pad']],
    ['dil_same', 'conv2d', { filters: 4, kernelSize: 3, dilation: 2, padding: 'same', useBias: false }, ['sig']],
    ['relu', 'relu', {}, ['dil_same']],
    ['dil_valid', 'conv2d', { filters: 5, kernelSize: 2, dilation: [2, 1] }, ['relu']],
    ['conv_same_s2', 'conv2d', { filters: 3, kernelSize: 2, strides: 2, padding: 'same' }, ['dil_valid']],
    ['gap', 'globalAvgPool2d', {}, ['conv_same_s2']],
    ['drop', 'dropout', { rate: 0.4 }, ['gap']],
    ['out', 'dense', { units: 3 }, ['drop']],
  ]),
  graph('Residual, concat, upsampling', [
    ['in', 'input', { shape: [5, 7, 3] }, []],
    ['a', 'conv2d', { filters: 4, kernelSize: 3, padding: 'same' }, ['in']],
    ['a_relu', 'relu', {}, ['a']],
    ['b', 'conv2d', { filters: 4, kernelSize: [4, 2], padding: 'same' }, ['a_relu']],
    ['b_bn', 'batchNorm', {}, ['b']],
    ['res', 'add', {}, ['a_relu', 'b_bn']],
    ['up_near', 'upsample2d', { size: [2, 3], interpolation: 'nearest' }, ['res']],
    ['up_bil', 'upsample2d', { size: [2, 3], interpolation: 'bilinear' }, ['a_relu']],
    ['join', 'concat', {}, ['up_bil', 'up_near']],
    ['mix', 'conv2d', { filters: 3, kernelSize: 1 }, ['join']],
    ['up3', 'upsample2d', { size: 3, interpolation: 'bilinear' }, ['mix']],
    ['pix', 'softmax', {}, ['up3']],
  ]),
  graph('Vectors', [
    ['in', 'input', { shape: [6] }, []],
    ['d1', 'dense', { units: 8 }, ['in']],
    ['bn1', 'batchNorm', { epsilon: 0.001 }, ['d1']],
    ['r1', 'relu', {}, ['bn1']],
    ['d2', 'dense', { units: 8 }, ['r1']],
    ['skip', 'add', {}, ['d2', 'd1']],
    ['both', 'concat', {}, ['skip', 'in']],
    ['dr', 'dropout', { rate: 0.5 }, ['both']],
    ['head', 'dense', { units: 4 }, ['dr']],
    ['sm', 'softmax', {}, ['head']],
  ]),
  graph('Flatten into concat', [
    ['in', 'input', { shape: [6, 5, 2] }, []],
    ['c', 'conv2d', { filters: 3, kernelSize: 3 }, ['in']],
    ['f1', 'flatten', {}, ['c']],
    ['p', 'maxPool2d', { poolSize: 2 }, ['in']],
    ['f2', 'flatten', {}, ['p']],
    ['cat', 'concat', {}, ['f1', 'f2']],
    ['lr', 'leakyRelu', {}, ['cat']],
    ['fc', 'dense', { units: 6 }, ['lr']],
  ]),
  // Hand-set filters (frozen by default; one made trainable, so it starts as the preset and learns) and
  // frozen learned layers, batch norm included: exports keep the presets' values and mark what is frozen.
  graph('Frozen and hand-set filters', [
    ['in', 'input', { shape: [9, 8, 2] }, []],
    ['blur', 'conv2d', { filters: 2, kernelSize: 5, kernel: 'gaussian', sigma: 1.5, padding: 'same' }, ['in']],
    ['edge', 'conv2d', { filters: 2, kernelSize: 3, kernel: 'sobelX', useBias: false }, ['blur'], { trainable: true }],
    [
      'own',
      'conv2d',
      {
        filters: 2,
        kernelSize: 2,
        kernel: [
          [1, -1],
          [0.5, 0.25],
        ],
        strides: 2,
      },
      ['edge'],
    ],
    ['fixed_conv', 'conv2d', { filters: 3, kernelSize: 2 }, ['own'], { trainable: false }],
    ['fixed_bn', 'batchNorm', {}, ['fixed_conv'], { trainable: false }],
    ['r', 'relu', {}, ['fixed_bn']],
    ['f', 'flatten', {}, ['r']],
    ['hidden', 'dense', { units: 5 }, ['f'], { trainable: false }],
    ['logits', 'dense', { units: 3 }, ['hidden']],
    ['sm', 'softmax', {}, ['logits']],
  ]),
  // A dense layer's vector back into an image (channels last), convolved, flattened again: the reshape's value order.
  graph('Dense back to an image', [
    ['in', 'input', { shape: [5] }, []],
    ['to_img', 'dense', { units: 24 }, ['in']],
    ['img', 'reshape', { shape: [2, 3, 4] }, ['to_img']],
    ['img_conv', 'conv2d', { filters: 3, kernelSize: 2, padding: 'same' }, ['img']],
    ['img_flat', 'flatten', {}, ['img_conv']],
    ['img_out', 'dense', { units: 3 }, ['img_flat']],
  ]),
];

export function templates(): GraphDoc[] {
  const dir = join(import.meta.dirname, '../../../templates');
  return (
    readdirSync(dir)
      // Training a template leaves its checkpoint (NAME.weights.json, git-ignored) beside it.
      .filter((f) => f.endsWith('.json') && !f.endsWith('.weights.json'))
      .sort()
      .map((f) => {
        const r = parseGraph(readFileSync(join(dir, f), 'utf8'));
        if (!r.ok) throw new Error(`${f}: ${r.error}`);
        return r.doc;
      })
  );
}

export const ALL_CASES = (): GraphDoc[] => [...templates(), ...GENERATED];
