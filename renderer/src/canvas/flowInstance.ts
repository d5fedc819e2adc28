/** The React Flow instance, for commands that act on the view (zoom to fit, paste at the centre). */
import type { ReactFlowInstance } from '@xyflow/react';
import { NODE_SIZE } from '../layout/geometry';
import type { LayerFlowNode, RoutedFlowEdge } from './toFlow';

let instance: ReactFlowInstance<LayerFlowNode, RoutedFlowEdge> | null = null;

export const setFlowInstance = (next: ReactFlowInstance<LayerFlowNode, RoutedFlowEdge> | null): void => {
  instance = next;
};

/**
 * A new document opens no smaller than this: node text (11–13 px) stays at 10 px or more on screen.
 * A graph that would need less is shown from its top, and the rest is a scroll away.
 */
export const READABLE_ZOOM = 0.9;
/**
 * The least zoom, the canvas's and Fit's: low enough that Fit shows a whole deep net (the residual
 * template's 80 layers stand about 10,000 px tall: 0.06 fits them in a 1600×1000 window).
 */
export const MIN_ZOOM = 0.04;
const MARGIN = 40;

function view(minZoom: number, animate: boolean): void {
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
  if (!instance || !pane || instance.getNodes().length === 0) return;
  const b = instance.getNodesBounds(instance.getNodes());
  const fit = Math.min((pane.width - 2 * MARGIN) / Math.max(1, b.width), (pane.height - 2 * MARGIN) / Math.max(1, b.height));
  const zoom = Math.min(1, Math.max(minZoom, fit));
  const fitsAcross = b.width * zoom <= pane.width - 2 * MARGIN;
  const fitsDown = b.height * zoom <= pane.height - 2 * MARGIN;
  const x = fitsAcross ? pane.width / 2 - (b.x + b.width / 2) * zoom : MARGIN - b.x * zoom;
  const y = fitsDown ? pane.height / 2 - (b.y + b.height / 2) * zoom : MARGIN - b.y * zoom;
  void instance.setViewport({ x, y, zoom }, animate ? { duration: 250 } : undefined);
}

/** Fits the whole graph in view, as the canvas's own fit button does (never above 100%). */
export function zoomToFit(animate = true): void {
  clearTimeout(pendingView);
  view(MIN_ZOOM, animate);
}

/** After a new document arrives (open, new, template), once React Flow has measured its nodes: readable, from the top. */
let pendingView: ReturnType<typeof setTimeout> | undefined;
export function zoomToFitSoon(): void {
  clearTimeout(pendingView);
  pendingView = setTimeout(() => view(READABLE_ZOOM, false), 80);
}

/** Where the middle of the visible canvas is, in graph coordinates. */
export function viewCentre(): { x: number; y: number } {
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
  if (!instance || !pane) return { x: 100, y: 100 };
  const p = instance.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 });
  return { x: Math.round(p.x - NODE_SIZE.width / 2), y: Math.round(p.y - NODE_SIZE.height / 2) };
}

export function screenToFlow(point: { x: number; y: number }): { x: number; y: number } {
  return instance ? instance.screenToFlowPosition(point) : point;
}
