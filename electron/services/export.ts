/**
 * Exporting a graph to PyTorch, Keras, TensorFlow.js or ONNX through the exporters in
 * engine/export/. They are loaded on demand (they are large and most sessions never export); a
 * host without them answers with a clear message instead of failing.
 */
import { join, relative } from 'node:path';
import { ApiError, type ExportedFile, type ExportTarget } from '../api/contract';
import { validateGraph } from '../../engine/graph/load';
import type { GraphDoc } from '../../engine/graph/types';
import { fileError, type FileService } from './files';
import type { PathScope } from './scope';

/** The exporters' entry point: a graph and a target in, the files to write out. */
export type ExportGraph = (
  doc: GraphDoc,
  target: ExportTarget,
) => Promise<ExportedFile[] | { files: ExportedFile[] }> | ExportedFile[] | { files: ExportedFile[] };

export interface ExportService {
  code(graph: Record<string, unknown>, target: ExportTarget): Promise<{ files: ExportedFile[] }>;
  /** One file: written to `path`. Several: `path` is a folder they are written into. */
  write(graph: Record<string, unknown>, target: ExportTarget, path: string): Promise<{ paths: string[] }>;
}

/** Resolves the exporter, or null where this build has none. */
export type ExporterLoader = () => Promise<ExportGraph | null>;

export function createExportService(load: ExporterLoader, files: FileService, scope: PathScope): ExportService {
  const run = async (graph: Record<string, unknown>, target: ExportTarget): Promise<ExportedFile[]> => {
    const checked = validateGraph(graph);
    if (!checked.ok) throw new ApiError(`This graph cannot be exported: ${checked.error}`);
    const exportGraph = await load();
    if (!exportGraph) throw new ApiError(`Export to ${target} is not available yet in this version of NetCanvas`);
    try {
      const out = await exportGraph(checked.doc, target);
      return Array.isArray(out) ? out : out.files;
    } catch (err) {
      // The exporters explain unsupported layers in words meant for the user.
      throw new ApiError(`Could not export to ${target}: ${(err as Error)?.message ?? String(err)}`);
    }
  };
  return {
    async code(graph, target) {
      return { files: await run(graph, target) };
    },
    async write(graph, target, path) {
      const exported = await run(graph, target);
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
      return { paths: written };
    },
  };
}

/** The engine's exporters, loaded on first use (bundled into the desktop main process). */
export const engineExporter: ExporterLoader = async () => {
  const { exportGraph } = await import('../../engine/export/index');
  return (doc, target) => exportGraph(doc, target);
};
