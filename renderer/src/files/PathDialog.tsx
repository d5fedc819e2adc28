/** The in-page file chooser for hosts without native dialogs (the web host): browse with `file.list`, or type a path. */
import { useEffect, useState } from 'react';
import type { FileEntry } from '../../../electron/api/contract';
import { useUi } from '../app/uiStore';
import { api, messageOf } from '../host/api';

let lastDir: string | null = null;

function parentOf(dir: string): string {
  const trimmed = dir.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut <= 0 ? '/' : trimmed.slice(0, cut);
}

const join = (dir: string, name: string) => `${dir.replace(/[\\/]+$/, '')}/${name}`;

export function PathDialog() {
  const request = useUi((s) => s.pathRequest);
  const [dir, setDir] = useState<string | null>(null);
  const [entries, setEntries] = useState<FileEntry[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!request) return;
    setName(request.defaultName ?? '');
    setError(null);
    if (lastDir) setDir(lastDir);
    else
      void api()
        .request('host.info', {})
        .then((info) => setDir(info.homeDir))
        .catch(() => setDir('/'));
  }, [request]);

  useEffect(() => {
    if (!request || !dir) return;
    api()
      .request('file.list', { dir })
      .then((r) => {
        setEntries(r.entries);
        setError(null);
        lastDir = r.dir;
      })
      .catch((err) => setError(messageOf(err)));
  }, [request, dir]);

  useEffect(() => {
    if (!request) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      useUi.getState().setPathRequest(null);
      request.resolve(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [request]);

  if (!request) return null;
  const close = (path: string | null) => {
    useUi.getState().setPathRequest(null);
    request.resolve(path);
  };
  const typed = name.trim();
  const chosen = typed && (typed.startsWith('/') || /^[A-Za-z]:[\\/]/.test(typed)) ? typed : dir && typed ? join(dir, typed) : null;
  const shown = request.mode === 'folder' ? entries.filter((e) => e.kind === 'folder') : entries;
  const pick = (entry: FileEntry) =>
    entry.kind === 'folder' ? setDir(entry.path) : request.mode === 'open' ? close(entry.path) : setName(entry.name);

  return (
    <div className="modal-backdrop" role="dialog" aria-label={request.title}>
      <div className="modal path-dialog" data-testid="path-dialog">
        <h2>{request.title}</h2>
        <div className="path-bar">
          <button onClick={() => dir && setDir(parentOf(dir))} title="Up one folder">
            ↑
          </button>
          <code>{dir ?? '…'}</code>
        </div>
        <ul className="file-list">
          {shown.map((e) => (
            <li key={e.path}>
              <button
                className={`file-entry ${e.kind}`}
                onClick={() => pick(e)}
                onDoubleClick={() => e.kind === 'folder' && request.mode === 'folder' && close(e.path)}
              >
                {e.kind === 'folder' ? '📁' : '📄'} {e.name}
              </button>
            </li>
          ))}
          {shown.length === 0 && <li className="muted">Nothing here.</li>}
        </ul>
        {error && <div className="field-error">{error}</div>}
        <label className="field">
          {request.mode === 'save'
            ? 'File name or full path'
            : request.mode === 'folder'
              ? 'Folder (empty: the current one)'
              : 'File name or full path'}
          <input
            data-testid="path-input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && chosen && close(chosen)}
            autoFocus
          />
        </label>
        <div className="modal-buttons">
          <button onClick={() => close(null)}>Cancel</button>
          <button
            className="primary"
            data-testid="path-ok"
            disabled={request.mode === 'folder' ? !(chosen ?? dir) : !chosen}
            onClick={() => close(request.mode === 'folder' ? (chosen ?? dir) : chosen)}
          >
            {request.mode === 'save' ? 'Save' : request.mode === 'folder' ? 'Use this folder' : 'Open'}
          </button>
        </div>
      </div>
    </div>
  );
}
