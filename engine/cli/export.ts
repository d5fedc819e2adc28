/**
 * `netcanvas export FILE --to pytorch|keras|tfjs|onnx [-o OUT] [--checkpoint PATH]`.
 * OUT is a folder (created; the complete export) or, for a single model file, a path ending in
 * .py / .ts / .onnx. Exit codes: 0 written, 1 the graph has errors, 2 unusable input.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { defaultDatasetsDir } from '../data/embedded';
import { EXPORT_TARGETS, ExportError, exportGraph, type ExportTarget, type ExportedFile } from '../export';
import { parseWeights } from '../export/weights';
import { JSON_FILE_MAX_BYTES, readTextBounded, writeFileAtomic } from '../io';
import { CliError, out, readGraphFile } from './io';

export interface ExportArgs {
  readonly file: string;
  readonly to: string | undefined;
  readonly out: string | undefined;
  readonly checkpoint: string | undefined;
}

/** The file a single-file OUT stands for, by target. */
const MODEL_FILE: Record<ExportTarget, { ext: string; name: string }> = {
  pytorch: { ext: '.py', name: 'model.py' },
  keras: { ext: '.py', name: 'model.py' },
  tfjs: { ext: '.ts', name: 'model.ts' },
  onnx: { ext: '.onnx', name: 'model.onnx' },
};

function target(to: string | undefined): ExportTarget {
  if (!to) throw new CliError(`missing --to; choose one of ${EXPORT_TARGETS.join(', ')}`);
  if (!(EXPORT_TARGETS as readonly string[]).includes(to))
    throw new CliError(`unknown export target "${to}"; choose one of ${EXPORT_TARGETS.join(', ')}`);
  return to as ExportTarget;
}

async function readCheckpoint(path: string) {
  let text: string;
  try {
    text = await readTextBounded(path, { maxBytes: JSON_FILE_MAX_BYTES, what: 'a checkpoint may be' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT' ? `cannot read the checkpoint ${path}: no such file (train the graph first)` : (err as Error).message,
    );
  }
  try {
    return parseWeights(text, path);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

const write = (path: string, file: ExportedFile) =>
  writeFileAtomic(path, file.encoding === 'base64' ? Buffer.from(file.text, 'base64') : file.text);

export async function runExport(args: ExportArgs): Promise<number> {
  const to = target(args.to);
  const doc = await readGraphFile(args.file);
  const weights = args.checkpoint ? await readCheckpoint(args.checkpoint) : undefined;
  let files: ExportedFile[];
  try {
    files = exportGraph(doc, to, { weights, datasetsDir: defaultDatasetsDir() }).files;
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    // Graph errors (exit 1) come with the checker's diagnostics; anything else is the input's fault (2).
    throw new CliError(`${args.file}: ${err.message}`, err.diagnostics.length > 0 ? 1 : 2);
  }

  const stem = basename(args.file, extname(args.file));
  const outPath = resolve(args.out ?? (to === 'onnx' ? `${stem}.onnx` : `${stem}-${to}`));
  const single = MODEL_FILE[to];
  const isFolder = existsSync(outPath) ? statSync(outPath).isDirectory() : extname(outPath).toLowerCase() !== single.ext;
  if (!isFolder) {
    await write(
      outPath,
      files.find((f) => f.name === single.name)!,
    );
    out(`wrote ${outPath} (${to}${weights ? ", with the checkpoint's weights" : ', initial weights'})`);
    if (files.length > 1) out(`  (only the model; give a folder for the complete export: ${files.map((f) => f.name).join(', ')})`);
    return 0;
  }
  for (const f of files) await write(join(outPath, f.name), f);
  out(`wrote ${files.length} file${files.length === 1 ? '' : 's'} to ${outPath}: ${files.map((f) => f.name).join(', ')}`);
  out(weights ? `  weights: from ${args.checkpoint}` : '  weights: initial (pass --checkpoint PATH for trained ones)');
  return 0;
}
