/**
 * What the packaged app carries of Dawn (the `webgpu` package, which holds a native addon for every
 * OS and CPU, 19–39 MB each): only its own OS's. Packaging itself needs the Electron binary, which
 * cannot be downloaded here, so this checks the two configs against the folders the installed
 * package really has.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dawnFolder, ignored } from '../../forge.config';

const folders = readdirSync('node_modules/webgpu/dist', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('Forge (npm run package)', () => {
  it("keeps this machine's Dawn addon and drops the other platforms'", () => {
    expect(folders).toContain(dawnFolder());
    for (const folder of folders) expect(ignored(`/node_modules/webgpu/dist/${folder}/dawn.node`), folder).toBe(folder !== dawnFolder());
    expect(ignored('/node_modules/webgpu/index.js')).toBe(false);
  });

  it('names the folder each OS and CPU uses', () => {
    expect(dawnFolder('darwin', 'arm64')).toBe('darwin-universal');
    expect(dawnFolder('win32', 'x64')).toBe('win32-x64');
    for (const [platform, arch] of [
      ['darwin', 'x64'],
      ['linux', 'x64'],
      ['linux', 'arm64'],
      ['win32', 'x64'],
      ['win32', 'arm64'],
    ])
      expect(folders).toContain(dawnFolder(platform, arch));
  });

  it('still keeps the app and leaves the sources and source maps out', () => {
    expect(ignored('/dist-electron/main.cjs')).toBe(false);
    expect(ignored('/dist-electron/main.cjs.map')).toBe(true);
    expect(ignored('/engine/train/train.ts')).toBe(true);
    expect(ignored('/templates/lenet5.json')).toBe(false);
    expect(ignored('/lessons/sgd.json')).toBe(false);
  });
});

describe('electron-builder (npm run dist)', () => {
  const yml = readFileSync('electron-builder.yml', 'utf8');
  /** The Dawn folder prefixes an OS section's `files` drops, from its "!node_modules/webgpu/dist/{a-*,b-*}/**". */
  const dropped = (section: string) => {
    const block = new RegExp(`^${section}:\\n((?:  .*\\n)+)`, 'm').exec(yml)?.[1] ?? '';
    const braces = /!node_modules\/webgpu\/dist\/\{([^}]+)\}\/\*\*/.exec(block)?.[1];
    return (braces ?? '').split(',').map((p) => p.replace(/\*$/, ''));
  };

  it.for([
    ['linux', 'linux-'],
    ['win', 'win32-'],
    ['mac', 'darwin-'],
  ] as const)("the %s installer keeps its own Dawn addons and drops every other OS's", ([section, own]) => {
    const drops = dropped(section);
    for (const folder of folders)
      expect(
        drops.some((p) => folder.startsWith(p)),
        `${section}: ${folder}`,
      ).toBe(!folder.startsWith(own));
  });
});
