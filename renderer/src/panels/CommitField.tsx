/** A text field that runs an action on Enter or blur and shows the refusal message when the action refuses. */
import { useState } from 'react';
import type { Action } from '../store/actions';
import { editorStore } from '../store/editorStore';
import { LockMark } from './LockMark';

interface Props<A> {
  readonly label: string;
  readonly value: string;
  readonly placeholder?: string;
  readonly help?: string;
  readonly commit: (text: string) => { action: Action<A>; args: A };
  /** Runs first (e.g. the host allows a typed path); false leaves the value uncommitted. */
  readonly prepare?: (text: string) => Promise<boolean>;
  /** Why the field cannot change (a lesson's lock); it is shown read-only with the reason. */
  readonly locked?: string;
}

export function CommitField<A>({ label, value, placeholder, help, commit, prepare, locked }: Props<A>) {
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    if (text === value) return setError(null);
    if (prepare && !(await prepare(text))) return;
    const { action, args } = commit(text);
    const outcome = editorStore().getState().perform(action, args);
    setError('error' in outcome ? outcome.error : null);
  };
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label>
        <span>
          {label}
          {locked && <LockMark reason={locked} />}
        </span>
        <input
          disabled={locked !== undefined}
          value={text}
          placeholder={placeholder}
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => void run()}
          onKeyDown={(e) => e.key === 'Enter' && void run()}
        />
      </label>
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : (
        (locked ?? help) && <div className="field-help">{locked ?? help}</div>
      )}
    </div>
  );
}
