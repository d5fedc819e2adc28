/** The GPU bench scripts' command line: `arg('--steps')` is the word after `--steps`, or undefined. */
export const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
