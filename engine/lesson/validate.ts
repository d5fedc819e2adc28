/**
 * Is a lesson usable with the graph it comes with? The schema checks each field on its own; this
 * checks what the fields name: locked nodes and params, and the nodes checks measure, must exist
 * in the lesson's graph. `netcanvas grade` refuses a lesson with problems (exit 2) and instructor
 * mode lists them, while a student's file whose node is gone still opens (the check then fails).
 */
import { getLayer } from '../layers/registry';
import type { GraphDoc } from '../graph/types';
import type { Lesson } from './schema';

/**
 * Problems as "lesson.<path>: <what is wrong>", empty when the lesson is usable.
 * @example lessonProblems(doc) // ['lesson.checks[1].node: there is no node "p9" in this graph']
 */
export function lessonProblems(doc: GraphDoc, lesson: Lesson | undefined = doc.lesson): string[] {
  if (!lesson) return ['lesson: this graph file has no lesson object'];
  const problems: string[] = [];
  const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const missing = (id: string) => `there is no node "${id}" in this graph`;

  (lesson.locked?.nodes ?? []).forEach((id, i) => {
    if (!nodes.has(id)) problems.push(`lesson.locked.nodes[${i}]: ${missing(id)}`);
  });
  for (const [id, names] of Object.entries(lesson.locked?.params ?? {})) {
    const node = nodes.get(id);
    if (!node) {
      problems.push(`lesson.locked.params.${id}: ${missing(id)}`);
      continue;
    }
    const spec = getLayer(node.type);
    names.forEach((name, i) => {
      // `trainable` is the node's own field, lockable like a param.
      if (spec && !(name in spec.params) && name !== 'trainable') {
        problems.push(
          `lesson.locked.params.${id}[${i}]: ${node.type} has no param "${name}" (it has ${[...Object.keys(spec.params), 'trainable'].join(', ')})`,
        );
      }
    });
  }
  lesson.checks.forEach((check, i) => {
    for (const field of ['node', 'from', 'to'] as const) {
      const id = check[field];
      if (id !== undefined && !nodes.has(id)) problems.push(`lesson.checks[${i}].${field}: ${missing(id)}`);
    }
  });
  return problems;
}
