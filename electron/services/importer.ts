/**
 * Importing a model file (ONNX, Keras model JSON) as a graph: the host reads the bytes (the UI
 * may not touch the disk) and the engine's importer, loaded on first use, makes the graph. A file
 * that cannot be imported is one ApiError whose message lists each layer it could not take.
 */
import { ApiError, type ImportedGraph } from '../api/contract';
import { serializeGraph } from '../../engine/graph/load';
import type { FileService } from './files';

export interface ImportService {
  model(path: string): Promise<ImportedGraph>;
}

export function createImportService(files: FileService): ImportService {
  return {
    async model(path) {
      const { path: full, bytes } = await files.readBytes(path, 'the app imports (netcanvas import reads any size)');
      const { importModel } = await import('../../engine/export/import-model');
      const { ImportError } = await import('../../engine/export/types');
      try {
        const imported = importModel(bytes, full);
        return {
          path: full,
          text: serializeGraph(imported.doc),
          format: imported.format,
          notes: [...imported.notes],
          hadWeights: Object.keys(imported.weights.layers).length > 0,
        };
      } catch (err) {
        if (err instanceof ImportError) throw new ApiError(`Could not import ${full}: ${err.message}`);
        throw err;
      }
    },
  };
}
