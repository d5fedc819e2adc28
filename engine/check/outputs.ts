/**
 * Which node is the model's output. Training, compiling and every export use one: the graph's
 * declared `output` when it names a reachable node, else its only end (a reachable node nothing
 * reads from). With several ends and none declared the graph is refused before training, with a
 * one-click fix on each stray end: delete that branch, or make it the output.
 */
import type { GraphDoc, NodeId } from '../graph/types';
import { diagnostic, type Diagnostic, type Fix } from './diagnostics';

export interface OutputChoice {
  /** The output first, then the other ends. */
  readonly outputIds: NodeId[];
  readonly diagnostics: Diagnostic[];
}

/** The nodes that feed only `end`: deleting them removes that branch and nothing else. */
export function branchOf(
  end: NodeId,
  incoming: ReadonlyMap<NodeId, readonly NodeId[]>,
  outgoing: ReadonlyMap<NodeId, readonly NodeId[]>,
): NodeId[] {
  const branch = new Set<NodeId>([end]);
  const stack = [...(incoming.get(end) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (branch.has(id)) continue;
    // Part of the branch only if everything it feeds is in the branch already.
    if (!(outgoing.get(id) ?? []).every((next) => branch.has(next))) continue;
    branch.add(id);
    stack.push(...(incoming.get(id) ?? []));
  }
  return [...branch];
}

/** Longest path (in edges) from the input to each node, over a topological order. */
function depths(order: readonly NodeId[], incoming: ReadonlyMap<NodeId, readonly NodeId[]>): Map<NodeId, number> {
  const depth = new Map<NodeId, number>();
  for (const id of order) depth.set(id, Math.max(0, ...(incoming.get(id) ?? []).map((p) => (depth.get(p) ?? -1) + 1)));
  return depth;
}

const nameOf = (doc: GraphDoc, id: NodeId) => doc.nodes.find((n) => n.id === id)?.label ?? id;

/**
 * @param order the reachable nodes in topological order (the input first)
 * @param isInput whether a node is the input (an input alone is no output)
 */
export function chooseOutput(
  doc: GraphDoc,
  order: readonly NodeId[],
  incoming: ReadonlyMap<NodeId, readonly NodeId[]>,
  outgoing: ReadonlyMap<NodeId, readonly NodeId[]>,
  isInput: (id: NodeId) => boolean,
): OutputChoice {
  const ends = order.filter((id) => (outgoing.get(id) ?? []).length === 0 && !isInput(id));
  const diagnostics: Diagnostic[] = [];
  const declared = typeof doc.output === 'string' ? doc.output : undefined;
  const useAs = (id: NodeId): Fix => ({ label: `Use ${nameOf(doc, id)} as the output`, action: { kind: 'setOutput', nodeId: id } });
  const deleteBranch = (end: NodeId): Fix => {
    const branch = branchOf(end, incoming, outgoing);
    const names = branch.map((id) => nameOf(doc, id));
    const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    return { label: `Delete the stray branch (${shown})`, action: { kind: 'removeNodes', nodeIds: branch } };
  };

  if (declared !== undefined) {
    if (order.includes(declared) && !isInput(declared)) {
      for (const end of ends.filter((e) => e !== declared)) {
        diagnostics.push(
          diagnostic('unused-branch', end, `${end} does not lead to the output ${nameOf(doc, declared)}; it is ignored when training`, {
            fix: deleteBranch(end),
          }),
        );
      }
      return { outputIds: [declared, ...ends.filter((e) => e !== declared)], diagnostics };
    }
    const why = doc.nodes.some((n) => n.id === declared) ? 'is not connected to the input' : 'is not a node';
    diagnostics.push(
      diagnostic('output-missing', null, `the graph's output is set to "${declared}", which ${why}`, {
        ...(ends[0] ? { fix: useAs(ends[0]), moreFixes: ends.slice(1).map(useAs) } : {}),
      }),
    );
    return { outputIds: ends, diagnostics };
  }

  const input = order.find(isInput);
  if (ends.length === 0 && input !== undefined && (outgoing.get(input) ?? []).length === 0) {
    // (With edges after the input but no end, a cycle is to blame, and reported as one.)
    diagnostics.push(
      diagnostic(
        'nothing-to-train',
        input,
        `nothing is connected to the input (${input}) yet: connect layers from it, ending in a dense layer with one unit per class`,
      ),
    );
    return { outputIds: [], diagnostics };
  }
  if (ends.length <= 1) return { outputIds: ends, diagnostics };

  // The deepest end is most likely the network; the others are strays (a layer left on a branch).
  const depth = depths(order, incoming);
  const main = [...ends].sort((a, b) => (depth.get(b) ?? 0) - (depth.get(a) ?? 0))[0]!;
  for (const end of ends.filter((e) => e !== main)) {
    diagnostics.push(
      diagnostic(
        'several-outputs',
        end,
        `the graph ends in ${ends.length} places (${ends.map((e) => nameOf(doc, e)).join(', ')}) and training needs one output: delete the stray branch ending in ${nameOf(doc, end)}, or choose the output`,
        { fix: deleteBranch(end), moreFixes: [useAs(main), useAs(end)] },
      ),
    );
  }
  return { outputIds: [main, ...ends.filter((e) => e !== main)], diagnostics };
}
