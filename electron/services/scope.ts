/**
 * Which files the UI may reach. The renderer is untrusted (it will render lessons others wrote),
 * so the host keeps the set of paths the user chose and refuses every other one with a message:
 * native dialogs, the web page's path prompt, recent files, the folders of opened graphs, the data
 * folder, the templates and the embedded datasets. (Electron's "limit what IPC can do" and VS
 * Code's workspace trust are the models.)
 *
 * A path is judged by where it really is: symbolic links and `..` are resolved first, so a link
 * inside a chosen folder that points elsewhere is refused. Inside a chosen folder, hidden entries
 * (`.git`, `.ssh`) stay out unless chosen themselves. Pseudo file systems (/proc, /sys, /dev) are
 * never reachable. A choice made in the page itself (the web host's path prompt) is a `page`
 * grant: it may not name a system folder, a hidden one, the file-system root or the home folder
 * as a whole. Grants persist in the data folder, so a chosen dataset still trains tomorrow.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, parse, relative, resolve, sep } from 'node:path';
import { readTextBounded, writeFileAtomic } from '../../engine/io';
import { ApiError } from '../api/contract';

/** Who chose the path: the host itself (a native dialog, the OS, the data folder) or the page (the web prompt). */
export type GrantSource = 'host' | 'page';
export type GrantKind = 'file' | 'folder';
export type Access = 'read' | 'write' | 'list';

export interface Grant {
  /** The real path (links resolved). */
  readonly path: string;
  readonly kind: GrantKind;
  readonly source: GrantSource;
}

export interface PathScope {
  /** Records a path the user chose; resolves to its real path. Throws ApiError for a page grant the rules refuse. */
  grant(path: string, kind: GrantKind | 'auto', source: GrantSource): Promise<string>;
  /** Resolves when `path` may be used for `access`; throws an ApiError that says why not and what to do. */
  check(path: string, access: Access): Promise<void>;
  /** True when `path` is within a grant (no error). */
  allows(path: string, access: Access): Promise<boolean>;
  /**
   * The folder of a graph the user opened or saved, so its data and exports beside it work: granted
   * under the page's rules (never the whole home folder, the disk, a system or hidden folder).
   */
  grantFolderOf(file: string): Promise<void>;
  /** A chosen path becomes a folder (an export of several files into the path chosen for it); refused like `check`. */
  useAsFolder(path: string): Promise<void>;
  readonly grants: () => readonly Grant[];
}

/** Never reachable, whoever chose them: the kernel's and devices' pseudo files. */
const PSEUDO_ROOTS = process.platform === 'linux' ? ['/proc', '/sys', '/dev'] : process.platform === 'darwin' ? ['/dev'] : [];
/** Not choosable from the page: system folders hold no student's graphs or data. */
const SYSTEM_ROOTS =
  process.platform === 'win32'
    ? [process.env['SystemRoot'] ?? 'C:\\Windows', process.env['ProgramData'] ?? 'C:\\ProgramData']
    : [
        '/etc',
        '/boot',
        '/root',
        '/run',
        '/var',
        '/bin',
        '/sbin',
        '/lib',
        '/lib32',
        '/lib64',
        '/usr/bin',
        '/usr/sbin',
        '/usr/lib',
        '/usr/libexec',
        '/usr/local/bin',
        '/private',
        '/System',
        '/Library',
      ];
const MAX_GRANTS = 200;

const fold = (p: string) => (process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p);
const within = (child: string, parent: string) => {
  const rel = relative(fold(parent), fold(child));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
};
const hiddenPart = (rel: string) => rel.split(/[\\/]/).some((part) => part.startsWith('.') && part !== '.' && part !== '..');

/** The real path of `path`, which may not exist yet: its nearest existing ancestor's real path plus the rest. */
export async function realPathOf(path: string): Promise<string> {
  const full = resolve(path);
  try {
    return await realpath(full);
  } catch {
    const parent = dirname(full);
    if (parent === full) return full;
    return join(await realPathOf(parent), basename(full));
  }
}

export interface ScopeOptions {
  readonly homeDir: string;
  /** Where grants persist (a JSON list); omitted: kept in memory only. */
  readonly file?: string;
  /** Paths chosen by the installation itself: data folder, templates, embedded datasets. */
  readonly builtIn?: readonly { path: string; kind: GrantKind }[];
  /** Graph files opened before (the recent list): each file, and its folder under the page's rules. */
  readonly openedBefore?: () => Promise<readonly string[]>;
}

export function createPathScope(options: ScopeOptions): PathScope {
  let grants: Grant[] = [];
  const home = resolve(options.homeDir);

  const save = async () => {
    if (!options.file) return;
    const kept = grants.filter((g) => !builtIn.has(g.path)).slice(-MAX_GRANTS);
    // The list is a convenience: failing to keep it must not fail the request that added to it.
    await writeFileAtomic(options.file, JSON.stringify(kept, null, 2)).catch(() => undefined);
  };
  const add = (grant: Grant) => {
    grants = [...grants.filter((g) => g.path !== grant.path), grant];
  };

  /** Why the page may not choose `real` itself, or null. */
  const pageRefusal = (real: string, kind: GrantKind): string | null => {
    const system = [...PSEUDO_ROOTS, ...SYSTEM_ROOTS].find((r) => within(real, r));
    // The user's own home is theirs even where it lives among system folders (/root, /var/home).
    if (system && (PSEUDO_ROOTS.includes(system) || !within(real, home))) return `it is in a system folder (${system})`;
    if (hiddenPart(relative(parse(real).root, real))) return 'it is hidden (its name or a folder above it starts with ".")';
    if (kind === 'folder' && (real === parse(real).root || fold(real) === fold(home))) {
      return 'it is the whole disk or your whole home folder; choose the folder that holds the data';
    }
    return null;
  };

  const builtIn = new Set<string>();
  const ready = (async () => {
    for (const b of options.builtIn ?? []) {
      const path = await realPathOf(b.path);
      builtIn.add(path);
      add({ path, kind: b.kind, source: 'host' });
    }
    for (const file of (await options.openedBefore?.().catch(() => [])) ?? []) {
      const real = await realPathOf(file);
      add({ path: real, kind: 'file', source: 'host' });
      if (!pageRefusal(dirname(real), 'folder')) add({ path: dirname(real), kind: 'folder', source: 'page' });
    }
    if (!options.file) return;
    try {
      const saved = JSON.parse(await readTextBounded(options.file, { maxBytes: 1024 * 1024 })) as unknown;
      if (!Array.isArray(saved)) return;
      for (const g of saved as Partial<Grant>[]) {
        if (typeof g?.path !== 'string' || (g.kind !== 'file' && g.kind !== 'folder')) continue;
        const source = g.source === 'host' ? 'host' : 'page';
        // A damaged or edited list cannot grant what the page could not choose.
        if (source === 'page' && pageRefusal(g.path, g.kind)) continue;
        add({ path: g.path, kind: g.kind, source });
      }
    } catch {
      // Missing or damaged: start with the built-in grants.
    }
  })();

  const covering = (real: string): Grant | null => {
    for (let i = grants.length - 1; i >= 0; i--) {
      const g = grants[i]!;
      if (g.kind === 'file' ? fold(g.path) === fold(real) : within(real, g.path)) {
        // Hidden entries inside a chosen folder are not part of the choice.
        if (g.kind === 'folder' && hiddenPart(relative(g.path, real))) continue;
        return g;
      }
    }
    return null;
  };

  const refusal = async (path: string, access: Access): Promise<string | null> => {
    await ready;
    const real = await realPathOf(path);
    if (PSEUDO_ROOTS.some((r) => within(real, r))) return 'NetCanvas does not open system files';
    // Browsing names in the page's path prompt: anywhere the page could choose.
    if (access === 'list' && !pageRefusal(real, 'file')) return null;
    if (covering(real)) return null;
    const through = fold(real) === fold(resolve(path)) ? '' : ` (it leads to ${real})`;
    return `it is not a file or folder you chose in NetCanvas${through}; choose it with Open…, Save As…, or the dataset's Folder… and File… buttons`;
  };

  return {
    async grant(path, kind, source) {
      await ready;
      const real = await realPathOf(path);
      const resolvedKind: GrantKind = kind === 'auto' ? ((await stat(real).catch(() => null))?.isDirectory() ? 'folder' : 'file') : kind;
      if (PSEUDO_ROOTS.some((r) => within(real, r)))
        throw new ApiError(`NetCanvas cannot use ${path}: NetCanvas does not open system files`);
      const why = source === 'page' ? pageRefusal(real, resolvedKind) : null;
      if (why) throw new ApiError(`NetCanvas cannot use ${path}: ${why}`);
      add({ path: real, kind: resolvedKind, source });
      await save();
      return real;
    },
    async check(path, access) {
      const why = await refusal(path, access);
      if (why) throw new ApiError(`${access === 'write' ? 'Could not save' : 'Could not open'} ${path}: ${why}`);
    },
    async allows(path, access) {
      return (await refusal(path, access)) === null;
    },
    async useAsFolder(path) {
      const why = await refusal(path, 'write');
      if (why) throw new ApiError(`Could not save ${path}: ${why}`);
      const real = await realPathOf(path);
      const g = covering(real)!;
      if (g.kind === 'folder') return;
      const pageWhy = g.source === 'page' ? pageRefusal(real, 'folder') : null;
      if (pageWhy) throw new ApiError(`Could not save into ${path}: ${pageWhy}`);
      add({ path: real, kind: 'folder', source: g.source });
      await save();
    },
    async grantFolderOf(file) {
      await ready;
      const folder = dirname(await realPathOf(file));
      if (pageRefusal(folder, 'folder') || covering(folder)) return;
      add({ path: folder, kind: 'folder', source: 'page' });
      await save();
    },
    grants: () => grants,
  };
}
