/** The graphs shipped in templates/ and the lessons in lessons/, from the host, on two tabs. */
import { useEffect, useState } from 'react';
import type { TemplateInfo } from '../../../electron/api/contract';
import { useUi } from '../app/uiStore';
import { api, messageOf } from '../host/api';
import { loadTemplate } from './fileActions';

type Shelf = 'template' | 'lesson';

export function TemplateGallery() {
  const open = useUi((s) => s.galleryOpen);
  const [shelf, setShelf] = useState<Shelf>('template');
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setTemplates(null);
    setError(null);
    api()
      .request(shelf === 'lesson' ? 'lessons.list' : 'templates.list', {})
      .then(setTemplates)
      .catch((err) => setError(messageOf(err)));
  }, [open, shelf]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && useUi.getState().setGalleryOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  if (!open) return null;
  const close = () => useUi.getState().setGalleryOpen(false);
  return (
    <div className="modal-backdrop" role="dialog" aria-label="Templates" onClick={close}>
      <div className="modal gallery" onClick={(e) => e.stopPropagation()} data-testid="template-gallery">
        <h2>{shelf === 'lesson' ? 'Start a lesson' : 'Start from a template'}</h2>
        <nav className="tabs gallery-tabs" role="tablist">
          {(['template', 'lesson'] as const).map((s) => (
            <button
              key={s}
              role="tab"
              aria-selected={shelf === s}
              className={shelf === s ? 'on' : ''}
              data-testid={`gallery-${s}s`}
              onClick={() => setShelf(s)}
            >
              {s === 'lesson' ? 'Lessons' : 'Templates'}
            </button>
          ))}
        </nav>
        {error && <div className="field-error">{error}</div>}
        <div className="template-grid">
          {(templates ?? []).map((t) => (
            <button
              key={t.id}
              className="template-card"
              data-testid={`${shelf}-${t.id}`}
              onClick={() => void loadTemplate(t.id, shelf).then((loaded) => loaded && close())}
            >
              <b>{t.name}</b>
              <span>{t.description}</span>
            </button>
          ))}
          {templates === null && !error && <p className="muted">Loading…</p>}
        </div>
        <div className="modal-buttons">
          <button onClick={close}>Close</button>
        </div>
      </div>
    </div>
  );
}
