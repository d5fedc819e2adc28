/** uPlot wants one shared x array; this merges several (x, y) lines onto the union of their xs, with gaps as null. */
import type uPlot from 'uplot';

export interface Line {
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
}

export function alignLines(lines: readonly Line[]): uPlot.AlignedData {
  if (lines.length === 1) return [lines[0]!.x as number[], lines[0]!.y as (number | null)[]];
  const xs = [...new Set(lines.flatMap((l) => l.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = lines.map((l) => {
    const column: (number | null)[] = new Array(xs.length).fill(null);
    l.x.forEach((x, i) => {
      column[index.get(x)!] = l.y[i] ?? null;
    });
    return column;
  });
  return [xs, ...ys];
}
