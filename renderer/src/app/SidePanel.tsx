/** The right-hand panel: inspector, training, or the JSON code view (loaded on first use: monaco is large). */
import { lazy, Suspense } from 'react';
import { Inspector } from '../panels/Inspector';
import { TrainingPanel } from '../training/TrainingPanel';
import { useUi, type SideTab } from './uiStore';

const CodePanel = lazy(() => import('../code/CodePanel'));

const TABS: { id: SideTab; label: string }[] = [
  { id: 'inspect', label: 'Inspect' },
  { id: 'train', label: 'Train' },
  { id: 'code', label: 'Code' },
];

export function SidePanel() {
  const tab = useUi((s) => s.tab);
  return (
    <aside className={`side-panel tab-${tab}`}>
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'on' : ''}
            data-testid={`tab-${t.id}`}
            onClick={() => useUi.getState().setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <div className="side-body">
        {tab === 'inspect' && <Inspector />}
        {/* Kept mounted so the curves keep their chart state while you edit. */}
        <div style={{ display: tab === 'train' ? 'block' : 'none' }}>
          <TrainingPanel />
        </div>
        {tab === 'code' && (
          <Suspense fallback={<p className="muted">Loading the editor…</p>}>
            <CodePanel />
          </Suspense>
        )}
      </div>
    </aside>
  );
}
