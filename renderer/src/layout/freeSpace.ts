/**
 * Where new nodes go so they never land on others: a free spot near where they were asked for
 * (a palette click, a paste), and room made in a column for a node put into an edge. Pure geometry
 * over the document's positions (every card is NODE_SIZE).
 */
import type { GraphDoc, NodeId, Position } from '../../../engine/graph/types';
import { NODE_SIZE, nodeRects } from './geometry';
import type { Rect } from './route';

/** Space kept between a new node and its neighbours. */
const GAP = 24;
/** One row of a laid-out column: a card and the space below it (autoLayout's layer spacing). */
export const ROW = NODE_SIZE.height + 48;

const overlaps = (a: Rect, b: Rect, gap: number) =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

/**
 * The free spot nearest to `want` (top-left corner) for a block of `size`, on a half-card grid
 * around it: the block keeps GAP from every node in `taken`.
 *
 * @example freeSpot(rects, { x: 100, y: 100 }, NODE_SIZE) // { x: 100, y: 100 } when nothing is there
 */
export function freeSpot(taken: readonly Rect[], want: Position, size: { width: number; height: number }): Position {
  const stepX = (NODE_SIZE.width + GAP) / 2;
  const stepY = (NODE_SIZE.height + GAP) / 2;
  const candidates: Position[] = [];
  for (let i = -10; i <= 10; i++) for (let j = -10; j <= 10; j++) candidates.push({ x: want.x + i * stepX, y: want.y + j * stepY });
  // Nearest first; on a tie, to the right and below (where a student looks for what they added).
  const cost = (p: Position) => Math.hypot(p.x - want.x, p.y - want.y) - (p.x >= want.x ? 0.1 : 0) - (p.y >= want.y ? 0.05 : 0);
  candidates.sort((a, b) => cost(a) - cost(b));
  const free = candidates.find((p) => taken.every((r) => !overlaps({ ...p, ...size }, r, GAP)));
  return free ? { x: Math.round(free.x), y: Math.round(free.y) } : want;
}

/** A free spot for one new card near `want`, in `doc`. */
export function freeSpotFor(doc: GraphDoc, want: Position): Position {
  return freeSpot([...nodeRects(doc).values()], want, NODE_SIZE);
}

/**
 * After a node was put into a column (into an edge, by a fix): when it sits on other nodes, it
 * takes the place of the node it feeds, and that node and everything at or below its row move
 * down one row. Otherwise the document is returned as it is.
 */
export function makeRoom(doc: GraphDoc, inserted: NodeId): GraphDoc {
  const rects = nodeRects(doc);
  const me = rects.get(inserted);
  if (!me || ![...rects].some(([id, r]) => id !== inserted && overlaps(me, r, 0))) return doc;
  const fed = doc.edges.find((e) => e.source === inserted)?.target;
  const anchor = fed ? rects.get(fed) : undefined;
  if (!anchor) return doc;
  const layout: Record<NodeId, Position> = { ...doc.layout };
  for (const [id, r] of rects) if (id !== inserted && r.y >= anchor.y - 1) layout[id] = { x: r.x, y: r.y + ROW };
  layout[inserted] = { x: anchor.x, y: anchor.y };
  return { ...doc, layout };
}
