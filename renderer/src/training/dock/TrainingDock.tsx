/**
 * The training results, docked under the editor so they stay in view while a run streams: the
 * active run's status and Stop on top; below, the runs (any number overlaid) beside the loss,
 * accuracy and gradient-norm curves, or the active run's results, filters and details; a
 * segmentation or autoencoder run adds its task's views (masks, reconstructions) as a tab of their own;
 * the Ensemble tab evaluates ticked runs together. The dock's
 * height is dragged at its top edge and kept for next time; it folds down to its header.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { checkOfState } from '../../store/checkCache';
import { useEditor } from '../../store/editorStore';
import { CurveCharts } from '../CurveCharts';
import { FiltersView } from '../FiltersView';
import { GradientNormsChart } from '../GradientNormsChart';
import { RunResults } from '../RunResults';
import { RunStatus } from '../RunStatus';
import { TaskViews } from '../TaskViews';
import { activeRun, runTask, useTraining } from '../trainingStore';
import { EnsembleView } from '../inspect/EnsembleView';
import { DockHeader } from './DockHeader';
import { RunsTable } from './RunsTable';

type DockTab = 'curves' | 'task' | 'results' | 'filters' | 'details' | 'ensemble';
/** The task tab's name, by the active run's task; classifiers have none (their views are the results). */
const TASK_TAB = { classification: null, segmentation: 'Masks', reconstruction: 'Reconstructions' } as const;
const TABS: { id: DockTab; label: string }[] = [
  { id: 'curves', label: 'Curves' },
  { id: 'results', label: 'Results' },
  { id: 'filters', label: 'Filters' },
  { id: 'details', label: 'Details' },
  { id: 'ensemble', label: 'Ensemble' },
];
const HEIGHT_KEY = 'netcanvas.dockHeight';
/** Below this the charts are unreadable; above the share of the window the editor needs room. */
const MIN_HEIGHT = 180;
const maxHeight = () => Math.round(window.innerHeight * 0.7);
const defaultHeight = () => Math.round(Math.min(420, Math.max(250, window.innerHeight * 0.38)));

function storedHeight(): number {
  const stored = Number(window.localStorage.getItem(HEIGHT_KEY));
  return Number.isFinite(stored) && stored >= MIN_HEIGHT ? Math.min(stored, maxHeight()) : defaultHeight();
}

function Body({ tab }: { tab: DockTab }) {
  const order = useEditor((s) => checkOfState(s).order);
  const run = useTraining(activeRun);
  if (tab === 'curves')
    return (
      <div className="dock-body dock-curves">
        <RunsTable />
        <CurveCharts />
        <GradientNormsChart order={order} />
      </div>
    );
  return (
    <div className="dock-body dock-scroll">
      <RunsTable />
      <div className="dock-detail">
        {tab === 'ensemble' && <EnsembleView />}
        {!run && tab !== 'ensemble' && <p className="muted">Choose a run on the left.</p>}
        {run &&
          tab === 'results' &&
          (run.done ? (
            <RunResults run={run} />
          ) : (
            <p className="muted">
              {run.label}: no results yet ({run.status}).
            </p>
          ))}
        {run &&
          tab === 'filters' &&
          (run.filters ? (
            <FiltersView before={run.started?.filters} now={run.filters} />
          ) : (
            <p className="muted">This run has no filters to show (no conv layer reads the image).</p>
          ))}
        {run && tab === 'details' && <RunStatus run={run} />}
        {run && tab === 'task' && <TaskViews run={run} />}
      </div>
    </div>
  );
}

export function TrainingDock() {
  const visible = useTraining((s) => s.runs.length > 0 || s.requesting);
  const [tab, setTab] = useState<DockTab>('curves');
  const [height, setHeight] = useState(storedHeight);
  const [collapsed, setCollapsed] = useState(false);
  const taskTab = useTraining((s) => {
    const run = activeRun(s);
    return run ? TASK_TAB[runTask(run)] : null;
  });
  const tabs = taskTab ? [TABS[0]!, { id: 'task' as const, label: taskTab }, ...TABS.slice(1)] : TABS;
  // A classifier chosen while the task tab is open: back to its results.
  const shownTab = tab === 'task' && !taskTab ? 'results' : tab;
  const drag = useRef<{ y: number; height: number } | null>(null);
  // A new run unfolds the dock on its curves.
  const requesting = useTraining((s) => s.requesting);
  useEffect(() => {
    if (requesting) {
      setCollapsed(false);
      setTab('curves');
    }
  }, [requesting]);
  if (!visible) return null;

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    drag.current = { y: e.clientY, height };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    setHeight(Math.min(maxHeight(), Math.max(MIN_HEIGHT, drag.current.height + drag.current.y - e.clientY)));
  };
  const onPointerUp = () => {
    if (drag.current) window.localStorage.setItem(HEIGHT_KEY, String(height));
    drag.current = null;
  };

  return (
    <section className="training-dock" data-testid="training-dock" style={{ height: collapsed ? undefined : height }}>
      {!collapsed && (
        <div
          className="dock-resize"
          role="separator"
          aria-orientation="horizontal"
          title="Drag to resize"
          data-testid="dock-resize"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
        />
      )}
      <div className="dock-top">
        <DockHeader collapsed={collapsed} toggle={() => setCollapsed(!collapsed)} />
        {!collapsed && (
          <nav className="dock-tabs" role="tablist">
            {tabs.map((t) => (
              <button
                key={t.id}
                role="tab"
                aria-selected={shownTab === t.id}
                className={shownTab === t.id ? 'on' : ''}
                data-testid={`dock-tab-${t.id}`}
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </nav>
        )}
      </div>
      {!collapsed && <Body tab={shownTab} />}
    </section>
  );
}
