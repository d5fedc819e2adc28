/**
 * The graph document: the single source of truth for a network. Plain JSON, so that
 * instructors can write it by hand and other tools can generate it (format "netcanvas.graph", v1).
 * Nothing derived (shapes, parameter counts) is ever stored here: the checker derives it.
 */

import type { Lesson } from '../lesson/schema';

/** A node id as written in the file. Kept a plain string so hand-written files need no ceremony. */
export type NodeId = string;

/** Tensor shape without the batch axis, channels-last: `[H, W, C]` for images, `[N]` for vectors. */
export type Shape = readonly number[];

export interface GraphNode {
  readonly id: NodeId;
  readonly type: string;
  /** Only what the author wrote; omitted params take the catalogue's defaults at check time. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly label?: string;
  /**
   * Whether training changes this node's weights; omitted: its layer's default (true, except a
   * conv with a hand-set `kernel`). A frozen node keeps the weights it starts with or was given.
   */
  readonly trainable?: boolean;
  /** Unknown fields survive load and save. */
  readonly [extra: string]: unknown;
}

export interface GraphEdge {
  readonly source: NodeId;
  readonly target: NodeId;
  /** Orders the inputs of add/concat; edges without one keep their file order after those with one. */
  readonly targetPort?: number;
  readonly [extra: string]: unknown;
}

export interface Position {
  readonly x: number;
  readonly y: number;
}

export interface GraphDoc {
  readonly format: 'netcanvas.graph';
  readonly version: 1;
  readonly name: string;
  readonly description?: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly layout?: Readonly<Record<NodeId, Position>>;
  /** Training configuration (optimizer, schedule, …); interpreted by engine/train. */
  readonly training?: Readonly<Record<string, unknown>>;
  /** Dataset reference; interpreted by engine/data. */
  readonly dataset?: Readonly<Record<string, unknown>>;
  /** An exercise: instructions, locks and checks (engine/lesson). */
  readonly lesson?: Lesson;
  /**
   * The node that is the model's output, when the graph ends in more than one place (a branch
   * kept for later, a probe). Omitted: the graph's only end (engine/check/outputs.ts).
   */
  readonly output?: NodeId;
  readonly [extra: string]: unknown;
}

export const GRAPH_FORMAT = 'netcanvas.graph';
export const GRAPH_VERSION = 1;

/** An empty but valid document to start from. */
export function emptyGraph(name = 'Untitled'): GraphDoc {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes: [], edges: [], layout: {} };
}
