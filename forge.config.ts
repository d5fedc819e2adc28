/**
 * Electron Forge: `npm start` (build, then run the app from this folder) and `npm run package`
 * (an unpacked app in out/). Installers come from electron-builder (`npm run dist`,
 * electron-builder.yml), which makes AppImage, deb, NSIS and DMG from one config.
 * The app folder holds only what runs: the bundles, the built renderer, templates, lessons and datasets.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';

/** Top-level paths the packaged app keeps; Forge prunes devDependencies from node_modules itself. */
const KEEP =
  /^\/(package\.json|dist-electron(\/.*)?|dist(\/renderer(\/.*)?)?|templates(\/.*)?|lessons(\/.*)?|datasets(\/.*)?|node_modules(\/.*)?)$/;

/**
 * Dawn (the `webgpu` package, GPU training) ships its native addon for every OS and CPU, 19–39 MB
 * each, in node_modules/webgpu/dist/<folder>: the app keeps only the one for the machine it is
 * packaged on (Forge packages for the host unless told otherwise; installers come from
 * electron-builder, which keeps each OS's own).
 */
export function dawnFolder(platform: string = process.platform, arch: string = process.arch): string {
  return platform === 'darwin' ? 'darwin-universal' : `${platform}-${arch}`;
}
const DAWN = /^\/node_modules\/webgpu\/dist\/([^/]+)/;

/** What `npm run package` leaves out of the app, by path from the project root ('/dist/…'). */
export function ignored(path: string, dawn = dawnFolder()): boolean {
  if (path === '') return false;
  const folder = DAWN.exec(path)?.[1];
  return !KEEP.test(path) || path.endsWith('.map') || (folder != null && folder !== dawn);
}

const config: ForgeConfig = {
  packagerConfig: {
    name: 'NetCanvas',
    executableName: 'netcanvas',
    appBundleId: 'org.netcanvas.app',
    appCategoryType: 'public.app-category.education',
    asar: {
      // Native tfjs binaries and the wasm kernels must be real files to be loaded; the trainer
      // reads the embedded datasets from a utility process.
      unpack: '**/*.{node,wasm,so,so.*,dylib,dll}',
      unpackDir:
        '{datasets,node_modules/@tensorflow/tfjs-node,node_modules/@tensorflow/tfjs-node-gpu,node_modules/@tensorflow/tfjs-backend-wasm/dist}',
    },
    ignore: (path: string) => ignored(path),
  },
  rebuildConfig: {
    // tfjs-node uses N-API: the binary built for Node also loads in Electron.
    onlyModules: [],
  },
  makers: [],
};

export default config;
