import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The code keeps one format (prettier, .prettierrc.json; what it skips is in .prettierignore), so a
// diff shows only what changed. Run `npx prettier --write .` to mend a failure here.
describe('formatting', () => {
  it('every source file is formatted with prettier', () => {
    let unformatted = '';
    try {
      execFileSync(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--list-different', '.'], { encoding: 'utf8' });
    } catch (err) {
      unformatted = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(unformatted.split('\n').filter(Boolean)).toEqual([]);
  }, 120_000);
});
