/**
 * What is drawn on the canvas, measured in the page: every node's box and every edge's path and
 * label, in screen pixels. A path is sampled along its length (SVG's own getPointAtLength), so the
 * measure holds for any kind of curve, not only the ones the editor draws today.
 */
import type { Page } from 'playwright-core';

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface DrawnEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Points along the path, about every 2 screen pixels. */
  readonly points: readonly { x: number; y: number }[];
  readonly label: { text: string; box: Box } | null;
}

export interface Drawing {
  readonly nodes: Readonly<Record<string, Box>>;
  readonly edges: readonly DrawnEdge[];
}

export async function measureDrawing(page: Page): Promise<Drawing> {
  return page.evaluate(() => {
    const boxOf = (r: DOMRect) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const nodes: Record<string, ReturnType<typeof boxOf>> = {};
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node')) {
      // The visible card, not React Flow's wrapper (which may be larger while measuring).
      const card = el.querySelector('.layer-node') ?? el;
      nodes[el.dataset.id!] = boxOf(card.getBoundingClientRect());
    }
    const edges = [...document.querySelectorAll<SVGGElement>('.react-flow__edge')].map((el) => {
      const id = el.getAttribute('data-id')!;
      const [source, target] = id.split('->');
      const path = el.querySelector<SVGPathElement>('path.react-flow__edge-path')!;
      const matrix = path.getScreenCTM()!;
      const length = path.getTotalLength();
      const scale = Math.hypot(matrix.a, matrix.b) || 1;
      const steps = Math.max(2, Math.ceil((length * scale) / 2));
      const points = Array.from({ length: steps + 1 }, (_, i) => {
        const p = path.getPointAtLength((length * i) / steps).matrixTransform(matrix);
        return { x: p.x, y: p.y };
      });
      const bg = el.querySelector('.react-flow__edge-textbg');
      const text = el.querySelector('.react-flow__edge-text')?.textContent ?? '';
      return { id, source: source!, target: target!, points, label: bg ? { text, box: boxOf(bg.getBoundingClientRect()) } : null };
    });
    return { nodes, edges };
  });
}

const inside = (p: { x: number; y: number }, b: Box, margin: number) =>
  p.x > b.left + margin && p.x < b.right - margin && p.y > b.top + margin && p.y < b.bottom - margin;

const overlaps = (a: Box, b: Box, margin: number) =>
  a.left < b.right - margin && b.left < a.right - margin && a.top < b.bottom - margin && b.top < a.bottom - margin;

/** Distance along the path from its start to point i. */
function arcLengths(points: readonly { x: number; y: number }[]): number[] {
  const out = [0];
  for (let i = 1; i < points.length; i++)
    out.push(out[i - 1]! + Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y));
  return out;
}

/**
 * Everything wrong with a drawing, one sentence each: an edge that runs through a node it does not
 * connect (or back through its own ends), a label away from its edge or over a node.
 */
export function drawingProblems(drawing: Drawing, tolerance = 1.5): string[] {
  const problems: string[] = [];
  for (const edge of drawing.edges) {
    const along = arcLengths(edge.points);
    const total = along[along.length - 1]!;
    for (const [id, box] of Object.entries(drawing.nodes)) {
      const ends = id === edge.source || id === edge.target;
      const hit = edge.points.findIndex((p, i) => {
        if (!inside(p, box, 2)) return false;
        // An edge starts and ends on its nodes' borders; it may not run back through them.
        if (!ends) return true;
        return id === edge.source ? along[i]! > 10 : total - along[i]! > 10;
      });
      if (hit >= 0) {
        const p = edge.points[hit]!;
        problems.push(`edge ${edge.id} runs through node ${id} at (${Math.round(p.x)}, ${Math.round(p.y)})`);
      }
    }
    if (!edge.label) continue;
    const { box, text } = edge.label;
    const centre = { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 };
    const distance = Math.min(...edge.points.map((p) => Math.hypot(p.x - centre.x, p.y - centre.y)));
    if (distance > tolerance) problems.push(`the label "${text}" of ${edge.id} is ${distance.toFixed(1)} px away from its edge`);
    for (const [id, node] of Object.entries(drawing.nodes)) {
      if (overlaps(box, node, 1)) problems.push(`the label "${text}" of ${edge.id} lies over node ${id}`);
    }
  }
  return problems;
}
