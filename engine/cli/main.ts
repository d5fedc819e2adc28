/**
 * `netcanvas` command line. Each command lives in its own module and is loaded on demand, so
 * `check` never pays for loading TensorFlow.js.
 * Exit codes: 0 success, 1 the graph has errors (or training failed), 2 unusable input.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { IoError } from '../io';
import { CliError, warn } from './io';

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, positionals: string[]): Promise<number> | number;
}

const COMMANDS: Record<string, Command> = {
  check: {
    summary: 'type-check a graph: shapes, params, MACs, receptive fields, problems',
    usage: 'netcanvas check FILE [--json]',
    options: { json: { type: 'boolean' } },
    async run(values, [file]) {
      const { runCheck } = await import('./check');
      return runCheck({ file: requireFile(file, this.usage), json: Boolean(values.json) });
    },
  },
  train: {
    summary: 'train a graph in a trainer process; saves FILE.weights.json beside it',
    usage:
      'netcanvas train FILE [--data PATH|embedded:mnist] [--epochs N] [--batch-size N] [--backend NAME] [--limit N] [--checkpoint PATH] [--init-from CKPT [--freeze-through NODE]] [--runner tfjs|pytorch] [--json]',
    options: {
      runner: { type: 'string' },
      data: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      backend: { type: 'string' },
      limit: { type: 'string' },
      checkpoint: { type: 'string' },
      'init-from': { type: 'string' },
      'freeze-through': { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(values, [file]) {
      const { runTrain } = await import('./train');
      const s = (k: string) => values[k] as string | undefined;
      return runTrain({
        file: requireFile(file, this.usage),
        data: s('data'),
        epochs: s('epochs'),
        batchSize: s('batch-size'),
        backend: s('backend'),
        limit: s('limit'),
        checkpoint: s('checkpoint'),
        initFrom: s('init-from'),
        freezeThrough: s('freeze-through'),
        runner: s('runner'),
        json: Boolean(values.json),
      });
    },
  },
  evaluate: {
    summary: 'test a trained graph: loss, accuracy, confusion matrix',
    usage:
      'netcanvas evaluate FILE [--data PATH] [--checkpoint PATH] [--backend NAME] [--limit N] [--mc-dropout 1,2,5,10,50] [--json]\n' +
      '       netcanvas evaluate A.json B.json [C.json ...] --ensemble [--data PATH] [--backend NAME] [--limit N] [--json]',
    options: {
      data: { type: 'string' },
      checkpoint: { type: 'string' },
      backend: { type: 'string' },
      limit: { type: 'string' },
      'mc-dropout': { type: 'string' },
      ensemble: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    async run(values, files) {
      const s = (k: string) => values[k] as string | undefined;
      const file = files[0];
      if (values.ensemble) {
        if (s('mc-dropout') !== undefined || s('checkpoint') !== undefined)
          throw new CliError(
            "--ensemble uses each graph's own checkpoint (FILE.weights.json) and cannot be combined with --mc-dropout or --checkpoint",
          );
        const { runEnsemble } = await import('./averaging');
        const { positiveInt } = await import('./train');
        return runEnsemble({
          files,
          data: s('data'),
          backend: s('backend'),
          limit: positiveInt('limit', s('limit')),
          json: Boolean(values.json),
        });
      }
      if (files.length > 1) throw new CliError(`evaluate takes one graph file (or several with --ensemble), got ${files.length}`);
      if (s('mc-dropout') !== undefined) {
        const { runMcDropout } = await import('./averaging');
        const { positiveInt } = await import('./train');
        return runMcDropout({
          file: requireFile(file, this.usage),
          passes: s('mc-dropout')!,
          data: s('data'),
          checkpoint: s('checkpoint'),
          backend: s('backend'),
          limit: positiveInt('limit', s('limit')),
          json: Boolean(values.json),
        });
      }
      const { runEvaluate } = await import('./evaluate');
      return runEvaluate({
        file: requireFile(file, this.usage),
        data: s('data'),
        checkpoint: s('checkpoint'),
        backend: s('backend'),
        limit: s('limit'),
        json: Boolean(values.json),
      });
    },
  },
  predict: {
    summary: 'classify an image or CSV rows with a trained graph',
    usage: 'netcanvas predict FILE --input IMAGE_OR_CSV [--checkpoint PATH] [--backend NAME] [--json]',
    options: { input: { type: 'string' }, checkpoint: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' } },
    async run(values, [file]) {
      const { runPredict } = await import('./evaluate');
      const s = (k: string) => values[k] as string | undefined;
      return runPredict({
        file: requireFile(file, this.usage),
        input: s('input'),
        checkpoint: s('checkpoint'),
        backend: s('backend'),
        json: Boolean(values.json),
      });
    },
  },
  activations: {
    summary: "write each layer's output for one image as PNGs (feature maps; bars for vectors)",
    usage: 'netcanvas activations FILE --input IMAGE [--node ID] [--checkpoint PATH] [--backend NAME] -o DIR [--json]',
    options: {
      input: { type: 'string' },
      node: { type: 'string' },
      checkpoint: { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
    },
    async run(values, [file]) {
      const { runActivations } = await import('./activations');
      const s = (k: string) => values[k] as string | undefined;
      return runActivations({
        file: requireFile(file, this.usage),
        input: s('input'),
        node: s('node'),
        checkpoint: s('checkpoint'),
        backend: s('backend'),
        out: s('out'),
        json: Boolean(values.json),
      });
    },
  },
  export: {
    summary: 'export a graph as PyTorch, Keras 3 or TensorFlow.js code, or an ONNX model',
    usage: 'netcanvas export FILE --to pytorch|keras|tfjs|onnx [-o OUT] [--checkpoint PATH]',
    options: { to: { type: 'string' }, out: { type: 'string', short: 'o' }, checkpoint: { type: 'string' } },
    async run(values, [file]) {
      const { runExport } = await import('./export');
      const s = (k: string) => values[k] as string | undefined;
      return runExport({ file: requireFile(file, this.usage), to: s('to'), out: s('out'), checkpoint: s('checkpoint') });
    },
  },
  grade: {
    summary: "mark students' graphs against a lesson's checks; a folder becomes one gradebook",
    usage: 'netcanvas grade SUBMISSION.json|DIR --lesson LESSON.json [--train] [--json | --csv OUT.csv] [--backend NAME]',
    options: {
      lesson: { type: 'string' },
      train: { type: 'boolean' },
      json: { type: 'boolean' },
      csv: { type: 'string' },
      backend: { type: 'string' },
    },
    async run(values, [target]) {
      const { runGrade } = await import('./grade');
      const s = (k: string) => values[k] as string | undefined;
      return runGrade({
        target: requireFile(target, this.usage),
        lesson: s('lesson'),
        train: Boolean(values.train),
        json: Boolean(values.json),
        csv: s('csv'),
        backend: s('backend'),
      });
    },
  },
  import: {
    summary: 'turn an ONNX model or a Keras model JSON into a graph file (ONNX weights as a checkpoint beside it)',
    usage: 'netcanvas import MODEL.onnx|MODEL.json [-o OUT.json]',
    options: { out: { type: 'string', short: 'o' } },
    async run(values, [file]) {
      const { runImport } = await import('./import');
      return runImport({ file: requireFile(file, this.usage), out: values.out as string | undefined });
    },
  },
};

/** Later commands register here without main.ts knowing their details. */
export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

function requireFile(file: string | undefined, usage: string): string {
  if (!file) throw new CliError(`missing FILE; usage: ${usage}`);
  return file;
}

function help(): string {
  const lines = ['Usage: netcanvas <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`, `             ${c.usage}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (command && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${command.summary}\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    if (!command) throw new CliError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    let parsed;
    try {
      parsed = parseArgs({
        args: joinNegativeValues(rest, command.options),
        options: command.options,
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new CliError(`${(err as Error).message.split('\n')[0]}; usage: ${command.usage}`);
    }
    return await command.run(parsed.values, parsed.positionals);
  } catch (err) {
    if (err instanceof CliError) {
      warn(err.message);
      return err.code;
    }
    // A file that cannot be read or written (missing, a device, too large, a full disk): unusable input.
    if (err instanceof IoError) {
      warn(err.message);
      return 2;
    }
    // A bug of ours, not the user's: say so plainly, keep the detail for a report.
    warn(`internal error: ${(err as Error)?.message ?? String(err)}`);
    if (process.env.NETCANVAS_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 70;
  }
}

/**
 * `--epochs -1`: node's parseArgs reads "-1" as an option and calls the value ambiguous. Joined as
 * `--epochs=-1` it reaches the option's own check, which says what is wrong with it.
 */
function joinNegativeValues(args: readonly string[], options: ParseArgsConfig['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (name != null && options?.[name]?.type === 'string' && next != null && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
