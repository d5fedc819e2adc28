/**
 * The in-page file chooser for hosts without native dialogs (the web host): browse with `file.list`,
 * or type a path. It opens where the last one was left (kept across reloads), lists folders and the
 * files the request accepts, opens a folder on Enter or a click, and offers recent graphs.
 */
import { useEffect, useState } from 'react';
import type { FileEntry } from '../../../electron/api/contract';
import { useUi, type PathRequest } from '../app/uiStore';
import { api, messageOf } from '../host/api';

const LAST_DIR_KEY = 'netcanvas.lastDir';

function parentOf(dir: string): string {
  const trimmed = dir.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut <= 0 ? '/' : trimmed.slice(0, cut);
}

const join = (dir: string, name: string) => `${dir.replace(/[\\/]+$/, '')}/${name}`;
const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;
const isAbsolute = (path: string) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);

function accepted(entry: FileEntry, request: PathRequest): boolean {
  if (entry.kind === 'folder') return true;
  if (request.mode === 'folder') return false;
  const name = entry.name.toLowerCase();
  return !request.accept || request.accept.some((end) => name.endsWith(end));
}

/** A folder or file mark drawn in CSS: no emoji font needed. */
const Icon = ({ kind }: { kind: FileEntry['kind'] }) => <span className={`file-icon ${kind}`} aria-hidden="true" />;

export function PathDialog() {
  const request = useUi((s) => s.pathRequest);
  const [dir, setDir] = useState<string | null>(null);
  // The listing with the folder it is of: a listing of another folder (the last dialog's, or one
  // answered late after a quick click) is never shown as this one's.
  const [listing, setListing] = useState<{ dir: string; entries: FileEntry[] } | null>(null);
  const [recent, setRecent] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!request) return;
    setName(request.defaultName ?? '');
    setError(null);
    setListing(null);
    const last = window.localStorage.getItem(LAST_DIR_KEY);
    if (last) setDir(last);
    else
      void api()
        .request('host.info', {})
        .then((info) => setDir(info.homeDir))
        .catch(() => setDir('/'));
    // Recent graphs, for opening one again (the desktop app has them in its File menu).
    if (request.mode === 'open' && request.accept?.includes('.json'))
      void api()
        .request('recent.list', {})
        .then((paths) => setRecent(paths.slice(0, 5)))
        .catch(() => setRecent([]));
    else setRecent([]);
  }, [request]);

  useEffect(() => {
    if (!request || !dir) return;
    let current = true;
    api()
      .request('file.list', { dir })
      .then((r) => {
        if (!current) return;
        setListing({ dir, entries: r.entries });
        setError(null);
        window.localStorage.setItem(LAST_DIR_KEY, r.dir);
      })
      .catch((err) => {
        if (!current) return;
        setError(messageOf(err));
        // A remembered folder that is gone: start from the home folder instead.
        if (dir === window.localStorage.getItem(LAST_DIR_KEY)) window.localStorage.removeItem(LAST_DIR_KEY);
      });
    return () => {
      current = false;
    };
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
  const loaded = listing !== null && listing.dir === dir;
  const entries = loaded ? listing.entries : [];
  const typed = name.trim();
  const chosen = typed && isAbsolute(typed) ? typed : dir && typed ? join(dir, typed) : null;
  const shown = entries.filter((e) => accepted(e, request));
  const openFolder = (path: string) => {
    setDir(path);
    setName(request.mode === 'save' ? name : '');
  };
  const pick = (entry: FileEntry) =>
    entry.kind === 'folder' ? openFolder(entry.path) : request.mode === 'open' ? close(entry.path) : setName(entry.name);
  /** Enter or OK: a typed folder is opened, not returned (except when a folder is what is asked for). */
  const submit = async () => {
    if (request.mode === 'folder') return close(chosen ?? dir);
    if (!chosen) return;
    const folder = entries.find((e) => e.kind === 'folder' && e.path === chosen);
    if (folder) return openFolder(folder.path);
    if (isAbsolute(typed) && !entries.some((e) => e.path === chosen)) {
      const listed = await api()
        .request('file.list', { dir: chosen })
        .catch(() => null);
      if (listed) return openFolder(listed.dir);
    }
    close(chosen);
  };

  return (
    <div className="modal-backdrop" role="dialog" aria-label={request.title}>
      <div className="modal path-dialog" data-testid="path-dialog">
        <h2>{request.title}</h2>
        {recent.length > 0 && (
          <div className="recent-files" data-testid="recent-files">
            <span className="muted">Recent:</span>
            {recent.map((path) => (
              <button key={path} title={path} onClick={() => close(path)}>
                {baseName(path)}
              </button>
            ))}
          </div>
        )}
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
                <Icon kind={e.kind} /> {e.name}
              </button>
            </li>
          ))}
          {!loaded && !error && <li className="muted">Loading…</li>}
          {loaded && shown.length === 0 && (
            <li className="muted">{entries.length > 0 ? `No ${request.accept?.join(' or ') ?? ''} files here.` : 'Nothing here.'}</li>
          )}
        </ul>
        {error && <div className="field-error">{error}</div>}
        <label className="field">
          {request.mode === 'folder' ? 'Folder (empty: the current one)' : 'File name or full path'}
          <input
            data-testid="path-input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void submit()}
            autoFocus
          />
        </label>
        <div className="modal-buttons">
          <button onClick={() => close(null)}>Cancel</button>
          <button
            className="primary"
            data-testid="path-ok"
            disabled={request.mode === 'folder' ? !(chosen ?? dir) : !chosen}
            onClick={() => void submit()}
          >
            {request.mode === 'save' ? 'Save' : request.mode === 'folder' ? 'Use this folder' : 'Open'}
          </button>
        </div>
      </div>
    </div>
  );
}
