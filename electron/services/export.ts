/**
 * Exporting a graph to PyTorch, Keras, TensorFlow.js or ONNX through the exporters in
 * engine/export/. They are loaded on demand (they are large and most sessions never export); a
 * host without them answers with a clear message instead of failing.
 *
 * Weights: given a run of the history (`runId`), the export carries that run's trained weights
 * (its checkpoint in runs/<runId>/weights.json) and says so; without one, or when the graph no
 * longer fits them, it carries seeded initial weights and says that instead (`ExportWeights`).
 */
import { join, relative } from 'node:path';
import { ApiError, type ExportedFile, type ExportTarget, type ExportWeights } from '../api/contract';
import { validateGraph } from '../../engine/graph/load';
import type { GraphDoc } from '../../engine/graph/types';
import type { ExportOptions } from '../../engine/export/types';
import { fileError, type FileService } from './files';
import { runWeights, type RunHistory } from './runs';
import type { PathScope } from './scope';
import { JSON_FILE_MAX_BYTES, readTextBounded } from '../../engine/io';

/** The exporters' entry point: a graph, a target and the weights to carry in, the files to write out. */
export type ExportGraph = (
  doc: GraphDoc,
  target: ExportTarget,
  opts?: { weightsText?: string; weightsNote?: string },
) => Promise<ExportedFile[] | { files: ExportedFile[] }> | ExportedFile[] | { files: ExportedFile[] };

export interface ExportService {
  code(graph: Record<string, unknown>, target: ExportTarget, runId?: string): Promise<{ files: ExportedFile[]; weights: ExportWeights }>;
  /** One file: written to `path`. Several: `path` is a folder they are written into. */
  write(
    graph: Record<string, unknown>,
    target: ExportTarget,
    path: string,
    runId?: string,
  ): Promise<{ paths: string[]; weights: ExportWeights }>;
}

/** Resolves the exporter, or null where this build has none. */
export type ExporterLoader = () => Promise<ExportGraph | null>;

const percent = (x: number | null) => (x === null ? 'no test accuracy' : `${(x * 100).toFixed(2)}% test accuracy`);

/** The sentence the README and the dialog give for the weights exported. */
export function describeWeights(weights: ExportWeights): string {
  if (weights.kind === 'trained')
    return `weights.json holds the trained weights of the run "${weights.runName}" (${weights.testFigure ?? percent(weights.testAccuracy)}, trained ${weights.trainedAt}).`;
  return `weights.json holds initial weights (seeded He-normal, untrained)${weights.reason ? `: ${weights.reason}` : ''}.`;
}

export function createExportService(load: ExporterLoader, files: FileService, scope: PathScope, runs?: RunHistory): ExportService {
  /** The run's trained weights, or why there are none to export. */
  type Trained = { text: string; info: Extract<ExportWeights, { kind: 'trained' }> } | { reason: string };
  const trainedWeights = async (runId: string): Promise<Trained> => {
    const found = await runWeights(runs, runId);
    if ('reason' in found) return found;
    try {
      return { text: await readTextBounded(found.path, { maxBytes: JSON_FILE_MAX_BYTES }), info: found.info };
    } catch {
      return { reason: `the weights of the run "${found.info.runName}" cannot be read from the data folder` };
    }
  };

  const exportWith = async (exportGraph: ExportGraph, doc: GraphDoc, target: ExportTarget, opts: Parameters<ExportGraph>[2]) => {
    const out = await exportGraph(doc, target, opts);
    return Array.isArray(out) ? out : out.files;
  };

  const run = async (graph: Record<string, unknown>, target: ExportTarget, runId?: string) => {
    const checked = validateGraph(graph);
    if (!checked.ok) throw new ApiError(`This graph cannot be exported: ${checked.error}`);
    const exportGraph = await load();
    if (!exportGraph) throw new ApiError(`Export to ${target} is not available yet in this version of NetCanvas`);
    const trained = runId ? await trainedWeights(runId) : null;
    let weights: ExportWeights = { kind: 'initial', ...(trained && 'reason' in trained ? { reason: trained.reason } : {}) };
    try {
      if (trained && 'info' in trained) {
        try {
          const exported = await exportWith(exportGraph, checked.doc, target, {
            weightsText: trained.text,
            weightsNote: describeWeights(trained.info),
          });
          return { files: exported, weights: trained.info };
        } catch (err) {
          // The graph changed since that run: its weights no longer fit. Initial weights, said as such (a real
          // problem with the graph fails again below and is reported).
          weights = {
            kind: 'initial',
            reason: `the graph changed since "${trained.info.runName}" was trained (${(err as Error).message})`,
          };
        }
      }
      return { files: await exportWith(exportGraph, checked.doc, target, { weightsNote: describeWeights(weights) }), weights };
    } catch (err) {
      // The exporters explain unsupported layers in words meant for the user.
      throw new ApiError(`Could not export to ${target}: ${(err as Error)?.message ?? String(err)}`);
    }
  };
  return {
    async code(graph, target, runId) {
      return run(graph, target, runId);
    },
    async write(graph, target, path, runId) {
      const { files: exported, weights } = await run(graph, target, runId);
      const full = files.resolvePath(path);
      const targets =
        exported.length === 1 ? [{ file: exported[0]!, at: full }] : exported.map((file) => ({ file, at: join(full, file.name) }));
      // Several files go into the path chosen for the export, which becomes their folder.
      if (exported.length > 1) await scope.useAsFolder(full);
      const written: string[] = [];
      for (const { file, at } of targets) {
        // Names are relative paths inside the export folder; none may climb out of it.
        if (exported.length > 1 && relative(full, at).startsWith('..'))
          throw new ApiError(`Could not export: the file name "${file.name}" leaves the export folder`);
        try {
          await files.write(at, file.encoding === 'base64' ? Buffer.from(file.text, 'base64') : file.text);
        } catch (err) {
          throw fileError('write', at, err);
        }
        written.push(at);
      }
      return { paths: written, weights };
    },
  };
}

/**
 * The engine's exporters, loaded on first use (bundled into the desktop main process). The training
 * script is pointed at this installation's embedded datasets, so `python3 train.py` runs as exported.
 */
export const engineExporter: ExporterLoader = async () => {
  const [{ exportGraph }, { parseWeights }, { defaultDatasetsDir }] = await Promise.all([
    import('../../engine/export/index'),
    import('../../engine/export/weights'),
    import('../../engine/data/embedded'),
  ]);
  return (doc, target, opts = {}) => {
    const options: ExportOptions = {
      datasetsDir: defaultDatasetsDir(),
      ...(opts.weightsText ? { weights: parseWeights(opts.weightsText, "the run's weights") } : {}),
      ...(opts.weightsNote ? { weightsNote: opts.weightsNote } : {}),
    };
    return exportGraph(doc, target, options);
  };
};
