/**
 * What the checker knows of the graph's dataset, so that an input or output that cannot fit it is
 * reported with a fix before anyone presses Train. Pure (no Node): the embedded datasets are known
 * here; for a path the host reads the dataset's header and hands the checker a DatasetInfo.
 * `task` is 'classification' today; segmentation and reconstruction extend it with their own
 * target rules (an output shaped like the input, a mask per pixel) in `datasetProblems`.
 */
import { formatShape } from '../layers/spec';
import type { GraphDoc, NodeId, Shape } from '../graph/types';
import { diagnostic, type Diagnostic, type Fix } from './diagnostics';
import type { NodeReport } from './types';

export interface DatasetInfo {
  /** As the graph names it: `embedded:mnist`, a folder or file path. */
  readonly source: string;
  /** For people: "MNIST (embedded subset)". */
  readonly name: string;
  /** One sample without the batch axis, channels-last: [H, W, C] or [features]. */
  readonly shape: Shape;
  readonly classes: number;
  readonly classNames?: readonly string[];
  readonly task: 'classification';
}

/** The dataset a graph trains on when it names none (the app's Train button and `netcanvas train`). */
export const DEFAULT_DATASET = 'embedded:mnist';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The datasets shipped with the app, known without reading them. */
export const EMBEDDED_DATASETS: Readonly<Record<string, DatasetInfo>> = {
  'embedded:mnist': {
    source: 'embedded:mnist',
    name: 'MNIST (embedded subset)',
    shape: [28, 28, 1],
    classes: 10,
    classNames: DIGITS,
    task: 'classification',
  },
};

/** The source a graph trains on: its `dataset.source`, else the default. */
export function datasetSourceOf(doc: GraphDoc): string {
  const source = (doc.dataset as { source?: unknown } | undefined)?.source;
  return typeof source === 'string' && source.trim() ? source.trim() : DEFAULT_DATASET;
}

const nameOf = (doc: GraphDoc, id: NodeId) => doc.nodes.find((n) => n.id === id)?.label ?? id;
const describe = (shape: Shape) => (shape.length === 1 ? `${shape[0]} features` : formatShape(shape));

/**
 * Input and output against the dataset: the input must be the samples' shape, the output one score
 * per class. Each problem comes with the fix a student would make.
 */
export function datasetProblems(
  doc: GraphDoc,
  info: DatasetInfo,
  nodes: Readonly<Record<NodeId, NodeReport>>,
  inputId: NodeId | null,
  outputId: NodeId | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const input = inputId ? nodes[inputId] : undefined;
  const inputShape = input?.outputShape;
  if (inputId && inputShape && formatShape(inputShape) !== formatShape(info.shape)) {
    const same = inputShape.reduce((a, b) => a * b, 1) === info.shape.reduce((a, b) => a * b, 1);
    out.push(
      diagnostic(
        'input-dataset-mismatch',
        inputId,
        `the input is ${describe(inputShape)} but ${info.source}'s samples are ${describe(info.shape)}${same ? ' (the same values, arranged differently)' : ''}`,
        {
          param: 'shape',
          fix: {
            label: `Set the input to ${formatShape(info.shape)}`,
            action: { kind: 'setParam', nodeId: inputId, param: 'shape', value: [...info.shape] },
          },
        },
      ),
    );
  }
  // Segmentation and reconstruction outputs are checked by the task's own rules (engine/task/check.ts).
  const task = (doc.training as { task?: unknown } | undefined)?.task;
  if (task !== undefined && task !== 'classification') return out;
  const output = outputId ? nodes[outputId] : undefined;
  const shape = output?.outputShape;
  if (!outputId || !output || !shape || outputId === inputId) return out;
  const what = `${info.source} has ${info.classes} classes`;
  if (shape.length !== 1) {
    // Keep a fully convolutional graph fully convolutional: per-class scores from a 1×1 conv, averaged over the image.
    const beforeSoftmax = output.type === 'softmax';
    const perClass: Fix = {
      label: `Add a 1×1 conv with ${info.classes} filters and a global average pool${beforeSoftmax ? ' before the softmax' : ''}`,
      action: {
        kind: 'insertChain',
        nodeId: outputId,
        where: beforeSoftmax ? 'before' : 'after',
        layers: [{ type: 'conv2d', params: { filters: info.classes, kernelSize: 1 } }, { type: 'globalAvgPool2d' }],
      },
    };
    const dense: Fix = {
      label: `Add a flatten and a dense layer with ${info.classes} units${beforeSoftmax ? ' before the softmax' : ''}`,
      action: {
        kind: 'insertChain',
        nodeId: outputId,
        where: beforeSoftmax ? 'before' : 'after',
        layers: [{ type: 'flatten' }, { type: 'dense', params: { units: info.classes } }],
      },
    };
    out.push(
      diagnostic(
        'output-not-classes',
        outputId,
        `the output ${nameOf(doc, outputId)} is ${formatShape(shape)} per sample, but ${what} (classification): it needs one score per class, ${info.classes} numbers`,
        { fix: perClass, moreFixes: [dense] },
      ),
    );
    return out;
  }
  if (shape[0] === info.classes) return out;
  // The layer whose units set the output's size: the output itself, or the dense before a softmax.
  const sizer = output.type === 'dense' ? output : output.type === 'softmax' && output.inputs[0] ? nodes[output.inputs[0]] : undefined;
  const fix: Fix =
    sizer?.type === 'dense'
      ? {
          label: `Set ${nameOf(doc, sizer.id)}'s units to ${info.classes}`,
          action: { kind: 'setParam', nodeId: sizer.id, param: 'units', value: info.classes },
        }
      : {
          label: `Add a dense layer with ${info.classes} units`,
          action: { kind: 'insertChain', nodeId: outputId, where: 'after', layers: [{ type: 'dense', params: { units: info.classes } }] },
        };
  out.push(
    diagnostic(
      'classes-mismatch',
      outputId,
      `the output ${nameOf(doc, outputId)} has ${shape[0]} units but ${what}: it needs one per class`,
      {
        fix,
      },
    ),
  );
  return out;
}
