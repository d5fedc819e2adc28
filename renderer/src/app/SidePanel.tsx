/** The right-hand panel: the lesson (when the graph is one), inspector, feature maps, training, or the JSON code view (loaded on first use: monaco is large). */
import { lazy, Suspense } from 'react';
import { FeatureMapsPanel } from '../inspect/FeatureMapsPanel';
import { LessonPanel } from '../lesson/LessonPanel';
import { Inspector } from '../panels/Inspector';
import { useEditor } from '../store/editorStore';
import { TrainingPanel } from '../training/TrainingPanel';
import { useUi, type SideTab } from './uiStore';

const CodePanel = lazy(() => import('../code/CodePanel'));

const TABS: { id: SideTab; label: string }[] = [
  { id: 'lesson', label: 'Lesson' },
  { id: 'inspect', label: 'Inspect' },
  { id: 'maps', label: 'Maps' },
  { id: 'train', label: 'Train' },
  { id: 'code', label: 'Code' },
];

export function SidePanel() {
  const chosen = useUi((s) => s.tab);
  // The Lesson tab is there for a lesson, and in instructor mode (to make one).
  const lessonTab = useEditor((s) => s.doc.lesson !== undefined || s.instructor);
  const tab = chosen === 'lesson' && !lessonTab ? 'inspect' : chosen;
  return (
    <aside className={`side-panel tab-${tab}`}>
      <nav className="tabs" role="tablist">
        {TABS.filter((t) => t.id !== 'lesson' || lessonTab).map((t) => (
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
        {tab === 'lesson' && <LessonPanel />}
        {tab === 'inspect' && <Inspector />}
        {tab === 'maps' && <FeatureMapsPanel />}
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
