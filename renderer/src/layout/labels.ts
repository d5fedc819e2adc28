/**
 * Where an edge's shape label goes: on the edge, and off every node. Candidates are tried along
 * the longest runs first, from their middle outwards, so a label sits in the open part of its edge
 * (between two rows, beside a skip's lane) rather than under a node it passes close by.
 */
import type { Point, Rect } from './route';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The label's drawn box: monospace 11 px text with 6 × 3 px padding (React Flow's EdgeText), a little generous. */
export function labelSize(text: string): Size {
  return { width: text.length * 6.8 + 16, height: 21 };
}

const hits = (c: Point, size: Size, r: Rect, margin: number) =>
  Math.abs(c.x - (r.x + r.width / 2)) < size.width / 2 + r.width / 2 + margin &&
  Math.abs(c.y - (r.y + r.height / 2)) < size.height / 2 + r.height / 2 + margin;

/** Offsets from a run's middle, in run fractions: 0, ±0.1, ±0.2 … */
const FRACTIONS = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88];

/** The label's centre on `points`, clear of `nodes` where possible (else the middle of the longest run). */
export function placeLabel(points: readonly Point[], size: Size, nodes: readonly Rect[]): Point | null {
  if (points.length < 2) return null;
  const runs = points
    .slice(1)
    .map((b, i) => ({ a: points[i]!, b, length: Math.abs(b.x - points[i]!.x) + Math.abs(b.y - points[i]!.y) }))
    .sort((p, q) => q.length - p.length);
  const longest = runs[0]!;
  for (const run of runs) {
    for (const f of FRACTIONS) {
      const c = { x: run.a.x + (run.b.x - run.a.x) * f, y: run.a.y + (run.b.y - run.a.y) * f };
      if (nodes.every((r) => !hits(c, size, r, 2))) return c;
    }
  }
  return { x: (longest.a.x + longest.b.x) / 2, y: (longest.a.y + longest.b.y) / 2 };
}
