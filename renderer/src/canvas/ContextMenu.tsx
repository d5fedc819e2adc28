/**
 * The canvas's right-click menu. On a node: change its type (its own kind's types first), duplicate,
 * disconnect, delete. On an edge: put a layer into it, or delete it. On empty canvas: add a layer
 * there. Every item is an editor action, so each is one undo step like any other edit.
 */
import { useEffect } from 'react';
import { typesFor } from '../../../engine/graph/rewire';
import { getLayer, LAYERS } from '../../../engine/layers/registry';
import { CATEGORIES, type AnyLayerSpec } from '../../../engine/layers/spec';
import { useUi, type ContextTarget } from '../app/uiStore';
import { addNode, applyFix, changeType, deleteElements, edgeKey, insertOnEdge, paste, type Action } from '../store/actions';
import { copySelection } from '../store/clipboard';
import { editorStore, useEditor } from '../store/editorStore';
import { NODE_SIZE } from '../layout/geometry';
import { freeSpotFor } from '../layout/freeSpace';

interface Item {
  readonly label: string;
  readonly run: () => void;
  readonly danger?: boolean;
}
interface Section {
  readonly title?: string;
  readonly items: readonly Item[];
}

const ALL = Object.values(LAYERS) as AnyLayerSpec[];
const byCategory = (specs: readonly AnyLayerSpec[]) =>
  CATEGORIES.map((c) => ({ title: c.label, specs: specs.filter((s) => s.category === c.id) })).filter((g) => g.specs.length > 0);
const perform = <A,>(action: Action<A>, args: A) => editorStore().getState().perform(action, args);
const centred = (at: { x: number; y: number }) => ({
  x: Math.round(at.x - NODE_SIZE.width / 2),
  y: Math.round(at.y - NODE_SIZE.height / 2),
});

function nodeSections(id: string): Section[] {
  const doc = editorStore().getState().doc;
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) return [];
  const own = getLayer(node.type)?.category;
  const types = typesFor(doc, id)
    .filter((t) => t !== node.type)
    .map((t) => getLayer(t)!);
  const asType = (s: AnyLayerSpec): Item => ({ label: s.label, run: () => perform(changeType, { nodeId: id, type: s.type }) });
  const near = types.filter((s) => s.category === own);
  const far = types.filter((s) => s.category !== own);
  return [
    {
      items: [
        {
          label: 'Duplicate',
          run: () => {
            const clip = copySelection(doc, [id])!;
            const at = freeSpotFor(doc, doc.layout?.[id] ?? { x: 0, y: 0 });
            const from = clip.layout[id]!;
            perform(paste, { clip, offset: { x: at.x - from.x, y: at.y - from.y } });
          },
        },
        ...(getLayer(node.type)?.arity.max !== 0 && doc.output !== id
          ? [{ label: 'Use as the model’s output', run: () => perform(applyFix, { fix: { kind: 'setOutput', nodeId: id } }) }]
          : []),
        {
          label: 'Disconnect its inputs',
          run: () =>
            perform(deleteElements, { nodes: [], edges: doc.edges.filter((e) => e.target === id).map((e) => edgeKey(e.source, e.target)) }),
        },
        { label: 'Delete', danger: true, run: () => perform(deleteElements, { nodes: [id], edges: [] }) },
      ],
    },
    ...(near.length ? [{ title: 'Change type to', items: near.map(asType) }] : []),
    ...(far.length ? [{ title: near.length ? 'or' : 'Change type to', items: far.map(asType) }] : []),
  ];
}

function edgeSections(source: string, target: string, at: { x: number; y: number }): Section[] {
  const insertable = ALL.filter((s) => s.arity.min <= 1 && s.arity.max >= 1);
  return [
    {
      items: [
        { label: 'Delete this edge', danger: true, run: () => perform(deleteElements, { nodes: [], edges: [edgeKey(source, target)] }) },
      ],
    },
    ...byCategory(insertable).map((g, i) => ({
      title: i === 0 ? `Put into this edge: ${g.title}` : g.title,
      items: g.specs.map((s) => ({
        label: s.label,
        run: () => perform(insertOnEdge, { source, target, type: s.type, position: centred(at) }),
      })),
    })),
  ];
}

function paneSections(at: { x: number; y: number }): Section[] {
  return byCategory(ALL).map((g, i) => ({
    title: i === 0 ? `Add here: ${g.title}` : g.title,
    items: g.specs.map((s) => ({
      label: s.label,
      run: () => {
        const doc = editorStore().getState().doc;
        perform(addNode, { type: s.type, position: freeSpotFor(doc, centred(at)) });
      },
    })),
  }));
}

function sectionsFor(target: ContextTarget): Section[] {
  if (target.kind === 'node') return nodeSections(target.id);
  if (target.kind === 'edge') return edgeSections(target.source, target.target, target.at);
  return paneSections(target.at);
}

export function ContextMenu() {
  const menu = useUi((s) => s.contextMenu);
  // The document may change under an open menu (undo): rebuild the items with it.
  useEditor((s) => s.doc);
  useEffect(() => {
    if (!menu) return;
    const close = () => useUi.getState().setContextMenu(null);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    const onDown = (e: MouseEvent) => !(e.target as HTMLElement).closest('[data-testid=context-menu]') && close();
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onDown, true);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onDown, true);
    };
  }, [menu]);
  if (!menu) return null;
  const sections = sectionsFor(menu.target);
  const left = Math.min(menu.screen.x, window.innerWidth - 240);
  const top = Math.min(menu.screen.y, window.innerHeight - 80);
  return (
    <div className="context-menu" role="menu" data-testid="context-menu" style={{ left, top, maxHeight: window.innerHeight - top - 12 }}>
      {sections.map((section, i) => (
        <div key={i} className="context-section">
          {section.title && <div className="context-title">{section.title}</div>}
          {section.items.map((item) => (
            <button
              key={item.label}
              role="menuitem"
              className={item.danger ? 'danger' : undefined}
              onClick={() => {
                useUi.getState().setContextMenu(null);
                item.run();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
