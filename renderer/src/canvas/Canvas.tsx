/**
 * The graph canvas. React Flow is controlled: its changes are applied to the derived nodes with
 * `applyNodeChanges`, and what changed (positions, selection, measured sizes) goes to the store;
 * the store's document comes back as nodes. Connections the engine says can never be valid are
 * refused while dragging.
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type EdgeTypes,
  type IsValidConnection,
  type NodeChange,
  type NodeTypes,
  type ReactFlowInstance,
  useStore,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { connectionRefusal } from '../../../engine/graph/edits';
import type { NodeId, Position } from '../../../engine/graph/types';
import { insertRefusal } from '../../../engine/graph/rewire';
import { useUi, type ContextTarget } from '../app/uiStore';
import { addNode, connect, insertOnEdge, moveNodes } from '../store/actions';
import { checkOfState } from '../store/checkCache';
import { editorStore, useEditor } from '../store/editorStore';
import { MIN_ZOOM, setFlowInstance, screenToFlow, zoomToFitSoon } from './flowInstance';
import { LayerNode } from './LayerNode';
import { LockRefusal } from './LockRefusal';
import { PALETTE_MIME } from './Palette';
import { NODE_SIZE } from '../layout/geometry';
import type { Routes } from './edgeRoutes';
import { RoutedEdge } from './RoutedEdge';
import { toFlowEdges, toFlowNodes, type LayerFlowNode, type RoutedFlowEdge } from './toFlow';

const nodeTypes: NodeTypes = { layer: LayerNode };
const edgeTypes: EdgeTypes = { routed: RoutedEdge };
const selectDoc = (s: { doc: import('../../../engine/graph/types').GraphDoc }) => s.doc;
const selectSelection = (s: { selection: import('../store/actions').Selection }) => s.selection;

const MULTI_SELECT_KEYS = ['Meta', 'Control'];
const PRO_OPTIONS = { hideAttribution: true };
/** Module scope: a new function each render would redraw every minimap node. */
const miniMapColour = (n: { data: Record<string, unknown> }) => (n.data.status === 'error' ? '#ef4444' : '#6366f1');
/**
 * The minimap (200×150 px in a corner) only where the canvas has room for it: at 1280×720 the
 * canvas is about 670×365 px under the dock and the minimap hid a fifth of its width, nodes included.
 */
const roomForMiniMap = (s: { width: number; height: number }) => s.width >= 800 && s.height >= 480;

function CanvasMiniMap() {
  return useStore(roomForMiniMap) ? <MiniMap pannable zoomable nodeColor={miniMapColour} /> : null;
}

/** The edge under a screen point (its wide hit area), unless a node is on top there. */
function edgeAt(x: number, y: number): string | null {
  for (const el of document.elementsFromPoint(x, y)) {
    if (el.closest('.react-flow__node')) return null;
    const edge = el.closest('.react-flow__edge');
    if (edge) return edge.getAttribute('data-id');
  }
  return null;
}

/** Marks the edge a dragged layer would go into (a class on its element: no re-render while dragging). */
let highlighted: string | null = null;
function highlightEdge(id: string | null): void {
  if (id === highlighted) return;
  document.querySelector(`.react-flow__edge.drop-target`)?.classList.remove('drop-target');
  highlighted = id;
  if (id) document.querySelector(`.react-flow__edge[data-id="${CSS.escape(id)}"]`)?.classList.add('drop-target');
}

/** The engine's refusal, with the open lesson's locks (student mode). */
function refusalOf(source: string, target: string): string | null {
  const s = editorStore().getState();
  return connectionRefusal(s.doc, source, target, s.instructor ? null : s.lessonBase);
}

const isValidConnection: IsValidConnection = (c) => refusalOf(c.source, c.target) === null;

/** The first view: fit (readably, see zoomToFit) once the first nodes have their sizes. */
function onInit(instance: ReactFlowInstance<LayerFlowNode, RoutedFlowEdge>) {
  setFlowInstance(instance);
  zoomToFitSoon();
}

function onConnect(c: Connection) {
  const port = c.targetHandle?.startsWith('in-') ? Number(c.targetHandle.slice(3)) : undefined;
  editorStore().getState().perform(connect, { source: c.source, target: c.target, port });
}

export function Canvas() {
  const doc = useEditor(selectDoc);
  const selection = useEditor(selectSelection);
  const check = useEditor(checkOfState);
  const [sizes, setSizes] = useState<ReadonlyMap<NodeId, { width: number; height: number }>>(new Map());
  const previous = useRef(new Map<NodeId, LayerFlowNode>());
  const nodes = useMemo(() => toFlowNodes(doc, check, selection, sizes, previous.current), [doc, check, selection, sizes]);
  const previousEdges = useRef({ edges: new Map<string, RoutedFlowEdge>(), routes: new Map() as Routes });
  const edges = useMemo(() => toFlowEdges(doc, check, selection, previousEdges.current), [doc, check, selection]);
  const [refusal, setRefusal] = useState<string | null>(null);

  const onNodesChange = useCallback(
    (changes: NodeChange<LayerFlowNode>[]) => {
      const next = applyNodeChanges(changes, nodes);
      const positions: Record<NodeId, Position> = {};
      let sized: Map<NodeId, { width: number; height: number }> | null = null;
      let selectionChanged = false;
      for (const change of changes) {
        if (change.type === 'position' && change.position)
          positions[change.id] = { x: Math.round(change.position.x), y: Math.round(change.position.y) };
        if (change.type === 'dimensions' && change.dimensions) {
          sized ??= new Map(sizes);
          sized.set(change.id, change.dimensions);
        }
        if (change.type === 'select') selectionChanged = true;
      }
      const store = editorStore().getState();
      if (Object.keys(positions).length > 0) store.perform(moveNodes, { positions });
      if (selectionChanged) store.select({ nodes: next.filter((n) => n.selected).map((n) => n.id), edges: store.selection.edges });
      if (sized) setSizes(sized);
    },
    [nodes, sizes],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      if (!changes.some((c) => c.type === 'select')) return;
      const next = applyEdgeChanges(changes, edges);
      const store = editorStore().getState();
      store.select({ nodes: store.selection.nodes, edges: next.filter((e) => e.selected).map((e) => e.id) });
    },
    [edges],
  );

  const onDrop = useCallback((event: React.DragEvent) => {
    const type = event.dataTransfer.getData(PALETTE_MIME);
    highlightEdge(null);
    if (!type) return;
    event.preventDefault();
    const p = screenToFlow({ x: event.clientX, y: event.clientY });
    const position = { x: Math.round(p.x - NODE_SIZE.width / 2), y: Math.round(p.y - NODE_SIZE.height / 2) };
    const store = editorStore().getState();
    // Dropped on an edge: the layer goes into it.
    const edge = edgeAt(event.clientX, event.clientY);
    const [source, target] = edge?.split('->') ?? [];
    if (source && target && !insertRefusal(store.doc, source, target, type))
      store.perform(insertOnEdge, { source, target, type, position });
    else store.perform(addNode, { type, position });
  }, []);

  const onDragOver = useCallback((event: React.DragEvent) => {
    event.preventDefault();
    highlightEdge(event.dataTransfer.types.includes(PALETTE_MIME) ? edgeAt(event.clientX, event.clientY) : null);
  }, []);

  const openMenu = useCallback((event: React.MouseEvent, target: ContextTarget) => {
    event.preventDefault();
    useUi.getState().setContextMenu({ screen: { x: event.clientX, y: event.clientY }, target });
  }, []);
  const onNodeContextMenu = useCallback(
    (event: React.MouseEvent, node: { id: string }) => {
      editorStore()
        .getState()
        .select({ nodes: [node.id], edges: [] });
      openMenu(event, { kind: 'node', id: node.id });
    },
    [openMenu],
  );
  const onEdgeContextMenu = useCallback(
    (event: React.MouseEvent, edge: { source: string; target: string }) =>
      openMenu(event, { kind: 'edge', source: edge.source, target: edge.target, at: screenToFlow({ x: event.clientX, y: event.clientY }) }),
    [openMenu],
  );
  const onPaneContextMenu = useCallback(
    (event: React.MouseEvent | MouseEvent) =>
      openMenu(event as React.MouseEvent, { kind: 'pane', at: screenToFlow({ x: event.clientX, y: event.clientY }) }),
    [openMenu],
  );

  const explainRefusal = useCallback(
    (_: unknown, state: { isValid: boolean | null; fromNode: { id: string } | null; toNode: { id: string } | null }) => {
      if (state.isValid === false && state.fromNode && state.toNode) {
        setRefusal(refusalOf(state.fromNode.id, state.toNode.id));
        setTimeout(() => setRefusal(null), 3000);
      }
    },
    [],
  );

  return (
    <div className="canvas" onDragOver={onDragOver} onDragLeave={() => highlightEdge(null)} onDrop={onDrop}>
      <ReactFlow<LayerFlowNode, RoutedFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={explainRefusal}
        onNodeContextMenu={onNodeContextMenu}
        onEdgeContextMenu={onEdgeContextMenu}
        onPaneContextMenu={onPaneContextMenu}
        isValidConnection={isValidConnection}
        onInit={onInit}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        minZoom={MIN_ZOOM}
        onlyRenderVisibleElements
        proOptions={PRO_OPTIONS}
      >
        <Background gap={20} size={1.5} color="#d6dbe4" />
        <CanvasMiniMap />
        <Controls />
      </ReactFlow>
      {refusal && <div className="connection-refusal">Can't connect: {refusal}</div>}
      <LockRefusal />
    </div>
  );
}
