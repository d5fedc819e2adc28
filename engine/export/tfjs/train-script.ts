/**
 * Writes `train.ts`: a Node script that builds the model from model.ts, optionally loads weights,
 * reads an IDX folder (raw or .gz) or a CSV file, and trains with the graph's optimizer, schedule
 * and per-layer L2, printing one JSON event per line (started / epoch / done / error).
 */
import { SCHEDULES } from '../../graph/schedules';
import { OPTIMIZERS, type Optimizer } from '../../graph/training';
import { scriptConfig } from '../../graph/training-options';
import type { ExportPlan } from '../plan';
import { exportTraining } from '../training-config';
import type { ExportOptions } from '../types';
import { exportTask } from '../task-script';
import { TFJS_TASK_CODE } from './task-code';
import { TS_MASK_FOLDER } from './mask-folder-ts';
import { TS_CPU_FIX } from './cpu-fix-ts';

/** Each optimizer in TensorFlow.js, as the app's trainer builds it (engine/train/config.ts). */
const TFJS_OPTIMIZERS: Record<Optimizer, string> = {
  adam: 'tf.train.adam(CONFIG.learningRate, CONFIG.adamBeta1, CONFIG.adamBeta2, CONFIG.adamEpsilon)',
  sgd: 'tf.train.momentum(CONFIG.learningRate, CONFIG.momentum, CONFIG.nesterov)',
};

/** A switch over every case, returning each one's expression (exhaustive over the union `on` is typed as). */
const tsSwitch = (on: string, cases: Readonly<Record<string, string>>) =>
  [`  switch (${on}) {`, ...Object.entries(cases).map(([key, expr]) => `    case '${key}':\n      return ${expr};`), '  }'].join('\n');

const q = (s: string) => `'${s}'`;

/** The TypeScript type of a setting in the emitted CONFIG. */
function settingType(name: string, value: unknown): string {
  if (name === 'optimizer') return OPTIMIZERS.map(q).join(' | ');
  if (name === 'schedule') {
    const types = Object.entries(SCHEDULES).map(
      ([type, spec]) => `{ type: '${type}'${spec.fields.map(([f]) => `; ${f}: number`).join('')} }`,
    );
    return types.join(' | ');
  }
  return typeof value;
}

export function emitTfjsTrainScript(plan: ExportPlan, opts: ExportOptions): string {
  const { config, decay, dataset } = exportTraining(plan);
  const settings = scriptConfig(config, 'tfjs');
  const task = exportTask(plan);
  const TASK_CODE = TFJS_TASK_CODE[task.id](task);
  const nearestUpsample = plan.doc.nodes.some((n) => n.type === 'upsample2d' && n.params?.['interpolation'] !== 'bilinear');
  const defaultData =
    dataset?.startsWith('embedded:') && opts.datasetsDir ? `${opts.datasetsDir}/${dataset.slice('embedded:'.length)}` : dataset;
  return `/**
 * Trains the exported ${plan.doc.name} with TensorFlow.js under Node.
 *
 *   npx tsx train.ts [--data DIR_OR_CSV] [--epochs N] [--batch-size N] [--weights weights.json] [--save out.json] [--limit N] [--test-limit N]
 *
 * Data: a folder of MNIST-style IDX files (train-images-idx3-ubyte[.gz] …) or a CSV file (a "label"
 * column, else the last column, is the class). Pixels are scaled to [0, 1]. A segmentation set has
 * per-pixel class ids beside its images (train-masks-idx3-ubyte[.gz]), or is a folder of images/ and
 * masks/ (PNG; a mask's grey value is the pixel's class id; optional classes.txt; train/ and test/
 * folders for a test split). The test split (t10k-…) is
 * evaluated at the end with the task's loss and metrics.
 * Prints one JSON object per line: {"type":"started"…}, {"type":"epoch"…}, {"type":"done"…}.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, inflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { buildModel, FOLDED_ACTIVATION, INPUT_SHAPE, loadWeights, NODE_LAYERS, saveWeights } from './model';

/** The graph's training settings (its "training" field, defaults filled in). */
interface Settings {
${Object.entries(settings)
  .map(([name, value]) => `  ${name}: ${settingType(name, value)};`)
  .join('\n')}
}
const CONFIG: Settings = ${JSON.stringify(settings)};
/** The graph's task (engine/task): ${task.spec.doc} */
const TASK = '${task.id}';
const METRICS_BEYOND_ACCURACY = ${task.spec.metrics.some((m) => m !== 'accuracy')};
/** The output per sample (channels-last) and its last axis: classes per sample or pixel, or channels. */
const OUTPUT_SHAPE: number[] = ${JSON.stringify([...plan.output.outputShape])};
const CLASSES = ${plan.output.outputShape[plan.output.outputShape.length - 1]};
/** L2 penalty λ·Σw² added to the loss, per node id, on the weights (by role) it applies to: kernels. */
const WEIGHT_DECAY: Record<string, { lambda: number; roles: string[] }> = ${JSON.stringify(Object.fromEntries(decay))};

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: ${JSON.stringify(defaultData ?? '')} },
    epochs: { type: 'string', default: '${config.epochs}' },
    'batch-size': { type: 'string', default: '${config.batchSize}' },
    weights: { type: 'string' },
    save: { type: 'string' },
    limit: { type: 'string' },
    'test-limit': { type: 'string' },
  },
});
const emit = (event: Record<string, unknown>) => process.stdout.write(\`\${JSON.stringify({ runId: 'tfjs-export', ...event })}\\n\`);

function read(path: string): Uint8Array {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

/** A split: samples scaled to [0, 1], a class per sample, and a class per pixel where the data has masks. */
interface Split {
  x: Float32Array;
  y: Int32Array;
  masks: Uint8Array | null;
  count: number;
}

/** A problem with the data, reported as an error event of kind "dataset". */
class DatasetError extends Error {}
${TS_MASK_FOLDER}
interface TaskMetrics {
  accuracy: number | null;
  values: Record<string, number>;
  perClassIoU?: (number | null)[];
}

function loadIdx(dir: string, split: 'train' | 't10k', limit: number): Split | null {
  const find = (kind: string) => readdirSync(dir).find((f) => new RegExp(\`^\${split}-\${kind}[-.]idx[13]-ubyte(\\\\.gz)?$\`).test(f));
  const imagesFile = find('images');
  const labelsFile = find('labels');
  if (!imagesFile || !labelsFile) return null;
  const images = read(join(dir, imagesFile));
  const labels = read(join(dir, labelsFile));
  const view = new DataView(images.buffer, images.byteOffset);
  const count = Math.min(view.getUint32(4), limit);
  const size = view.getUint32(8) * view.getUint32(12);
  const x = new Float32Array(count * size);
  for (let i = 0; i < x.length; i++) x[i] = images[16 + i]! / 255;
  // Per-pixel class ids (segmentation): an IDX image file of masks beside the images.
  const masksFile = find('masks');
  const masks = masksFile ? read(join(dir, masksFile)).slice(16, 16 + count * size) : null;
  return { x, y: Int32Array.from(labels.subarray(8, 8 + count)), masks, count };
}

function loadCsv(path: string, limit: number): Split {
  const rows = readFileSync(path, 'utf8').trim().split(/\\r?\\n/).map((l) => l.split(','));
  const header = rows[0]!.some((c) => Number.isNaN(Number(c))) ? rows.shift()! : null;
  const labelAt = header?.findIndex((h) => h.trim().toLowerCase() === 'label') ?? -1;
  const at = labelAt >= 0 ? labelAt : rows[0]!.length - 1;
  const kept = rows.slice(0, limit);
  const features = kept.map((r) => r.filter((_, j) => j !== at).map(Number));
  const width = features[0]!.length;
  // Loops, not Math.min(...column): spreading 150,000 rows as arguments overflows the stack.
  const lo = new Array<number>(width).fill(Infinity);
  const hi = new Array<number>(width).fill(-Infinity);
  for (const f of features) {
    for (let j = 0; j < width; j++) {
      lo[j] = Math.min(lo[j]!, f[j]!);
      hi[j] = Math.max(hi[j]!, f[j]!);
    }
  }
  const x = Float32Array.from(features.flatMap((f) => f.map((v, j) => (hi[j]! > lo[j]! ? (v - lo[j]!) / (hi[j]! - lo[j]!) : 0))));
  return { x, y: Int32Array.from(kept.map((r) => Number(r[at]))), masks: null, count: kept.length };
}

/** The app's schedules (engine/graph/schedules.ts), stepped once per epoch (0-based). */
function learningRateAt(epoch: number): number {
  const lr = CONFIG.learningRate;
  const s = CONFIG.schedule;
${tsSwitch('s.type', Object.fromEntries(Object.entries(SCHEDULES).map(([type, spec]) => [type, spec.typescript])))}
}

/** The graph's optimizer, with its settings. */
function makeOptimizer(): tf.Optimizer {
${tsSwitch('CONFIG.optimizer', TFJS_OPTIMIZERS)}
}

const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);
const limit = args.limit ? Number(args.limit) : Infinity;
const testLimit = args['test-limit'] ? Number(args['test-limit']) : limit;
const SAMPLE_SIZE = INPUT_SHAPE.reduce((a, b) => a * b, 1);
const VALUES_PER_SAMPLE = OUTPUT_SHAPE.reduce((a, b) => a * b, 1);

/** Samples \`rows\` of a split as one batch tensor. */
function batchOf(split: Split, rows: number[]): tf.Tensor {
  const xb = new Float32Array(rows.length * SAMPLE_SIZE);
  rows.forEach((s, i) => xb.set(split.x.subarray(s * SAMPLE_SIZE, (s + 1) * SAMPLE_SIZE), i * SAMPLE_SIZE));
  return tf.tensor(xb, [rows.length, ...INPUT_SHAPE]);
}

/** The graph's output from the scores (the final layer the loss folds in, applied). */
function finalActivation(scores: tf.Tensor): tf.Tensor {
  return FOLDED_ACTIVATION === 'softmax' ? tf.softmax(scores) : FOLDED_ACTIVATION === 'sigmoid' ? tf.sigmoid(scores) : scores;
}
${TASK_CODE}
${nearestUpsample ? TS_CPU_FIX : ''}
/** Mean loss and the task's metrics over a split, in inference mode. */
function evaluate(logitsModel: tf.LayersModel, split: Split): { loss: number; metrics: TaskMetrics } {
  const sums = new Float64Array(SUMS_LENGTH);
  let lossSum = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, split.count - start) }, (_, i) => start + i);
    const stats = tf.tidy(() => {
      const x = batchOf(split, rows);
      const scores = logitsModel.predict(x) as tf.Tensor;
      const target = taskTarget(split, rows, x);
      const output = finalActivation(scores);
      return tf.concat([taskLoss(scores, output, target).reshape([1]), taskSums(scores, output, target)]);
    });
    const values = stats.dataSync();
    stats.dispose();
    lossSum += values[0]! * rows.length;
    for (let i = 0; i < SUMS_LENGTH; i++) sums[i]! += values[1 + i]!;
  }
  return { loss: lossSum / Math.max(1, split.count), metrics: taskMetrics(sums, split.count) };
}

async function main() {
  await tf.ready();
${nearestUpsample ? '  registerNearestUpsampleGrad();\n' : ''}  if (!args.data) throw new Error('no dataset: pass --data DIR_OR_CSV');
  if (!existsSync(args.data)) throw new DatasetError(\`\${args.data}: no such file or folder\`);
  const csv = args.data.endsWith('.csv');
  const folder = !csv && statSync(args.data).isDirectory() && maskFolderLayout(args.data) ? loadMaskFolder(args.data, limit, testLimit) : null;
  const train = folder?.train ?? (csv ? loadCsv(args.data, limit) : loadIdx(args.data, 'train', limit));
  if (!train) throw new DatasetError(\`\${args.data}: no train-images/labels IDX files\`);
  const test = folder ? folder.test : csv ? null : loadIdx(args.data, 't10k', testLimit);
  const { model, logitsModel } = buildModel();
  if (args.weights) loadWeights(model, JSON.parse(readFileSync(args.weights, 'utf8')));
  const optimizer = makeOptimizer();
  emit({ type: 'started', task: TASK, backend: { name: tf.getBackend(), detail: 'exported TensorFlow.js script', skipped: [] }, dataset: { name: args.data, trainCount: train.count, validationCount: 0, testCount: test?.count ?? 0, shape: INPUT_SHAPE, classNames: folder?.classNames ?? Array.from({ length: CLASSES }, (_, i) => String(i)) }, params: model.countParams(), config: { ...CONFIG, epochs, batchSize } });
  const started = Date.now();
  let trainLoss: number | null = null;
  let trainMetrics: TaskMetrics | null = null;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = learningRateAt(epoch);
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    const epochStart = Date.now();
    const order = tf.util.createShuffledIndices(train.count);
    let lossSum = 0;
    const sums = new Float64Array(SUMS_LENGTH);
    for (let start = 0; start < train.count; start += batchSize) {
      const rows = Array.from(order.slice(start, start + batchSize));
      const x = batchOf(train, rows);
      const target = taskTarget(train, rows, x);
      let batchSums: tf.Tensor | null = null;
      const loss = optimizer.minimize(() => {
        // logitsModel stops before the final layer the loss folds in, so the loss sees raw scores (stable).
        const scores = logitsModel.apply(x, { training: true }) as tf.Tensor;
        const output = finalActivation(scores);
        batchSums = tf.keep(taskSums(scores, output, target));
        const l2 = Object.entries(WEIGHT_DECAY).flatMap(([nodeId, { lambda, roles }]) => {
          const [layerName, names] = NODE_LAYERS[nodeId]!;
          const weights = model.getLayer(layerName).getWeights();
          return roles.map((role) => tf.sum(tf.square(weights[names.indexOf(role)]!)).mul(lambda));
        });
        return l2.reduce((a: tf.Scalar, b) => a.add(b) as tf.Scalar, taskLoss(scores, output, target));
      }, true)!;
      lossSum += loss.dataSync()[0]! * rows.length;
      const values = batchSums!.dataSync();
      for (let i = 0; i < SUMS_LENGTH; i++) sums[i]! += values[i]!;
      tf.dispose([x, target, loss, batchSums!]);
    }
    trainLoss = lossSum / train.count;
    trainMetrics = taskMetrics(sums, train.count);
    const seconds = (Date.now() - epochStart) / 1000;
    emit({ type: 'epoch', epoch: epoch + 1, epochs, trainLoss, trainAccuracy: trainMetrics.accuracy, validationLoss: null, validationAccuracy: null, ...(METRICS_BEYOND_ACCURACY ? { trainMetrics: trainMetrics.values, validationMetrics: null } : {}), learningRate: lr, samplesPerSecond: train.count / seconds, etaSeconds: seconds * (epochs - epoch - 1), seconds, backend: tf.getBackend(), gradientNorms: {} });
  }
  if (args.save) writeFileSync(args.save, JSON.stringify(saveWeights(model)));
  const tested = test && test.count > 0 ? evaluate(logitsModel, test) : null;
  emit({ type: 'done', stopped: false, metrics: { testLoss: tested?.loss ?? null, testAccuracy: tested?.metrics.accuracy ?? null, trainLoss, trainAccuracy: trainMetrics?.accuracy ?? null, seconds: (Date.now() - started) / 1000, epochsCompleted: epochs, ...(tested && METRICS_BEYOND_ACCURACY ? { test: tested.metrics.values } : {}) }, ...(tested?.metrics.perClassIoU ? { perClassIoU: tested.metrics.perClassIoU } : {}), confusion: [], classNames: [], misclassified: [], checkpoint: args.save ?? null });
}

main().catch((err: Error) => {
  emit({ type: 'error', message: err.message, kind: err instanceof DatasetError ? 'dataset' : 'internal' });
  process.exitCode = 1;
});
`;
}
