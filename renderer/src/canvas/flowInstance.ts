/** The React Flow instance, for commands that act on the view (zoom to fit, paste at the centre). */
import type { Edge, ReactFlowInstance } from '@xyflow/react';
import type { LayerFlowNode } from './toFlow';

let instance: ReactFlowInstance<LayerFlowNode, Edge> | null = null;

export const setFlowInstance = (next: ReactFlowInstance<LayerFlowNode, Edge> | null): void => {
  instance = next;
};

/** Below this zoom, node text is too small to read; long graphs are shown from the top instead. */
const MIN_READABLE_ZOOM = 0.65;
const MARGIN = 40;

/** Fits the graph in view, but never smaller than readable: then the top of the graph is shown and the rest is a pan away. */
export function zoomToFit(animate = true): void {
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
  if (!instance || !pane || instance.getNodes().length === 0) return;
  const b = instance.getNodesBounds(instance.getNodes());
  const fit = Math.min((pane.width - 2 * MARGIN) / Math.max(1, b.width), (pane.height - 2 * MARGIN) / Math.max(1, b.height));
  const zoom = Math.min(1, Math.max(MIN_READABLE_ZOOM, fit));
  const x = pane.width / 2 - (b.x + b.width / 2) * zoom;
  const fitsVertically = b.height * zoom <= pane.height - 2 * MARGIN;
  const y = fitsVertically ? pane.height / 2 - (b.y + b.height / 2) * zoom : MARGIN - b.y * zoom;
  void instance.setViewport({ x, y, zoom }, animate ? { duration: 250 } : undefined);
}

/** After a new document arrives (open, new, template), once React Flow has measured its nodes. */
export function zoomToFitSoon(): void {
  setTimeout(() => zoomToFit(false), 80);
}

/** Where the middle of the visible canvas is, in graph coordinates. */
export function viewCentre(): { x: number; y: number } {
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
  if (!instance || !pane) return { x: 100, y: 100 };
  const p = instance.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 });
  return { x: Math.round(p.x - 100), y: Math.round(p.y - 40) };
}

export function screenToFlow(point: { x: number; y: number }): { x: number; y: number } {
  return instance ? instance.screenToFlowPosition(point) : point;
}
