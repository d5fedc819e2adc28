/** Every diagnostic of the graph; click one to select its node, or apply its fix. */
import { applyFix } from '../store/actions';
import { checkOf } from '../store/checkCache';
import { editorStore, useEditor } from '../store/editorStore';

export function ProblemsList() {
  const doc = useEditor((s) => s.doc);
  const diagnostics = checkOf(doc).diagnostics;
  if (diagnostics.length === 0) return <p className="all-good">✓ No problems: every shape fits.</p>;
  return (
    <ul className="problems">
      {diagnostics.map((d, i) => (
        <li key={i} className={`problem problem-${d.severity}`}>
          <button
            className="link-button problem-text"
            disabled={!d.nodeId}
            onClick={() =>
              d.nodeId &&
              editorStore()
                .getState()
                .select({ nodes: [d.nodeId], edges: [] })
            }
          >
            {d.message}
          </button>
          {d.fix && (
            <button className="fix-button" onClick={() => editorStore().getState().perform(applyFix, { fix: d.fix!.action })}>
              Fix: {d.fix.label}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
