/**
 * `netcanvas` command line. Each command lives in its own module and is loaded on demand, so
 * `check` never pays for loading TensorFlow.js.
 * Exit codes: 0 success, 1 the graph has errors (or training failed), 2 unusable input.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './io';

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
  try {
    if (!command) throw new CliError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError(`${(err as Error).message.split('\n')[0]}; usage: ${command.usage}`);
    }
    return await command.run(parsed.values, parsed.positionals);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`netcanvas: ${err.message}\n`);
      return err.code;
    }
    // A bug of ours, not the user's: say so plainly, keep the detail for a report.
    process.stderr.write(`netcanvas: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.NETCANVAS_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 70;
  }
}
