/**
 * Where the nodes are on the canvas, from the document alone: every layer card has the same size,
 * and a node without a saved position sits on a grid in file order.
 */
import type { GraphDoc, NodeId } from '../../../engine/graph/types';
import type { Rect } from './route';

/** Every layer card's size (styles.css .layer-node): fixed, so routes and layouts never wait for a measurement. */
export const NODE_SIZE = { width: 216, height: 76 };

/** Where a node without a saved position goes: a grid in file order. */
export const defaultPosition = (i: number) => ({ x: 40 + (i % 4) * 260, y: 40 + Math.floor(i / 4) * 140 });

export function nodeRects(doc: GraphDoc): Map<NodeId, Rect> {
  const rects = new Map<NodeId, Rect>();
  doc.nodes.forEach((n, i) => {
    const p = doc.layout?.[n.id] ?? defaultPosition(i);
    rects.set(n.id, { x: p.x, y: p.y, ...NODE_SIZE });
  });
  return rects;
}
