/** One layer on the canvas: title, type, output shape, params, receptive field; red with the message and a fix when broken. */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { applyFix } from '../store/actions';
import { editorStore } from '../store/editorStore';
import type { LayerFlowNode } from './toFlow';

function InputHandles({ ports, numbered }: { ports: number; numbered: boolean }) {
  if (ports === 0) return null;
  if (!numbered) return <Handle type="target" position={Position.Top} id="in" />;
  return (
    <>
      {Array.from({ length: ports }, (_, i) => {
        const left = `${((i + 1) / (ports + 1)) * 100}%`;
        return (
          <Handle key={i} type="target" position={Position.Top} id={`in-${i}`} style={{ left }} className="port-numbered">
            <span className="port-number">{i}</span>
          </Handle>
        );
      })}
    </>
  );
}

/**
 * A problem in one line, so a broken node keeps its size and never covers its neighbours: the
 * whole message in the tooltip and in the inspector, the fix one click away on the right.
 */
function ProblemRow({ data }: { data: LayerFlowNode['data'] }) {
  const text = data.message ?? data.warning ?? '';
  return (
    <div className="layer-row layer-small">
      <span className="layer-message" title={text}>
        {text}
      </span>
      {data.fix && (
        <button
          className="fix-button nodrag"
          title={`Fix: ${data.fix.label}`}
          aria-label={`Fix: ${data.fix.label}`}
          onClick={(e) => {
            e.stopPropagation();
            editorStore().getState().perform(applyFix, { fix: data.fix!.action });
          }}
        >
          Fix
        </button>
      )}
    </div>
  );
}

function LayerNodeView({ data, selected, id }: NodeProps<LayerFlowNode>) {
  const status = data.status === 'error' ? 'error' : data.warning ? 'warning' : data.status;
  return (
    <div className={`layer-node status-${status}${selected ? ' selected' : ''}`} data-testid={`node-${id}`}>
      <InputHandles ports={data.ports} numbered={data.numbered} />
      <div className="layer-head">
        {data.locked && (
          <span className="layer-lock" role="img" aria-label={data.locked} title={data.locked} data-testid={`lock-${id}`}>
            🔒
          </span>
        )}
        <span className="layer-title" title={data.title}>
          {data.title}
        </span>
        <span className="layer-type">
          {data.typeLabel}
          {data.isOutput && (
            <span className="output-badge" title="The model's output: what training and exports use">
              output
            </span>
          )}
        </span>
      </div>
      <div className="layer-row">
        <span className="layer-shape" title="Output shape (without the batch axis)">
          {data.shape}
        </span>
        {data.paramCount && (
          <span
            className={`layer-params${data.frozen ? ' layer-frozen' : ''}`}
            data-testid={data.frozen ? `frozen-${id}` : undefined}
            title={data.frozen ? 'Frozen: training keeps these weights as they are' : 'Trainable parameters'}
          >
            {data.frozen ? `❄ ${data.paramCount} frozen` : `${data.paramCount} params`}
          </span>
        )}
      </div>
      {data.message || data.warning ? (
        <ProblemRow data={data} />
      ) : (
        <div className="layer-row layer-small">
          <span className="layer-settings" title={data.settings}>
            {data.settings}
          </span>
          {data.field && (
            <span
              className="layer-field"
              title="Receptive field of one output unit, in input pixels, and the jump between neighbouring units"
            >
              {data.field}
            </span>
          )}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} id="out" />
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
