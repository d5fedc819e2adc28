/**
 * A labelled text field whose action applies as you type (useLiveEdit) and shows the refusal message
 * when the action refuses. A field with `prepare` (a typed path the host must allow first) applies on
 * Enter or blur instead, so the host is asked once for the whole path, not for every pause in typing.
 * A `locked` field (a lesson's lock) is read-only with the reason.
 */
import { useState, type ReactNode } from 'react';
import type { Action } from '../store/actions';
import { editorStore } from '../store/editorStore';
import { LockMark } from './LockMark';
import { useLiveEdit } from './useLiveEdit';

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
  readonly testId?: string;
}

interface FieldProps {
  label: string;
  help?: string;
  error: string | null;
  pending?: boolean;
  locked?: string;
  testId?: string;
  input: ReactNode;
}

function Field({ label, help, error, pending, locked, testId, input }: FieldProps) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}${pending ? ' field-pending' : ''}`} data-testid={testId}>
      <label>
        <span>
          {label}
          {locked && <LockMark reason={locked} />}
        </span>
        {input}
      </label>
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : (
        help && <div className="field-help">{help}</div>
      )}
    </div>
  );
}

function LiveField<A>({ label, value, placeholder, help, commit, locked, testId }: Props<A>) {
  const edit = useLiveEdit(value, (text, coalesceKey) => {
    const { action, args } = commit(text);
    return editorStore().getState().perform(action, args, { coalesceKey });
  });
  const input = <input disabled={locked !== undefined} placeholder={placeholder} spellCheck={false} {...edit.inputProps} />;
  return <Field label={label} help={help} error={edit.error} pending={edit.pending} locked={locked} testId={testId} input={input} />;
}

function PreparedField<A>({ label, value, placeholder, help, commit, prepare, locked, testId }: Props<A>) {
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    if (text === value) return setError(null);
    if (prepare && !(await prepare(text))) return;
    const { action, args } = commit(text);
    const outcome = editorStore().getState().perform(action, args);
    setError('error' in outcome ? outcome.error : null);
  };
  const input = (
    <input
      disabled={locked !== undefined}
      value={text}
      placeholder={placeholder}
      spellCheck={false}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => void run()}
      onKeyDown={(e) => e.key === 'Enter' && void run()}
    />
  );
  return <Field label={label} help={help} error={error} locked={locked} testId={testId} input={input} />;
}

export function CommitField<A>(props: Props<A>) {
  return props.prepare ? <PreparedField {...props} /> : <LiveField {...props} />;
}
