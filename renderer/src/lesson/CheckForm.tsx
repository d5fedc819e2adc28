/** Instructor mode: add a check from a form whose fields follow the check kind (engine/lesson/kinds). */
import { useState } from 'react';
import type { GraphDoc } from '../../../engine/graph/types';
import { CHECK_KINDS, CHECK_KIND_NAMES, type CheckField, type CheckKind, type LessonCheck } from '../../../engine/lesson';
import { LAYER_TYPES } from '../../../engine/layers/registry';
import { editorStore } from '../store/editorStore';
import { addCheck } from './lessonActions';

const NODE_FIELDS = new Set<CheckField>(['node', 'from', 'to']);
const TYPE_FIELDS = new Set<CheckField>(['type', 'through']);

/** The form's text for one field as the check's value; undefined when left empty. */
function fieldValue(field: CheckField, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  if (field === 'min' || field === 'max') return Number(t);
  if (field === 'avoid') return t.split(/[\s,]+/).filter(Boolean);
  if (field === 'value') {
    try {
      return JSON.parse(t);
    } catch {
      return t; // a bare word such as inverseTime
    }
  }
  return t;
}

export function CheckForm({ doc }: { doc: GraphDoc }) {
  const [kind, setKind] = useState<CheckKind>('receptiveField');
  const [id, setId] = useState('');
  const [text, setText] = useState('');
  const [points, setPoints] = useState('1');
  const [fields, setFields] = useState<Partial<Record<CheckField, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const spec = CHECK_KINDS[kind];
  const shown: CheckField[] = [...spec.needs, ...spec.optional, ...(spec.bounds === 'none' ? [] : (['min', 'max'] as const))];
  const nodeIds = doc.nodes.map((n) => n.id);

  const submit = () => {
    const check: Record<string, unknown> = { id: id.trim(), text: text.trim(), points: Number(points), kind };
    for (const f of shown) {
      const v = fieldValue(f, fields[f] ?? '');
      if (v !== undefined) check[f] = v;
    }
    const outcome = editorStore()
      .getState()
      .perform(addCheck, { check: check as LessonCheck });
    if ('error' in outcome) return setError(outcome.error);
    setError(null);
    setId('');
    setText('');
    setFields({});
  };

  return (
    <form
      className="check-form"
      data-testid="check-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h4>Add a check</h4>
      <label>
        Kind
        <select data-testid="check-kind" value={kind} onChange={(e) => setKind(e.target.value as CheckKind)}>
          {CHECK_KIND_NAMES.map((k) => (
            <option key={k} value={k}>
              {CHECK_KINDS[k].label} ({k})
            </option>
          ))}
        </select>
      </label>
      <p className="field-help">{spec.doc}</p>
      <label>
        Id <input data-testid="check-id" value={id} placeholder="field" onChange={(e) => setId(e.target.value)} />
      </label>
      <label>
        Sentence for the student <input data-testid="check-text" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <label>
        Points <input data-testid="check-points" value={points} inputMode="decimal" onChange={(e) => setPoints(e.target.value)} />
      </label>
      {shown.map((f) => (
        <label key={f}>
          {f}
          {spec.needs.includes(f) ? '' : ' (optional)'}
          {NODE_FIELDS.has(f) ? (
            <select data-testid={`check-${f}`} value={fields[f] ?? ''} onChange={(e) => setFields({ ...fields, [f]: e.target.value })}>
              <option value="">{spec.needs.includes(f) ? 'choose a node' : 'none'}</option>
              {nodeIds.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          ) : TYPE_FIELDS.has(f) ? (
            <select data-testid={`check-${f}`} value={fields[f] ?? ''} onChange={(e) => setFields({ ...fields, [f]: e.target.value })}>
              <option value="">{spec.needs.includes(f) ? 'choose a type' : 'any'}</option>
              {LAYER_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          ) : (
            <input data-testid={`check-${f}`} value={fields[f] ?? ''} onChange={(e) => setFields({ ...fields, [f]: e.target.value })} />
          )}
        </label>
      ))}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" data-testid="check-add">
        Add check
      </button>
    </form>
  );
}
