/**
 * The Maps tab: what each selected node computes for one sample. Click a node on the canvas to see
 * its output (Ctrl/⌘-click or Shift-drag a box to put several side by side, e.g. the box, Gaussian and
 * sharpen filters of templates/filters.json); choose the sample above. Computed by the host in a
 * trainer process from the active run's trained weights, or the initial weights before any run.
 */
import { useEffect, useMemo } from 'react';
import { MAX_INSPECTED_NODES } from '../../../engine/inspect/protocol';
import { exportRunId, weightsLabel } from '../code/exportWeights';
import { checkOfState } from '../store/checkCache';
import { useEditor } from '../store/editorStore';
import { activeRun, useTraining } from '../training/trainingStore';
import { useFeatureMaps } from './featureMapStore';
import { NodeMapView } from './NodeMapView';
import { SamplePicker } from './SamplePicker';

/** The side panel's width inside its padding and scroll bar. */
const PANEL_WIDTH = 320;
/** Edits come in bursts (typing a param): ask once they settle. */
const SETTLE_MS = 150;

function useNodeIds(): string[] {
  const selected = useEditor((s) => s.selection.nodes);
  const order = useEditor((s) => checkOfState(s).order);
  return useMemo(() => order.filter((id) => selected.includes(id)).slice(0, MAX_INSPECTED_NODES), [order, selected]);
}

export function FeatureMapsPanel() {
  const doc = useEditor((s) => s.doc);
  const check = useEditor(checkOfState);
  const nodeIds = useNodeIds();
  const runId = useTraining((s) => exportRunId(s));
  const training = useTraining((s) => {
    const run = activeRun(s);
    return run && run.status === 'running' ? run.label : null;
  });
  const { sample, answer, answered, loading, error, roundTripMs } = useFeatureMaps();
  const firstError = check.diagnostics.find((d) => d.severity === 'error');
  const inputShape = check.inputId ? (check.nodes[check.inputId]?.outputShape ?? null) : null;
  const selectedCount = useEditor((s) => s.selection.nodes.length);

  // What the maps depend on: the graph without its layout, the weights, the sample and the nodes.
  const { nodes, edges, training: settings, dataset } = doc;
  useEffect(() => {
    if (firstError || nodeIds.length === 0) return;
    const timer = setTimeout(() => void useFeatureMaps.getState().request({ doc, runId, sample, nodeIds }), SETTLE_MS);
    return () => clearTimeout(timer);
    // Not `doc`: a move (layout only) must not ask again.
  }, [nodes, edges, settings, dataset, runId, sample, nodeIds, firstError]);

  const label = (id: string) => doc.nodes.find((n) => n.id === id)?.label ?? id;
  const current = answered && answered.nodeIds.join() === nodeIds.join() ? answer : null;
  const width = nodeIds.length <= 1 ? PANEL_WIDTH : Math.max(96, Math.floor(PANEL_WIDTH / Math.min(nodeIds.length, 3)) - 8);

  return (
    <div className="feature-maps" data-testid="feature-maps">
      <h2 className="panel-title">Feature maps</h2>
      <SamplePicker inputShape={inputShape} />
      {firstError ? (
        <p className="map-problem" data-testid="maps-problem">
          This graph has an error, so it cannot run: {firstError.message}
        </p>
      ) : nodeIds.length === 0 ? (
        <p className="muted" data-testid="maps-hint">
          Click a node on the canvas to see its output for this sample.
          {selectedCount === 0 && ' Ctrl-click (⌘-click) more nodes, or Shift-drag a box around them, to put their maps side by side.'}
        </p>
      ) : (
        <>
          <p className="maps-weights muted" data-testid="maps-weights">
            {answer ? `With the ${weightsLabel(answer.weights)}.` : 'With the active run’s weights, or initial ones before any run.'}
            {training && ` “${training}” is training: its weights are used once it ends.`}
          </p>
          {error && (
            <p className="map-problem" data-testid="maps-problem">
              {error}
            </p>
          )}
          {loading && !current && <p className="muted">Computing… (the first time starts the inspection process: a few seconds)</p>}
          <div className={`node-maps${loading ? ' stale' : ''}`} data-testid="node-maps">
            {current?.maps.map((map) => (
              <NodeMapView key={map.nodeId} map={map} label={label(map.nodeId)} classNames={current.classNames} width={width} />
            ))}
          </div>
          {current && roundTripMs !== null && (
            <p className="muted maps-timing" data-testid="maps-timing">
              {Math.round(roundTripMs)} ms (computed in {Math.round(current.milliseconds)} ms on {current.backend})
            </p>
          )}
        </>
      )}
    </div>
  );
}
