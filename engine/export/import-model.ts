/**
 * One door for importing a model file, for the CLI and the app's hosts: ONNX (binary) or Keras
 * model JSON (text), told apart by content, not by name. Every refusal is an ImportError with a
 * message for the user; pure, like the importers.
 *
 * @example
 *   const { doc, weights, notes } = importModel(readFileSync('net.onnx'), 'net.onnx');
 */
import type { GraphDoc } from '../graph/types';
import { importKeras } from './keras/import';
import { importOnnx } from './onnx/import';
import { ImportError } from './types';
import type { WeightsFile } from './weights';

export interface ImportedModel {
  readonly format: 'onnx' | 'keras';
  readonly doc: GraphDoc;
  /** The model's weights in the app's layouts (none for Keras JSON, which holds none). */
  readonly weights: WeightsFile;
  /** What was imported but not kept exactly. */
  readonly notes: readonly string[];
}

export const IMPORT_FORMATS = 'an ONNX model (.onnx) or a Keras model JSON (model.to_json(), a tfjs model.json)';

/** JSON starts with `{` or `[` after optional whitespace and a byte-order mark; ONNX never does. */
const looksLikeJson = (bytes: Uint8Array) => {
  const first = bytes.find((b) => ![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].includes(b));
  return first === 0x7b || first === 0x5b;
};

/** The graph is named after the file: "models/mnist_cnn.onnx" → "mnist_cnn". */
export function importModel(bytes: Uint8Array, fileName: string): ImportedModel {
  const name =
    fileName
      .split(/[\\/]/)
      .pop()!
      .replace(/\.[^.]*$/, '') || 'Imported model';
  if (bytes.length === 0) throw new ImportError(`the file is empty; expected ${IMPORT_FORMATS}`, []);
  if (looksLikeJson(bytes)) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      throw new ImportError('the file starts like JSON but is not UTF-8 text', []);
    }
    return { format: 'keras', ...importKeras(text, name) };
  }
  try {
    return { format: 'onnx', notes: [], ...importOnnx(bytes, name) };
  } catch (err) {
    if (err instanceof ImportError) throw err;
    // The protobuf reader's own words ("truncated protobuf varint") mean: not an ONNX file.
    throw new ImportError(`this is not ${IMPORT_FORMATS} (${(err as Error)?.message ?? String(err)})`, []);
  }
}
