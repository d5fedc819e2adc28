/** The graph's diagnostics (or one node's); click one to select its node, or apply its fix. */
import { applyFix } from '../store/actions';
import { checkOfState } from '../store/checkCache';
import { editorStore, useEditor } from '../store/editorStore';

export function ProblemsList({ nodeId }: { nodeId?: string } = {}) {
  const all = useEditor(checkOfState).diagnostics;
  const diagnostics = nodeId === undefined ? all : all.filter((d) => d.nodeId === nodeId);
  if (diagnostics.length === 0) return nodeId === undefined ? <p className="all-good">✓ No problems: every shape fits.</p> : null;
  return (
    <ul
      className={`problems${nodeId === undefined ? '' : ' node-problems'}`}
      data-testid={nodeId === undefined ? 'problems' : 'node-problems'}
    >
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
          {[d.fix, ...(d.moreFixes ?? [])].map(
            (fix) =>
              fix && (
                <button
                  key={fix.label}
                  className="fix-button"
                  onClick={() => editorStore().getState().perform(applyFix, { fix: fix.action })}
                >
                  Fix: {fix.label}
                </button>
              ),
          )}
        </li>
      ))}
    </ul>
  );
}
