/**
 * Orthogonal edge routing around the nodes, wherever they are: after auto-layout, after a drag,
 * in a file laid out by hand. Each edge leaves its source straight down and enters its target
 * straight from above; in between it takes the straight or one-step path when that is clear,
 * else the shortest path with the fewest bends on the orthogonal visibility grid of the nodes'
 * padded boxes (A*). Pure geometry in flow coordinates, so it is tested without a browser.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface EdgeEnds {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** The source handle (bottom of the source node) and the target's input handle (top of the target). */
  readonly from: Point;
  readonly to: Point;
}

/** How far a path keeps from nodes it passes. */
export const CLEARANCE = 16;
/** The straight run out of a source and into a target before any turn. */
const STUB = 20;
/** A bend costs as much as this much length: fewer, longer runs read better. */
const BEND_COST = 40;

export interface Obstacle {
  readonly id: string;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** A node's box grown by the clearance: what paths keep out of. */
export const obstacleOf = (id: string, r: Rect): Obstacle => ({
  id,
  left: r.x - CLEARANCE,
  top: r.y - CLEARANCE,
  right: r.x + r.width + CLEARANCE,
  bottom: r.y + r.height + CLEARANCE,
});

/** Does the open segment a–b (horizontal or vertical) pass through the interior of o? */
function crosses(a: Point, b: Point, o: Obstacle): boolean {
  if (a.y === b.y) {
    if (!(a.y > o.top && a.y < o.bottom)) return false;
    return Math.max(a.x, b.x) > o.left && Math.min(a.x, b.x) < o.right;
  }
  if (!(a.x > o.left && a.x < o.right)) return false;
  return Math.max(a.y, b.y) > o.top && Math.min(a.y, b.y) < o.bottom;
}

const clear = (points: readonly Point[], obstacles: readonly Obstacle[]): boolean =>
  points.every((p, i) => i === 0 || obstacles.every((o) => !crosses(points[i - 1]!, p, o)));

/** Drops repeated points and points in the middle of a straight run. */
export function simplify(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && last.x === p.x && last.y === p.y) continue;
    const before = out[out.length - 2];
    if (before && last && ((before.x === last.x && last.x === p.x) || (before.y === last.y && last.y === p.y))) out.pop();
    out.push(p);
  }
  return out;
}

/** Simple paths may pass nodes closer than the grid's clearance, as long as they do not touch them. */
const NEAR = CLEARANCE - 4;
const tight = (o: Obstacle): Obstacle => ({
  id: o.id,
  left: o.left + NEAR,
  top: o.top + NEAR,
  right: o.right - NEAR,
  bottom: o.bottom - NEAR,
});

/**
 * The straight line, or one step across between the ends (half-way, else just above the target or
 * just below the source): what most edges of a layered graph are, found without a search.
 */
function simpleRoute(from: Point, to: Point, obstacles: readonly Obstacle[]): Point[] | null {
  if (to.y - from.y < 2 * (CLEARANCE - NEAR)) return null;
  const close = obstacles.map(tight);
  if (Math.abs(from.x - to.x) < 0.5) {
    const straight = [from, { x: from.x, y: to.y }];
    return clear(straight, close) ? straight : null;
  }
  const s = Math.min(from.y + STUB, (from.y + to.y) / 2);
  const t = Math.max(to.y - STUB, (from.y + to.y) / 2);
  for (const y of [(from.y + to.y) / 2, t, s]) {
    const path = [from, { x: from.x, y }, { x: to.x, y }, to];
    if (clear(path, close)) return path;
  }
  return null;
}

const within = (p: Point, o: Obstacle) => p.x > o.left && p.x < o.right && p.y > o.top && p.y < o.bottom;

/** The obstacle with its padding cut back so that `p` is outside it, when `p` is in the padding only. */
function yieldTo(o: Obstacle, p: Point): Obstacle {
  if (!within(p, o)) return o;
  const node = { left: o.left + CLEARANCE, top: o.top + CLEARANCE, right: o.right - CLEARANCE, bottom: o.bottom - CLEARANCE };
  if (p.y >= node.bottom) return { ...o, bottom: p.y };
  if (p.y <= node.top) return { ...o, top: p.y };
  if (p.x >= node.right) return { ...o, right: p.x };
  if (p.x <= node.left) return { ...o, left: p.x };
  return o;
}

/** A binary min-heap of grid states by cost. */
class Heap {
  private readonly items: { key: number; state: number }[] = [];
  get size() {
    return this.items.length;
  }
  push(key: number, state: number) {
    const a = this.items;
    a.push({ key, state });
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.key <= a[i]!.key) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!.state;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.key < a[m]!.key) m = l;
        if (r < a.length && a[r]!.key < a[m]!.key) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

const sortedUnique = (values: number[]) => [...new Set(values.map((v) => Math.round(v * 2) / 2))].sort((a, b) => a - b);

/**
 * A* over the grid whose lines are the padded boxes' sides, the ends' coordinates and the lines
 * midway between neighbours (so a path runs down the middle of a corridor). Every grid cell lies
 * wholly inside or outside each box, so a move is blocked exactly when the cells on both sides of
 * it are covered.
 */
function gridRoute(from: Point, to: Point, all: readonly Obstacle[], bounds: Obstacle): Point[] | null {
  const s = { x: from.x, y: from.y + STUB };
  const t = { x: to.x, y: to.y - STUB };
  // Where rows sit closer than two clearances, a neighbour's padding may cover a stub's end: it
  // gives way there (the node itself never does).
  const obstacles = all.map((o) => yieldTo(yieldTo(o, s), t));
  const baseX = [s.x, t.x, bounds.left, bounds.right, ...obstacles.flatMap((o) => [o.left, o.right])];
  const baseY = [s.y, t.y, bounds.top, bounds.bottom, ...obstacles.flatMap((o) => [o.top, o.bottom])];
  const withMidlines = (values: number[]) => {
    const v = sortedUnique(values);
    return sortedUnique([...v, ...v.slice(1).map((x, i) => (x + v[i]!) / 2)]);
  };
  const xs = withMidlines(baseX);
  const ys = withMidlines(baseY);
  const nx = xs.length;
  const ny = ys.length;
  // covered[i + j * (nx - 1)]: the cell between xs[i]..xs[i+1] and ys[j]..ys[j+1] is inside a box.
  const covered = new Uint8Array(Math.max(0, (nx - 1) * (ny - 1)));
  const indexOf = (values: number[], v: number) => values.indexOf(Math.round(v * 2) / 2);
  for (const o of obstacles) {
    const i0 = indexOf(xs, o.left);
    const i1 = indexOf(xs, o.right);
    const j0 = indexOf(ys, o.top);
    const j1 = indexOf(ys, o.bottom);
    for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) covered[i + j * (nx - 1)] = 1;
  }
  const cell = (i: number, j: number) => (i < 0 || j < 0 || i >= nx - 1 || j >= ny - 1 ? 0 : covered[i + j * (nx - 1)]!);
  // Moving right from (i, j) runs between cells (i, j-1) and (i, j); moving down from (i, j) between (i-1, j) and (i, j).
  const blockedH = (i: number, j: number) => cell(i, j - 1) === 1 && cell(i, j) === 1;
  const blockedV = (i: number, j: number) => cell(i - 1, j) === 1 && cell(i, j) === 1;

  const si = indexOf(xs, s.x);
  const sj = indexOf(ys, s.y);
  const ti = indexOf(xs, t.x);
  const tj = indexOf(ys, t.y);
  // State: ((j * nx) + i) * 2 + axis, axis 0 = arrived moving vertically, 1 = horizontally.
  const total = nx * ny * 2;
  const cost = new Float64Array(total).fill(Infinity);
  const previous = new Int32Array(total).fill(-1);
  const heap = new Heap();
  const h = (i: number, j: number) => Math.abs(xs[i]! - xs[ti]!) + Math.abs(ys[j]! - ys[tj]!);
  const start = (sj * nx + si) * 2;
  cost[start] = 0;
  heap.push(h(si, sj), start);
  // The last run drops straight into the target: arriving across costs one more bend.
  const goalNode = tj * nx + ti;
  let goal = -1;
  let best = Infinity;
  while (heap.size > 0) {
    const state = heap.pop();
    const node = state >> 1;
    const axis = state & 1;
    const here = cost[state]!;
    if (here >= best) break; // every later state costs at least this much
    if (node === goalNode) {
      const total = here + (axis === 1 ? BEND_COST : 0);
      if (total < best) {
        best = total;
        goal = state;
      }
      continue;
    }
    const i = node % nx;
    const j = (node - i) / nx;
    const relax = (ni: number, nj: number, nAxis: number) => {
      const length = Math.abs(xs[ni]! - xs[i]!) + Math.abs(ys[nj]! - ys[j]!);
      const next = (nj * nx + ni) * 2 + nAxis;
      const c = here + length + (nAxis === axis ? 0 : BEND_COST);
      if (c < cost[next]!) {
        cost[next] = c;
        previous[next] = state;
        heap.push(c + h(ni, nj), next);
      }
    };
    if (i + 1 < nx && !blockedH(i, j)) relax(i + 1, j, 1);
    if (i > 0 && !blockedH(i - 1, j)) relax(i - 1, j, 1);
    if (j + 1 < ny && !blockedV(i, j)) relax(i, j + 1, 0);
    if (j > 0 && !blockedV(i, j - 1)) relax(i, j - 1, 0);
  }
  if (goal < 0) return null;
  const path: Point[] = [to];
  for (let state = goal; state >= 0; state = previous[state]!) {
    const node = state >> 1;
    const i = node % nx;
    path.push({ x: xs[i]!, y: ys[(node - i) / nx]! });
  }
  path.push(from);
  return simplify(path.reverse());
}

/** The margins around an edge's ends it is routed within: first near its ends, then wider. */
export const REGION_MARGINS = [120, 480] as const;

/** The part of the canvas an edge is routed in: its ends' box, grown by `margin`. */
export function regionOf(edge: EdgeEnds, margin: number): Obstacle {
  const { from, to } = edge;
  return {
    id: '',
    left: Math.min(from.x, to.x) - margin,
    right: Math.max(from.x, to.x) + margin,
    top: Math.min(from.y, to.y) - margin,
    bottom: Math.max(from.y, to.y) + margin,
  };
}

/** The obstacles that overlap a region. */
export type ObstacleLookup = (region: Obstacle) => readonly Obstacle[];

/** A lookup over a plain list (tests, small graphs). */
export const listLookup =
  (all: readonly Obstacle[]): ObstacleLookup =>
  (r) =>
    all.filter((o) => o.right > r.left && o.left < r.right && o.bottom > r.top && o.top < r.bottom);

export interface Route {
  readonly points: Point[];
  /** The region margin it was found in: the route depends only on the obstacles within it. */
  readonly margin: number;
}

/**
 * The route of one edge among the nodes' `obstacleOf` boxes (its own ends included: a path must not
 * run back through them either). Searched near the ends first, then in a wider region; a graph
 * walled in even there gets a plain three-run path (bounded work on any graph).
 *
 * @example
 *   routeEdge({ id: 'a->b', source: 'a', target: 'b', from: { x: 100, y: 60 }, to: { x: 100, y: 300 } }, listLookup(obstacles))
 *   // { points: [{ x: 100, y: 60 }, { x: 100, y: 300 }], margin: 320 } when nothing is in between
 */
export function routeEdge(edge: EdgeEnds, lookup: ObstacleLookup): Route {
  const { from, to } = edge;
  for (const margin of REGION_MARGINS) {
    const region = regionOf(edge, margin);
    const near = lookup(region);
    if (margin === REGION_MARGINS[0]) {
      // A path that only goes down cannot run back into its own ends, whose padding it starts and ends in.
      const simple = simpleRoute(
        from,
        to,
        near.filter((o) => o.id !== edge.source && o.id !== edge.target),
      );
      if (simple) return { points: simple, margin };
    }
    const found = gridRoute(from, to, near, region);
    if (found) return { points: found, margin };
  }
  const y = from.y + STUB;
  return { points: [from, { x: from.x, y }, { x: to.x, y }, to], margin: REGION_MARGINS[REGION_MARGINS.length - 1]! };
}
