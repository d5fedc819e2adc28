/** Connection loss (web host), refused edits and short notices. */
import { useEffect, useState } from 'react';
import { watchConnection } from '../host/api';
import type { ConnectionState } from '../host/webClient';
import { useUi } from './uiStore';

export function ConnectionBanner() {
  const [state, setState] = useState<ConnectionState>('open');
  useEffect(() => watchConnection(setState), []);
  if (state !== 'lost') return null;
  return (
    <div className="banner banner-lost" role="alert" data-testid="connection-lost">
      Lost the connection to the NetCanvas server. Your graph is safe in this tab; reconnecting… (if it does not come back, restart{' '}
      <code>npm run web</code> and reload).
    </div>
  );
}

export function Notices() {
  const notices = useUi((s) => s.notices);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} onClick={() => useUi.getState().dismiss(n.id)} data-testid="notice">
          {n.text}
        </div>
      ))}
    </div>
  );
}
