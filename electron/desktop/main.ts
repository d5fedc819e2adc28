/**
 * The desktop app's entry (bundled to dist-electron/main.cjs). Only paths are decided here; the
 * wiring lives in app.ts. Packaged, the app folder is inside app.asar; the datasets the trainer
 * reads are unpacked beside it (electron-builder's asarUnpack), so a utility process can read them.
 */
import * as electron from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { engineExporter } from '../services/export';
import { runDesktopApp } from './app';

const appDir = electron.app.getAppPath();
const unpacked = (path: string) => {
  const outside = path.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  return existsSync(outside) ? outside : path;
};

export const desktop = runDesktopApp(
  electron,
  {
    rendererDir: join(appDir, 'dist', 'renderer'),
    templatesDir: join(appDir, 'templates'),
    datasetsDir: unpacked(join(appDir, 'datasets')),
    preloadPath: join(__dirname, 'preload.cjs'),
    trainerPath: join(__dirname, 'trainer.cjs'),
  },
  engineExporter,
);
