/**
 * The drawn path and label spot of every edge, derived from the document's positions (every layer
 * card has the same size, NODE_SIZE, whatever it shows). An edge's route depends only on its ends
 * and the nodes near it, so a drag re-routes the edges around the moved nodes and reuses every
 * other route as it was.
 */
import type { GraphDoc, GraphEdge, NodeId } from '../../../engine/graph/types';
import { getLayer } from '../../../engine/layers/registry';
import { labelSize, placeLabel } from '../layout/labels';
import {
  listLookup,
  obstacleOf,
  regionOf,
  routeEdge,
  type EdgeEnds,
  type Obstacle,
  type ObstacleLookup,
  type Point,
  type Rect,
} from '../layout/route';
import { edgeKey } from '../store/actions';
import { nodeRects } from '../layout/geometry';

/** Incoming edges of each node in port order, as the checker orders them. */
export function portRanks(edges: readonly GraphEdge[]): Map<GraphEdge, number> {
  const byTarget = new Map<NodeId, { e: GraphEdge; i: number }[]>();
  edges.forEach((e, i) => byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), { e, i }]));
  const ranks = new Map<GraphEdge, number>();
  for (const list of byTarget.values()) {
    list.sort((a, b) => (a.e.targetPort ?? Infinity) - (b.e.targetPort ?? Infinity) || a.i - b.i);
    list.forEach(({ e }, rank) => ranks.set(e, rank));
  }
  return ranks;
}

/** Handles sit centred on the card's border: the plain ones are 10 px, merges' numbered ports 16 px (styles.css). */
const HANDLE = 10;
const PORT = 16;

export interface EdgeRoute {
  readonly points: readonly Point[];
  /** Where the label's centre goes (null: too short to have one). */
  readonly label: Point | null;
  /** The region margin it was routed in (route.ts) and what it held: equal keys mean the same route. */
  readonly margin: number;
  readonly key: string;
  /** The label text it was placed for. */
  readonly text: string;
}

export type Routes = ReadonlyMap<string, EdgeRoute>;

/** How many input handles a node shows: merges show one more than they use, so there is always a free one. */
export function inputPorts(type: string, incoming: number): number {
  const spec = getLayer(type);
  if (spec?.arity.max === 0) return 0;
  return (spec?.arity.max ?? 1) > 1 ? Math.max(2, incoming + 1) : 1;
}

/** Where each edge leaves its source and enters its target, as React Flow places the handles. */
export function edgeEnds(doc: GraphDoc, rects: ReadonlyMap<NodeId, Rect>): EdgeEnds[] {
  const ranks = portRanks(doc.edges);
  const incoming = new Map<NodeId, number>();
  for (const e of doc.edges) incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
  const typeOf = new Map(doc.nodes.map((n) => [n.id, n.type]));
  const ends: EdgeEnds[] = [];
  for (const e of doc.edges) {
    const s = rects.get(e.source);
    const t = rects.get(e.target);
    if (!s || !t) continue;
    const ports = inputPorts(typeOf.get(e.target) ?? '', incoming.get(e.target) ?? 0);
    const numbered = ports > 1;
    const x = numbered ? t.x + (t.width * ((ranks.get(e) ?? 0) + 1)) / (ports + 1) : t.x + t.width / 2;
    ends.push({
      id: edgeKey(e.source, e.target),
      source: e.source,
      target: e.target,
      from: { x: s.x + s.width / 2, y: s.y + s.height + HANDLE / 2 },
      to: { x, y: t.y - (numbered ? PORT : HANDLE) / 2 },
    });
  }
  return ends;
}

/** Obstacles bucketed on a coarse grid, so an edge finds the nodes near it without visiting them all. */
function bucketLookup(all: readonly Obstacle[]): ObstacleLookup {
  const SIZE = 256;
  const buckets = new Map<string, Obstacle[]>();
  const cells = (o: Obstacle, visit: (key: string) => void) => {
    for (let i = Math.floor(o.left / SIZE); i <= Math.floor(o.right / SIZE); i++)
      for (let j = Math.floor(o.top / SIZE); j <= Math.floor(o.bottom / SIZE); j++) visit(`${i},${j}`);
  };
  for (const o of all) cells(o, (key) => (buckets.get(key) ?? buckets.set(key, []).get(key)!).push(o));
  const list = listLookup([...all].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  return (region) => {
    const span = ((region.right - region.left) / SIZE + 1) * ((region.bottom - region.top) / SIZE + 1);
    if (span > all.length) return list(region);
    const found = new Set<Obstacle>();
    cells(region, (key) => buckets.get(key)?.forEach((o) => found.add(o)));
    // In id order, so the same obstacles always make the same route key.
    return listLookup([...found].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))(region);
  };
}

const rectKey = (o: Obstacle) => `${o.id}:${o.left},${o.top},${o.right},${o.bottom}`;
const routeKey = (edge: EdgeEnds, near: readonly Obstacle[]) =>
  `${edge.from.x},${edge.from.y}>${edge.to.x},${edge.to.y}|${near.map(rectKey).join(';')}`;

/** What the last call was given, so an edit that moved nothing (a param, a label) reuses every route at once. */
let lastInputs: {
  layout: GraphDoc['layout'];
  edges: GraphDoc['edges'];
  types: string;
  labels: ReadonlyMap<string, string>;
  routes: Routes;
} | null = null;

const sameLabels = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/**
 * Every edge's route, reusing `previous` entries whose inputs did not change.
 *
 * @param labels each edge's label text, by edge key (it sizes the label's box)
 */
export function routeAll(doc: GraphDoc, labels: ReadonlyMap<string, string>, previous: Routes): Routes {
  const types = doc.nodes.map((n) => `${n.id}:${n.type}`).join(',');
  const last = lastInputs;
  if (
    last &&
    last.routes === previous &&
    last.layout === doc.layout &&
    last.edges === doc.edges &&
    last.types === types &&
    sameLabels(last.labels, labels)
  )
    return previous;
  const rects = nodeRects(doc);
  const lookup = bucketLookup([...rects].map(([id, r]) => obstacleOf(id, r)));
  const boxes = [...rects.values()];
  const routes = new Map<string, EdgeRoute>();
  for (const edge of edgeEnds(doc, rects)) {
    const text = labels.get(edge.id) ?? '';
    const old = previous.get(edge.id);
    const key = old ? routeKey(edge, lookup(regionOf(edge, old.margin))) : '';
    if (old && old.key === key) {
      routes.set(edge.id, old.text === text ? old : { ...old, text, label: text ? placeLabel(old.points, labelSize(text), boxes) : null });
      continue;
    }
    const { points, margin } = routeEdge(edge, lookup);
    routes.set(edge.id, {
      points,
      margin,
      text,
      label: text ? placeLabel(points, labelSize(text), boxes) : null,
      key: routeKey(edge, lookup(regionOf(edge, margin))),
    });
  }
  lastInputs = { layout: doc.layout, edges: doc.edges, types, labels, routes };
  return routes;
}
