/**
 * `npm run build:electron`: bundles the desktop main process, the preload and the trainer entry
 * into dist-electron/ as CommonJS (what Electron's main process, sandboxed preloads and utility
 * processes load most reliably). npm packages stay external, loaded from node_modules at run time
 * (native tfjs bindings cannot be bundled); the sandboxed preload may only require `electron`,
 * so it is bundled whole.
 */
import { build, type BuildOptions } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 42+ ships Node 22+.
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Code reading `import.meta.url` (resolving packages, finding data) gets this file's URL.
  define: { 'import.meta.url': '__netcanvasModuleUrl' },
  banner: { js: "const __netcanvasModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/** @param outDir where the bundles go; tests build elsewhere so they never race a running app. */
export async function buildElectron(outDir = resolve('dist-electron')): Promise<void> {
  const OUT = outDir;
  rmSync(OUT, { recursive: true, force: true });
  await Promise.all([
    build({
      ...common,
      entryPoints: { main: 'electron/desktop/main.ts' },
      outExtension: { '.js': '.cjs' },
      outdir: OUT,
      packages: 'external',
    }),
    build({
      ...common,
      entryPoints: { trainer: 'engine/train/entry.ts' },
      outExtension: { '.js': '.cjs' },
      outdir: OUT,
      packages: 'external',
    }),
    // The sandboxed preload's `require` knows only a few modules: no banner, nothing but electron.
    build({
      ...common,
      define: {},
      banner: {},
      entryPoints: { preload: 'electron/desktop/preload.ts' },
      outExtension: { '.js': '.cjs' },
      outdir: OUT,
      external: ['electron'],
    }),
  ]);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve('electron/build.ts')) {
  buildElectron().then(
    () => process.stdout.write('Built dist-electron/main.cjs, preload.cjs, trainer.cjs\n'),
    (err: Error) => {
      process.stderr.write(`build failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
