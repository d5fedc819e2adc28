/**
 * The checker's task rules: the graph's output against what `training.task` trains it on. A
 * segmentation output is [H, W, classes] at the mask's size, a reconstruction output has the
 * input's shape; each mismatch comes with the one-click fix that mends it where one exists (an
 * upsample, a 1×1 conv with the right filters, a sigmoid). The dataset's facts are known for the
 * embedded sets (./datasets.ts); for a folder, the input's size stands in for the mask's and the
 * class count is checked when the dataset is loaded (./fit.ts). Pure: the editor runs it per edit.
 */
import { diagnostic, type Diagnostic, type Fix } from '../check/diagnostics';
import type { NodeReport } from '../check/types';
import type { GraphDoc, NodeId, Shape } from '../graph/types';
import { formatShape } from '../layers/spec';
import { knownDatasetFacts } from './datasets';
import { isTaskId } from './ids';
import { TASKS } from './registry';

interface Checked {
  readonly nodes: Readonly<Record<NodeId, NodeReport>>;
  readonly inputId: NodeId | null;
  readonly outputIds: readonly NodeId[];
}

/** A fix that puts a layer right before the output's final activation, or after the output when it has none. */
function insertAtEnd(output: NodeReport, activation: string, label: string, type: string, params: Record<string, unknown>): Fix {
  return output.type === activation
    ? { label: `${label} before ${output.id}`, action: { kind: 'insertBefore', nodeId: output.id, port: 0, type, params } }
    : { label: `${label} after ${output.id}`, action: { kind: 'appendAfter', nodeId: output.id, type, params } };
}

/** "Insert a ×2 upsample" where the output is the wanted size divided by a whole factor, the same in both directions. */
function upsampleFix(output: NodeReport, activation: string, have: Shape, want: readonly number[]): Fix | undefined {
  const k = want[0]! / have[0]!;
  if (!Number.isInteger(k) || k < 2 || want[1]! / have[1]! !== k) return undefined;
  return insertAtEnd(output, activation, `Insert a ×${k} upsample`, 'upsample2d', { size: k, interpolation: 'bilinear' });
}

/** "Set score's filters to 11" when the scores come from a conv, else "Insert a 1×1 conv with 11 filters". */
function channelsFix(checked: Checked, output: NodeReport, activation: string, channels: number): Fix {
  const scores = output.type === activation ? checked.nodes[output.inputs[0]!] : output;
  if (scores?.type === 'conv2d') {
    return {
      label: `Set ${scores.id}'s filters to ${channels}`,
      action: { kind: 'setParam', nodeId: scores.id, param: 'filters', value: channels },
    };
  }
  return insertAtEnd(output, activation, `Insert a 1×1 conv with ${channels} filters`, 'conv2d', { filters: channels, kernelSize: 1 });
}

export function checkTask(doc: GraphDoc, checked: Checked): Diagnostic[] {
  const task = doc.training?.['task'];
  if (!isTaskId(task) || task === 'classification') return [];
  const spec = TASKS[task];
  const output = checked.nodes[checked.outputIds[0] ?? ''];
  const input = checked.nodes[checked.inputId ?? ''];
  if (!output?.outputShape || !input?.outputShape) return [];
  const have = output.outputShape;
  const activation = spec.training.scoresBefore;
  const facts = knownDatasetFacts(doc.dataset?.['source']);
  const problem = (message: string, fix?: Fix) => diagnostic('task-output', output.id, message, fix ? { fix } : undefined);

  if (task === 'segmentation') {
    if (facts && !facts.masks) {
      return [
        diagnostic(
          'task-output',
          output.id,
          `${doc.dataset?.['source']} has no masks: segmentation needs a class for every pixel (embedded:mnist-segmentation, or a folder with images/ and masks/)`,
        ),
      ];
    }
    const size = facts?.masks?.shape ?? (input.outputShape.length === 3 ? input.outputShape.slice(0, 2) : null);
    const classes = facts?.numClasses;
    if (have.length !== 3 || !size) {
      return [
        problem(
          `segmentation needs ${output.id} to give ${spec.output} ([H, W, classes]), but it gives ${formatShape(have)}: keep the graph fully convolutional (no flatten or dense layer) and end it in a 1×1 conv${classes ? ` with ${classes} filters` : ''} and a softmax`,
        ),
      ];
    }
    const out: Diagnostic[] = [];
    if (have[0] !== size[0] || have[1] !== size[1]) {
      out.push(
        problem(
          `segmentation scores every pixel of the ${formatShape(size)} mask, but ${output.id} gives ${formatShape(have.slice(0, 2))} positions; upsample back to the mask's size`,
          upsampleFix(output, activation, have, size),
        ),
      );
    }
    if (classes !== undefined && have[2] !== classes) {
      out.push(
        problem(
          `${doc.dataset?.['source']} has ${classes} classes per pixel (background and ten digits), but ${output.id} gives ${have[2]} scores per pixel`,
          channelsFix(checked, output, activation, classes),
        ),
      );
    }
    return out;
  }

  // Reconstruction: the output is compared with the input itself.
  const want = input.outputShape;
  const out: Diagnostic[] = [];
  if (have.length !== want.length || have.some((d, i) => d !== want[i])) {
    let fix: Fix | undefined;
    if (have.length === 3 && want.length === 3) {
      fix =
        have[0] === want[0] && have[1] === want[1]
          ? channelsFix(checked, output, activation, want[2]!)
          : have[2] === want[2]
            ? upsampleFix(output, activation, have, want)
            : undefined;
    }
    out.push(
      problem(
        `reconstruction compares ${output.id} with the input, so it must be ${formatShape(want)} like the input, but it is ${formatShape(have)}`,
        fix,
      ),
    );
  }
  if (output.type !== 'sigmoid') {
    out.push(
      diagnostic(
        'task-activation',
        output.id,
        `reconstruction targets pixels in [0, 1]: end the graph in a sigmoid so ${output.id}'s values can match them (the loss reads its scores as logits until then)`,
        {
          fix: {
            label: `Add a sigmoid after ${output.id}`,
            action: { kind: 'appendAfter', nodeId: output.id, type: 'sigmoid', params: {} },
          },
        },
      ),
    );
  }
  return out;
}
