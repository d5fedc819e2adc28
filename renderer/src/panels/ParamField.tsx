/** One parameter of the selected layer. Commits on Enter or blur; a refused value shows the engine's message and changes nothing. */
import { useState } from 'react';
import { KERNEL_PRESETS } from '../../../engine/layers/kernels';
import type { ParamSpec } from '../../../engine/layers/params';
import type { NodeId } from '../../../engine/graph/types';
import { removeParam, setParam } from '../store/actions';
import { editorStore } from '../store/editorStore';
import { LockMark } from './LockMark';
import { paramToText, rangeHint, textToParam } from './paramText';
import { useLiveEdit } from './useLiveEdit';

interface Props {
  readonly nodeId: NodeId;
  readonly name: string;
  readonly spec: ParamSpec;
  /** What the document says (undefined: the default applies). */
  readonly written: unknown;
  /** The value in effect, defaults filled in. */
  readonly effective: unknown;
  /**
   * A lesson's lock on this param. For a student the field is read-only with the reason; in
   * instructor mode `toggle` locks and unlocks it and the field stays editable.
   */
  readonly lock?: { readonly locked: boolean; readonly reason: string; readonly toggle?: () => void };
}

export function ParamField({ nodeId, name, spec, written, effective, lock }: Props) {
  const readOnly = lock?.locked === true && !lock.toggle;
  const shown = paramToText(written ?? effective);
  const perform = (raw: string, coalesceKey?: string) =>
    editorStore()
      .getState()
      .perform(setParam, { nodeId, name, value: textToParam(spec, raw) }, coalesceKey ? { coalesceKey } : undefined);
  const edit = useLiveEdit(shown, perform);
  const [choiceError, setChoiceError] = useState<string | null>(null);
  const choose = (raw: string) => {
    const outcome = perform(raw);
    setChoiceError('error' in outcome ? outcome.error : null);
  };
  const error = edit.error ?? choiceError;

  const id = `param-${nodeId}-${name}`;
  const hint = rangeHint(spec);
  return (
    <div className={`field${error ? ' field-invalid' : ''}${edit.pending ? ' field-pending' : ''}`} data-testid={`field-${name}`}>
      <label htmlFor={id}>
        {name}
        {written === undefined && !spec.required && <span className="field-default"> default</span>}
        {readOnly && <LockMark reason={lock.reason} />}
        {lock?.toggle && (
          <button
            className={`lock-toggle${lock.locked ? ' on' : ''}`}
            aria-pressed={lock.locked}
            data-testid={`lock-param-${name}`}
            title={lock.locked ? 'Unlock this param for students' : 'Lock this param for students'}
            onClick={lock.toggle}
          >
            {lock.locked ? '🔒' : '🔓'}
          </button>
        )}
      </label>
      {spec.kind === 'bool' ? (
        <input
          id={id}
          type="checkbox"
          disabled={readOnly}
          checked={effective === true}
          onChange={(e) => choose(String(e.target.checked))}
        />
      ) : spec.kind === 'enum' ? (
        <select id={id} disabled={readOnly} value={String(effective)} onChange={(e) => choose(e.target.value)}>
          {spec.values.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          disabled={readOnly}
          list={spec.kind === 'kernel' ? `${id}-presets` : undefined}
          spellCheck={false}
          {...edit.inputProps}
        />
      )}
      {spec.kind === 'kernel' && (
        <datalist id={`${id}-presets`}>
          {KERNEL_PRESETS.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      )}
      {written !== undefined && !spec.required && !readOnly && (
        <button
          className="link-button"
          title="Use the default"
          onClick={() => editorStore().getState().perform(removeParam, { nodeId, name })}
        >
          reset
        </button>
      )}
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : readOnly ? (
        <div className="field-help">{lock.reason}</div>
      ) : (
        <div className="field-help">
          {spec.doc}
          {hint ? ` (${hint})` : ''}
        </div>
      )}
    </div>
  );
}
