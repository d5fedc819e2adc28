import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelSize, placeLabel } from '../../renderer/src/layout/labels';
import {
  listLookup,
  obstacleOf,
  routeEdge as route,
  type EdgeEnds,
  type Obstacle,
  type Point,
  type Rect,
} from '../../renderer/src/layout/route';

const routeEdge = (edge: EdgeEnds, obstacles: Obstacle[]) => route(edge, listLookup(obstacles)).points;

const W = 200;
const H = 64;

/** Nodes on a coarse grid (never overlapping, rows at least 40 px apart), as a student might place them. */
const layouts = fc
  .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 9 })), {
    minLength: 2,
    maxLength: 18,
    selector: ([c, r]) => `${c},${r}`,
  })
  .map((cells) => cells.map(([c, r], i) => ({ id: `n${i}`, rect: { x: c * 260, y: r * 110, width: W, height: H } })));

const endsOf = (source: { id: string; rect: Rect }, target: { id: string; rect: Rect }): EdgeEnds => ({
  id: `${source.id}->${target.id}`,
  source: source.id,
  target: target.id,
  from: { x: source.rect.x + W / 2, y: source.rect.y + H + 5 },
  to: { x: target.rect.x + W / 2, y: target.rect.y - 5 },
});

/** Does the segment a–b pass through the inside of r (shrunk by 1 px)? */
function cuts(a: Point, b: Point, r: Rect): boolean {
  const [x0, x1] = [Math.min(a.x, b.x), Math.max(a.x, b.x)];
  const [y0, y1] = [Math.min(a.y, b.y), Math.max(a.y, b.y)];
  return x1 > r.x + 1 && x0 < r.x + r.width - 1 && y1 > r.y + 1 && y0 < r.y + r.height - 1;
}

describe('edge routing', () => {
  it('goes straight down when nothing is in the way', () => {
    const a = { id: 'a', rect: { x: 0, y: 0, width: W, height: H } };
    const b = { id: 'b', rect: { x: 0, y: 200, width: W, height: H } };
    const obstacles = [a, b].map((n) => obstacleOf(n.id, n.rect));
    expect(routeEdge(endsOf(a, b), obstacles)).toEqual([
      { x: 100, y: 69 },
      { x: 100, y: 195 },
    ]);
  });

  it('takes a skip around the nodes between its ends, beside them', () => {
    const column = Array.from({ length: 5 }, (_, i) => ({ id: `n${i}`, rect: { x: 0, y: i * 110, width: W, height: H } }));
    const points = routeEdge(
      endsOf(column[0]!, column[4]!),
      column.map((n) => obstacleOf(n.id, n.rect)),
    );
    for (const n of column.slice(1, 4))
      for (let i = 1; i < points.length; i++) expect(cuts(points[i - 1]!, points[i]!, n.rect)).toBe(false);
    expect(points.length).toBeLessThanOrEqual(6); // down, across, down the lane, across, down
  });

  it('never runs through a node it does not connect, and stays orthogonal, for any placement', () => {
    fc.assert(
      fc.property(layouts, fc.nat(), fc.nat(), (nodes, i, j) => {
        const source = nodes[i % nodes.length]!;
        const target = nodes[j % nodes.length]!;
        fc.pre(source !== target);
        const obstacles = nodes.map((n) => obstacleOf(n.id, n.rect));
        const edge = endsOf(source, target);
        const points = routeEdge(edge, obstacles);
        expect(points[0]).toEqual(edge.from);
        expect(points[points.length - 1]).toEqual(edge.to);
        for (let k = 1; k < points.length; k++) {
          const [a, b] = [points[k - 1]!, points[k]!];
          expect(a.x === b.x || a.y === b.y).toBe(true);
          for (const n of nodes) expect(cuts(a, b, n.rect), `${edge.id} segment ${k} through ${n.id}`).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('puts a label on its path and off the nodes beside it', () => {
    const beside = { x: 120, y: 100, width: W, height: H };
    const path = [
      { x: 100, y: 0 },
      { x: 100, y: 40 },
      { x: 340, y: 40 },
      { x: 340, y: 300 },
    ];
    const size = labelSize('28×28×32');
    const spot = placeLabel(path, size, [beside])!;
    const onPath = path.slice(1).some((b, i) => {
      const a = path[i]!;
      return Math.min(a.x, b.x) <= spot.x && spot.x <= Math.max(a.x, b.x) && Math.min(a.y, b.y) <= spot.y && spot.y <= Math.max(a.y, b.y);
    });
    expect(onPath).toBe(true);
    const clearOf =
      Math.abs(spot.x - (beside.x + W / 2)) >= size.width / 2 + W / 2 || Math.abs(spot.y - (beside.y + H / 2)) >= size.height / 2 + H / 2;
    expect(clearOf).toBe(true);
  });
});
