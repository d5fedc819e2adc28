/** The web host in its own Node process, as `npm run web` runs it: a frame that crashes it shows up as an exited process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export interface WebHostProcess {
  readonly port: number;
  readonly token: string;
  readonly child: ChildProcess;
  alive(): boolean;
  stop(): void;
}

export function spawnWebHost(rendererDir: string, dataDir: string): Promise<WebHostProcess> {
  const server = pathToFileURL(resolve('electron/web/server.ts')).href;
  const script = `const { startWebServer } = await import(${JSON.stringify(server)});
const s = await startWebServer({ rendererDir: ${JSON.stringify(rendererDir)}, dataDir: ${JSON.stringify(dataDir)} });
process.stdout.write(JSON.stringify({ port: s.port, token: s.token }) + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  child.on('exit', () => (exited = true));
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      const { port, token } = JSON.parse(line) as { port: number; token: string };
      done({ port, token, child, alive: () => !exited, stop: () => void (exited || child.kill()) });
    });
    child.on('exit', (code) => fail(new Error(`the web host exited (${code}) before listening: ${err}`)));
  });
}
