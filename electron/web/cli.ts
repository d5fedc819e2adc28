/**
 * `npm run web`: builds the renderer if it is missing, serves it on 127.0.0.1 and prints the
 * URL (with its token) to open in a browser.
 *   npm run web -- [--port N] [--rebuild] [--data-dir DIR]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startWebServer } from './server';

const USAGE = 'usage: npm run web -- [--port N] [--rebuild] [--data-dir DIR]';

function fail(message: string): never {
  process.stderr.write(`netcanvas web: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { port?: string; rebuild?: boolean; 'data-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        rebuild: { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message.split('\n')[0]}; ${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a whole number from 0 to 65535, got "${values.port}"`);

  const rendererDir = resolve('dist/renderer');
  if (values.rebuild || !existsSync(resolve(rendererDir, 'index.html'))) {
    process.stdout.write('Building the editor (npm run build:renderer)…\n');
    try {
      execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build:renderer'], { stdio: 'inherit' });
    } catch {
      fail('building the renderer failed (see above)');
    }
  }

  let server;
  try {
    server = await startWebServer({ port, rendererDir, ...(values['data-dir'] ? { dataDir: resolve(values['data-dir']) } : {}) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(
      code === 'EADDRINUSE'
        ? `port ${port} is already in use; pick another with --port, or leave it out for a free one`
        : (err as Error).message,
    );
  }
  process.stdout.write(
    `NetCanvas is running. Open this address in your browser (it contains the access token):\n\n  ${server.url}\n\nData folder: ${server.services.info.dataDir}\nPress Ctrl+C to stop.\n`,
  );
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
