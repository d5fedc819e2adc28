/**
 * An edge drawn along its route (edgeRoutes.ts): straight runs with rounded corners, the shape
 * label at the spot chosen clear of the nodes. The route's ends are glued to the handles React Flow
 * measured, so the line always meets its dots.
 */
import { BaseEdge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { Point } from '../layout/route';
import type { RoutedFlowEdge } from './toFlow';

const RADIUS = 8;

/** Moves the route's first and last points onto the handles, keeping the runs next to them straight. */
function glued(points: readonly Point[], from: Point, to: Point): Point[] {
  const p = points.map((q) => ({ ...q }));
  if (p.length < 2) return [from, to];
  const first = p[0]!;
  const last = p[p.length - 1]!;
  if (p.length > 2 && p[1]!.x === first.x) p[1]!.x = from.x;
  if (p.length > 2 && p[p.length - 2]!.x === last.x) p[p.length - 2]!.x = to.x;
  p[0] = from;
  p[p.length - 1] = to;
  return p;
}

/** SVG path through the points with each corner rounded (radius at most half the shorter run). */
export function roundedPath(points: readonly Point[]): string {
  let d = `M ${points[0]!.x} ${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const r = Math.min(RADIUS, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const towards = (p: Point, q: Point, d: number) => {
      const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
      return { x: p.x + ((q.x - p.x) * d) / len, y: p.y + ((q.y - p.y) * d) / len };
    };
    const inPoint = towards(b, a, r);
    const outPoint = towards(b, c, r);
    d += ` L ${inPoint.x} ${inPoint.y} Q ${b.x} ${b.y} ${outPoint.x} ${outPoint.y}`;
  }
  const end = points[points.length - 1]!;
  return `${d} L ${end.x} ${end.y}`;
}

function RoutedEdgeView(props: EdgeProps<RoutedFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, data, label, labelBgPadding, labelBgBorderRadius, markerEnd, style } = props;
  const from = { x: sourceX, y: sourceY };
  const to = { x: targetX, y: targetY };
  const route = data?.route;
  const points = route ? glued(route.points, from, to) : [from, to];
  const spot = route?.label ?? { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  return (
    <BaseEdge
      path={roundedPath(points)}
      label={label}
      labelX={spot.x}
      labelY={spot.y}
      labelBgPadding={labelBgPadding}
      labelBgBorderRadius={labelBgBorderRadius}
      markerEnd={markerEnd}
      style={style}
    />
  );
}

export const RoutedEdge = memo(RoutedEdgeView);
