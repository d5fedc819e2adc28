/** What every exporter takes and gives, and what the importers throw. */
import type { WeightsFile } from './weights';

export const EXPORT_TARGETS = ['pytorch', 'keras', 'tfjs', 'onnx'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export interface ExportOptions {
  /** Trained weights (the app's layouts); omitted: the export starts from seeded initial weights. */
  readonly weights?: WeightsFile;
  /** Seeds the initial weights when none are given (defaults to the graph's training.seed). */
  readonly seed?: number;
  /** Where `embedded:` datasets live, so a training script can point at them. */
  readonly datasetsDir?: string;
  /** Which weights `weights.json` holds, in a sentence for the README (e.g. the run that trained them). */
  readonly weightsNote?: string;
}

export interface ExportedFile {
  /** A relative path inside the export folder. */
  readonly name: string;
  /** The content; base64 when `encoding` says so (binary files such as model.onnx). */
  readonly text: string;
  readonly encoding?: 'utf8' | 'base64';
}

export interface ExportResult {
  readonly files: ExportedFile[];
}

/** A model file that cannot become a graph: `unsupported` lists each part that could not ("Op name: why"). */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    message: string,
    readonly unsupported: readonly string[],
  ) {
    super(message);
  }
}
