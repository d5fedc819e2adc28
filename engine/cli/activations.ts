/**
 * `netcanvas activations FILE --input IMAGE [--node ID] [--checkpoint PATH] -o DIR [--json]`: what
 * each layer computes for one image, written as one PNG per node (spatial outputs: a tile per
 * channel on one colour scale; vectors: a bar per unit), from the trained weights (FILE.weights.json
 * by default) or, before any training, the graph's seeded initial weights.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import pngjs from 'pngjs';
import { CompileError, compileGraph } from '../compile/compile';
import { resolveTrainingConfig } from '../graph/training';
import { featureMaps, inspectableNodes, type FeatureMap } from '../inspect/featureMaps';
import { mapPicture } from '../inspect/picture';
import { closestName } from '../layers/params';
import { formatShape } from '../layers/spec';
import { applyCheckpoint, CheckpointError, defaultCheckpointPath, readCheckpoint } from '../train/checkpoint';
import { writeFileAtomic } from '../io';
import { CliError, out, readGraphFile } from './io';
import { readPredictInput } from './predictInput';

const USAGE = 'netcanvas activations FILE --input IMAGE [--node ID] [--checkpoint PATH] -o DIR [--json]';

/** A file name for a node id: its safe characters, numbered in the graph's order. */
const fileName = (index: number, nodeId: string) => `${String(index).padStart(2, '0')}-${nodeId.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`;

export async function runActivations(args: {
  file: string;
  input?: string;
  node?: string;
  checkpoint?: string;
  out?: string;
  backend?: string;
  json: boolean;
}): Promise<number> {
  if (!args.input) throw new CliError(`missing --input IMAGE; usage: ${USAGE}`);
  if (!args.out) throw new CliError(`missing -o DIR (where the PNGs go); usage: ${USAGE}`);
  const doc = await readGraphFile(args.file);
  const checkpointPath = resolve(args.checkpoint ?? defaultCheckpointPath(args.file));
  // A named checkpoint must be there; the default one is optional (before training: initial weights).
  const useCheckpoint = args.checkpoint !== undefined || existsSync(checkpointPath);
  const { selectBackend } = await import('../train/backends/select');
  const choice = await selectBackend(args.backend, { exclude: { webgpu: 'not used for one image (--backend webgpu forces it)' } });
  if (tf.getBackend() !== choice.tfjsName) await tf.setBackend(choice.tfjsName);
  const config = resolveTrainingConfig(doc.training ?? {});
  let compiled;
  try {
    compiled = compileGraph(doc, tf, { seed: config.ok ? config.config.seed : 42 });
    if (useCheckpoint) applyCheckpoint(tf, compiled, await readCheckpoint(checkpointPath));
  } catch (err) {
    if (err instanceof CompileError || err instanceof CheckpointError) throw new CliError(err.message);
    throw err;
  }
  try {
    const nodes = inspectableNodes(compiled);
    if (args.node !== undefined && !nodes.includes(args.node)) {
      const hint = closestName(args.node, nodes);
      throw new CliError(`there is no node "${args.node}" in ${args.file}${hint ? `; did you mean "${hint}"?` : ''}`);
    }
    const inputShape = compiled.check.nodes[compiled.check.inputId!]!.outputShape!;
    const input = await readPredictInput(args.input, inputShape);
    const sample = input.x.subarray(
      0,
      inputShape.reduce((a, b) => a * b, 1),
    );
    const started = performance.now();
    const maps = await featureMaps(tf, compiled, sample, args.node === undefined ? undefined : [args.node]);
    const ms = performance.now() - started;
    const dir = resolve(args.out);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new CliError(`cannot create ${dir}: ${(err as Error).message}`);
    }
    const written: { map: FeatureMap; path: string }[] = [];
    for (const map of maps) {
      const n = map.shape[0]!;
      const picture = mapPicture(map, {
        scale: map.shape.length === 3 ? (n < 16 ? 8 : 4) : Math.max(2, Math.min(24, Math.floor(400 / n))),
      });
      const png = new pngjs.PNG({ width: picture.width, height: picture.height });
      png.data = Buffer.from(picture.rgba);
      const path = join(dir, fileName(nodes.indexOf(map.nodeId), map.nodeId));
      await writeFileAtomic(path, pngjs.PNG.sync.write(png));
      written.push({ map, path });
    }
    const weights = useCheckpoint ? checkpointPath : 'initial weights (no checkpoint yet)';
    if (args.json) {
      out(
        JSON.stringify({
          input: input.names[0],
          weights,
          backend: choice.name,
          milliseconds: Math.round(ms * 10) / 10,
          nodes: written.map(({ map, path }) => ({
            nodeId: map.nodeId,
            type: map.type,
            shape: map.shape,
            min: map.min,
            max: map.max,
            png: path,
          })),
        }),
      );
    } else {
      out(`${input.names[0]} through ${args.file} (${weights}) on ${choice.name}: ${maps.length} feature maps in ${ms.toFixed(0)} ms`);
      for (const { map, path } of written) out(describe(map, path));
    }
    return 0;
  } finally {
    compiled.model.dispose();
  }
}

function describe(map: FeatureMap, path: string): string {
  const what =
    map.shape.length === 3
      ? `${map.shape[2]} map${map.shape[2] === 1 ? '' : 's'} of ${map.shape[0]}×${map.shape[1]}`
      : `${map.shape[0]} values`;
  return `${map.nodeId.padEnd(10)} ${map.type.padEnd(16)} ${formatShape(map.shape).padEnd(10)} ${what}, ${map.min.toPrecision(3)} … ${map.max.toPrecision(3)}  ${path}`;
}
