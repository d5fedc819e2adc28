/**
 * Electron Forge: `npm start` (build, then run the app from this folder) and `npm run package`
 * (an unpacked app in out/). Installers come from electron-builder (`npm run dist`,
 * electron-builder.yml), which makes AppImage, deb, NSIS and DMG from one config.
 * The app folder holds only what runs: the bundles, the built renderer, templates and datasets.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';

/** Top-level paths the packaged app keeps; Forge prunes devDependencies from node_modules itself. */
const KEEP = /^\/(package\.json|dist-electron(\/.*)?|dist(\/renderer(\/.*)?)?|templates(\/.*)?|datasets(\/.*)?|node_modules(\/.*)?)$/;

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
      unpackDir: '{datasets,node_modules/@tensorflow/tfjs-node,node_modules/@tensorflow/tfjs-node-gpu,node_modules/@tensorflow/tfjs-backend-wasm/dist}',
    },
    ignore: (path: string) => path !== '' && (!KEEP.test(path) || path.endsWith('.map')),
  },
  rebuildConfig: {
    // tfjs-node uses N-API: the binary built for Node also loads in Electron.
    onlyModules: [],
  },
  makers: [],
};

export default config;
