/** The selected layer's label, params (from the catalogue), per-layer weight decay and receptive field; the graph's problems otherwise. */
import { effectiveParams } from '../../../engine/graph/edits';
import type { GraphNode } from '../../../engine/graph/types';
import { getLayer } from '../../../engine/layers/registry';
import { CATEGORIES, formatShape } from '../../../engine/layers/spec';
import { typesFor } from '../../../engine/graph/rewire';
import { useUi } from '../app/uiStore';
import { formatCount } from '../canvas/format';
import { checkOfState } from '../store/checkCache';
import { editorStore, useEditor } from '../store/editorStore';
import { CommitField } from './CommitField';
import { ParamField } from './ParamField';
import { ProblemsList } from './ProblemsList';
import { ReceptiveFieldView } from './ReceptiveFieldView';
import { changeType, renameGraph, setLabel, setLayerWeightDecay, setTrainable } from '../store/actions';
import { LockMark } from './LockMark';
import { LOCKED_NODE, nodeLocks } from './nodeLocks';

/** A layer that behaves differently while training and at test time, with the node's params. */
function TrainVsTest({ training, test }: { training: string; test: string }) {
  return (
    <dl className="facts train-vs-test" data-testid="train-vs-test">
      <dt>Training</dt>
      <dd>{training}</dd>
      <dt>Test time</dt>
      <dd>{test}</dd>
    </dl>
  );
}

/** The node's type, changeable in place to any type that takes as many inputs (ReLU → sigmoid). */
function TypeSelect({ node }: { node: GraphNode }) {
  const doc = useEditor((s) => s.doc);
  const types = [...new Set([node.type, ...typesFor(doc, node.id)])].map((t) => getLayer(t)).filter((s) => s !== undefined);
  return (
    <label className="field">
      Type
      <select
        data-testid="node-type"
        value={node.type}
        onChange={(e) => editorStore().getState().perform(changeType, { nodeId: node.id, type: e.target.value })}
      >
        {CATEGORIES.map((c) => {
          const group = types.filter((t) => t.category === c.id);
          return group.length === 0 ? null : (
            <optgroup key={c.id} label={c.label}>
              {group.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </optgroup>
          );
        })}
      </select>
    </label>
  );
}

function NodeInspector({ node }: { node: GraphNode }) {
  const doc = useEditor((s) => s.doc);
  const instructor = useEditor((s) => s.instructor);
  const report = useEditor(checkOfState).nodes[node.id];
  const spec = getLayer(node.type);
  const effective = effectiveParams(node);
  const decay = (doc.training as { layerWeightDecay?: Record<string, number> } | undefined)?.layerWeightDecay?.[node.id];
  const locks = nodeLocks(doc.lesson, node.id, instructor);
  return (
    <div className="inspector" data-testid="inspector">
      <h2 className="panel-title">
        {spec?.label ?? node.type} <span className="muted">#{node.id}</span>
        {locks.banner && <LockMark reason={locks.banner} />}
      </h2>
      {locks.banner && (
        <p className="lock-banner" data-testid="lock-banner">
          {locks.banner}
        </p>
      )}
      {locks.toggleNode && (
        <label className="inline-check lock-node-toggle">
          <input type="checkbox" data-testid="lock-node" checked={locks.nodeLocked} onChange={locks.toggleNode} />
          Locked for students: cannot be deleted, edited or rewired
        </label>
      )}
      <ProblemsList nodeId={node.id} />
      {spec && <p className="panel-doc">{spec.doc}</p>}
      <TypeSelect node={node} />
      {spec?.trainVsTest && <TrainVsTest {...spec.trainVsTest(effective)} />}
      <CommitField
        key={`label-${node.id}`}
        label="Label"
        value={node.label ?? ''}
        placeholder={node.id}
        locked={locks.readOnly ? LOCKED_NODE : undefined}
        commit={(text) => ({ action: setLabel, args: { nodeId: node.id, label: text } })}
      />
      {spec &&
        Object.entries(spec.params)
          // σ only for a Gaussian kernel, and the like: a param that changes nothing here is not shown.
          .filter(([, p]) => !p.relevant || p.relevant(effective))
          .map(([name, p]) => (
            <ParamField
              key={`${node.id}-${name}`}
              nodeId={node.id}
              name={name}
              spec={p}
              written={node.params[name]}
              effective={effective[name]}
              lock={locks.param(name, effective[name])}
            />
          ))}
      {report && report.weights.length > 0 && (
        <div className="field" data-testid="field-trainable">
          <label htmlFor={`trainable-${node.id}`}>trainable</label>
          <input
            id={`trainable-${node.id}`}
            type="checkbox"
            checked={report.trainable}
            // A lesson may lock `trainable` like a param.
            disabled={(() => {
              const lock = locks.param('trainable', report.trainable);
              return lock?.locked === true && !lock.toggle;
            })()}
            onChange={(e) => editorStore().getState().perform(setTrainable, { nodeId: node.id, trainable: e.target.checked })}
          />
          <div className="field-help">
            {report.trainable
              ? 'Training changes these weights. Untick to freeze them (fixed filters, transferred features).'
              : 'Frozen: training keeps these weights as they are (no gradient, no optimizer state, no weight decay).'}
          </div>
        </div>
      )}
      {report && report.params > 0 && (
        <CommitField
          key={`decay-${node.id}`}
          label="Weight decay (this layer)"
          value={decay === undefined ? '' : String(decay)}
          placeholder="global"
          help="L2 strength λ for this layer's weights; empty uses the training config's weight decay."
          locked={
            !instructor && doc.lesson?.locked?.training?.includes('layerWeightDecay')
              ? 'The lesson locks the per-layer weight decay'
              : undefined
          }
          commit={(text) => ({ action: setLayerWeightDecay, args: { nodeId: node.id, value: text.trim() === '' ? null : Number(text) } })}
        />
      )}
      {report && (
        <dl className="facts">
          <dt>Input</dt>
          <dd>{report.inputShapes.map((s) => formatShape(s)).join(' + ') || '–'}</dd>
          <dt>Output</dt>
          <dd>{formatShape(report.outputShape)}</dd>
          <dt>Params</dt>
          <dd>{report.frozenParams > 0 ? `${formatCount(report.frozenParams)} frozen` : formatCount(report.params)}</dd>
          <dt>MACs</dt>
          <dd>{formatCount(report.macs)}</dd>
        </dl>
      )}
      {report?.outputShape && (
        <button className="link-button" data-testid="show-maps" onClick={() => useUi.getState().setTab('maps')}>
          See this layer’s feature maps for a sample →
        </button>
      )}
      {report?.receptiveField && report.outputShape && <ReceptiveFieldView nodeId={node.id} />}
    </div>
  );
}

function GraphInspector() {
  const name = useEditor((s) => s.doc.name);
  return (
    <div className="inspector">
      <h2 className="panel-title">Graph</h2>
      <CommitField label="Name" value={name} commit={(text) => ({ action: renameGraph, args: { name: text } })} />
      <p className="panel-doc">
        Select a layer to edit it. Drag layers from the left; connect the round handles (output at the bottom, inputs on top).
      </p>
      <ProblemsList />
    </div>
  );
}

export function Inspector() {
  const node = useEditor((s) => (s.selection.nodes.length === 1 ? s.doc.nodes.find((n) => n.id === s.selection.nodes[0]) : undefined));
  return node ? <NodeInspector node={node} /> : <GraphInspector />;
}
