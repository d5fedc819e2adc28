/**
 * `netcanvas import MODEL [-o OUT.json]`: an ONNX model or a Keras model JSON → a NetCanvas graph
 * file; an ONNX model's weights go beside it as a checkpoint (OUT.weights.json) that `train`,
 * `evaluate` and `export --checkpoint` read. What cannot be imported is listed, one layer a line,
 * and nothing is written. Exit codes: 0 written, 2 unusable input.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { checkGraph } from '../check/checkGraph';
import { importModel } from '../export/import-model';
import { ImportError } from '../export/types';
import { serializeWeights } from '../export/weights';
import { serializeGraph } from '../graph/load';
import { MODEL_FILE_MAX_BYTES, readFileBounded, writeFileAtomic } from '../io';
import { defaultCheckpointPath } from '../train/checkpoint';
import { CliError, out } from './io';

export interface ImportArgs {
  readonly file: string;
  readonly out: string | undefined;
}

/** MODEL.onnx → MODEL.json beside it; a Keras MODEL.json → MODEL.netcanvas.json (never the input itself). */
function defaultOut(file: string): string {
  const stem = join(dirname(file), basename(file, extname(file)));
  const plain = resolve(`${stem}.json`);
  return plain === resolve(file) ? resolve(`${stem}.netcanvas.json`) : plain;
}

export async function runImport(args: ImportArgs): Promise<number> {
  const bytes = await readFileBounded(args.file, { maxBytes: MODEL_FILE_MAX_BYTES, what: 'a model file may be' });
  let imported;
  try {
    imported = importModel(bytes, args.file);
  } catch (err) {
    if (err instanceof ImportError) throw new CliError(`${args.file}: ${err.message}`);
    throw err;
  }
  const outPath = args.out ? resolve(args.out) : defaultOut(args.file);
  // Only an OUT the user named may be overwritten: a default one could be a graph they edited.
  if (!args.out && existsSync(outPath)) throw new CliError(`${outPath} already exists; choose where to write the graph with -o OUT.json`);
  await writeFileAtomic(outPath, serializeGraph(imported.doc));

  const check = checkGraph(imported.doc);
  const kind = imported.format === 'onnx' ? 'ONNX model' : 'Keras model';
  out(
    `wrote ${outPath}: ${imported.doc.nodes.length} nodes, ${check.totals.params.toLocaleString('en-US')} parameters, from the ${kind} ${args.file}`,
  );
  if (Object.keys(imported.weights.layers).length > 0) {
    const weightsPath = defaultCheckpointPath(outPath);
    await writeFileAtomic(weightsPath, serializeWeights(imported.weights, imported.doc.name));
    out(`  weights: ${weightsPath}`);
  } else out('  weights: none in the file (train the graph to get some)');
  for (const note of imported.notes) out(`  note: ${note}`);
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    out(`  the graph has ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix; see "netcanvas check ${outPath}"`);
  return 0;
}
