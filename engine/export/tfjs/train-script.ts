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
  const defaultData =
    dataset?.startsWith('embedded:') && opts.datasetsDir ? `${opts.datasetsDir}/${dataset.slice('embedded:'.length)}` : dataset;
  return `/**
 * Trains the exported ${plan.doc.name} with TensorFlow.js under Node.
 *
 *   npx tsx train.ts [--data DIR_OR_CSV] [--epochs N] [--batch-size N] [--weights weights.json] [--save out.json] [--limit N]
 *
 * Data: a folder of MNIST-style IDX files (train-images-idx3-ubyte[.gz] …) or a CSV file (a "label"
 * column, else the last column, is the class). Pixels are scaled to [0, 1].
 * Prints one JSON object per line: {"type":"started"…}, {"type":"epoch"…}, {"type":"done"…}.
 */
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { buildModel, INPUT_SHAPE, loadWeights, NODE_LAYERS, saveWeights } from './model';

/** The graph's training settings (its "training" field, defaults filled in). */
interface Settings {
${Object.entries(settings)
  .map(([name, value]) => `  ${name}: ${settingType(name, value)};`)
  .join('\n')}
}
const CONFIG: Settings = ${JSON.stringify(settings)};
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
  },
});
const emit = (event: Record<string, unknown>) => process.stdout.write(\`\${JSON.stringify({ runId: 'tfjs-export', ...event })}\\n\`);

function read(path: string): Uint8Array {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

function loadIdx(dir: string, split: 'train' | 't10k', limit: number): { x: Float32Array; y: Int32Array; count: number } {
  const find = (kind: string) => readdirSync(dir).find((f) => new RegExp(\`^\${split}-\${kind}[-.]idx[13]-ubyte(\\\\.gz)?$\`).test(f));
  const imagesFile = find('images');
  const labelsFile = find('labels');
  if (!imagesFile || !labelsFile) throw new Error(\`\${dir}: no \${split}-images/labels IDX files\`);
  const images = read(join(dir, imagesFile));
  const labels = read(join(dir, labelsFile));
  const view = new DataView(images.buffer, images.byteOffset);
  const count = Math.min(view.getUint32(4), limit);
  const size = view.getUint32(8) * view.getUint32(12);
  const x = new Float32Array(count * size);
  for (let i = 0; i < x.length; i++) x[i] = images[16 + i]! / 255;
  return { x, y: Int32Array.from(labels.subarray(8, 8 + count)), count };
}

function loadCsv(path: string, limit: number): { x: Float32Array; y: Int32Array; count: number } {
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
  return { x, y: Int32Array.from(kept.map((r) => Number(r[at]))), count: kept.length };
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

async function main() {
  await tf.ready();
  if (CONFIG.task !== 'classification') {
    throw new Error('this script trains classifiers; training.task "' + CONFIG.task + '" trains in NetCanvas (netcanvas train), the exported model runs here as it is');
  }
  if (!args.data) throw new Error('no dataset: pass --data DIR_OR_CSV');
  const train = args.data.endsWith('.csv') ? loadCsv(args.data, limit) : loadIdx(args.data, 'train', limit);
  const { model, logitsModel } = buildModel();
  if (args.weights) loadWeights(model, JSON.parse(readFileSync(args.weights, 'utf8')));
  const numClasses = model.outputs[0]!.shape[1] as number;
  const optimizer = makeOptimizer();
  emit({ type: 'started', backend: { name: tf.getBackend(), detail: 'exported TensorFlow.js script', skipped: [] }, dataset: { name: args.data, trainCount: train.count, validationCount: 0, testCount: 0, shape: INPUT_SHAPE, classNames: Array.from({ length: numClasses }, (_, i) => String(i)) }, params: model.countParams(), config: { ...CONFIG, epochs, batchSize } });
  const started = Date.now();
  let trainLoss = 0;
  let trainAccuracy = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = learningRateAt(epoch);
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    const epochStart = Date.now();
    const order = tf.util.createShuffledIndices(train.count);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < train.count; start += batchSize) {
      const idx = Array.from(order.slice(start, start + batchSize));
      const size = INPUT_SHAPE.reduce((a, b) => a * b, 1);
      const xb = new Float32Array(idx.length * size);
      idx.forEach((s, i) => xb.set(train.x.subarray(s * size, (s + 1) * size), i * size));
      const x = tf.tensor(xb, [idx.length, ...INPUT_SHAPE]);
      const labels = tf.oneHot(tf.tensor1d(idx.map((s) => train.y[s]!), 'int32'), numClasses);
      const loss = optimizer.minimize(() => {
        const scores = logitsModel.apply(x, { training: true }) as tf.Tensor;
        // logitsModel stops before a final softmax, so the loss sees raw scores either way (stable).
        const data = tf.losses.softmaxCrossEntropy(labels, scores);
        const l2 = Object.entries(WEIGHT_DECAY).flatMap(([nodeId, { lambda, roles }]) => {
          const [layerName, names] = NODE_LAYERS[nodeId]!;
          const weights = model.getLayer(layerName).getWeights();
          return roles.map((role) => tf.sum(tf.square(weights[names.indexOf(role)]!)).mul(lambda));
        });
        return l2.reduce((a: tf.Scalar, b) => a.add(b) as tf.Scalar, data as tf.Scalar);
      }, true)!;
      const predicted = tf.tidy(() => (logitsModel.predict(x) as tf.Tensor).argMax(-1).equal(labels.argMax(-1)).sum());
      lossSum += loss.dataSync()[0]! * idx.length;
      correct += predicted.dataSync()[0]!;
      tf.dispose([x, labels, loss, predicted]);
    }
    trainLoss = lossSum / train.count;
    trainAccuracy = correct / train.count;
    const seconds = (Date.now() - epochStart) / 1000;
    emit({ type: 'epoch', epoch: epoch + 1, epochs, trainLoss, trainAccuracy, validationLoss: null, validationAccuracy: null, learningRate: lr, samplesPerSecond: train.count / seconds, etaSeconds: seconds * (epochs - epoch - 1), seconds, backend: tf.getBackend(), gradientNorms: {} });
  }
  if (args.save) writeFileSync(args.save, JSON.stringify(saveWeights(model)));
  emit({ type: 'done', stopped: false, metrics: { testLoss: null, testAccuracy: null, trainLoss, trainAccuracy, seconds: (Date.now() - started) / 1000, epochsCompleted: epochs }, confusion: [], classNames: [], misclassified: [], checkpoint: args.save ?? null });
}

main().catch((err: Error) => {
  emit({ type: 'error', message: err.message, kind: 'internal' });
  process.exitCode = 1;
});
`;
}
