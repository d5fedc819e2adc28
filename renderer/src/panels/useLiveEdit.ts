/**
 * A text field whose edit applies while you type: after a short pause, on Enter, or on leaving the
 * field. One editing session (focus to blur) is one undo step; a refused value shows the engine's
 * message at once and changes nothing; Escape puts the document's value back.
 */
import { useEffect, useRef, useState } from 'react';
import type { Outcome } from '../store/actions';

/** Long enough not to apply "1" on the way to "16", short enough to feel live. */
export const APPLY_AFTER_MS = 450;

let sessions = 0;

export interface LiveEdit {
  readonly text: string;
  readonly error: string | null;
  /** True while typed text waits to be applied: the field shows it. */
  readonly pending: boolean;
  readonly inputProps: {
    value: string;
    onChange(e: { target: { value: string } }): void;
    onFocus(): void;
    onBlur(): void;
    onKeyDown(e: { key: string }): void;
  };
}

/**
 * @param shown what the document holds, as text
 * @param apply runs the edit for `text` (with the session's undo key); returns the store's outcome
 */
export function useLiveEdit(shown: string, apply: (text: string, coalesceKey: string) => Outcome): LiveEdit {
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  const editing = useRef(false);
  const [pending, setPending] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const session = useRef('');
  const applyRef = useRef(apply);
  applyRef.current = apply;

  // The document changed under the field (undo, another view): show it, unless the user is typing.
  // A refused value stays in the field with its message until then.
  useEffect(() => {
    if (!editing.current) {
      setText(shown);
      setError(null);
    }
  }, [shown]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const run = (value: string) => {
    clearTimeout(timer.current);
    setPending(false);
    if (value === shown) return setError(null);
    session.current ||= `live:${++sessions}`;
    const outcome = applyRef.current(value, session.current);
    setError('error' in outcome ? outcome.error : null);
  };

  return {
    text,
    error,
    pending,
    inputProps: {
      value: text,
      onChange(e) {
        const value = e.target.value;
        setText(value);
        editing.current = true;
        setPending(true);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => run(value), APPLY_AFTER_MS);
      },
      onFocus() {
        session.current = `live:${++sessions}`;
        editing.current = true;
      },
      onBlur() {
        run(text);
        editing.current = false;
      },
      onKeyDown(e) {
        if (e.key === 'Enter') run(text);
        if (e.key === 'Escape') {
          clearTimeout(timer.current);
          setPending(false);
          setText(shown);
          setError(null);
        }
      },
    },
  };
}
