/**
 * A real full disk for tests: a tmpfs of a few KiB mounted on a temporary folder. Needs the right
 * to mount (root, as on our CI); elsewhere `mountTinyDisk` returns null and the test says it skipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyDisk {
  readonly dir: string;
  /** Fills what is left, so the next write of any size fails with ENOSPC. */
  fill(): void;
  unmount(): void;
}

export function mountTinyDisk(bytes = 64 * 1024): TinyDisk | null {
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-tinydisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    fill() {
      for (let i = 0; ; i++) {
        try {
          writeFileSync(join(dir, `filler-${i}`), Buffer.alloc(4096));
        } catch {
          return;
        }
      }
    },
    unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TINY_DISK_SKIP = 'mounting a small tmpfs needs root; this machine refused it';
