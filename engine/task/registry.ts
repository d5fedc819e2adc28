/**
 * The one registry of tasks: adding a task means a module and a line here (and its id in ./ids.ts).
 * Tables elsewhere that are keyed by task (the exporters' snippets) are typed over every id, so a
 * new task does not compile until each of them says how it handles it.
 */
import { classification } from './classification';
import { TASK_IDS, type TaskId } from './ids';
import { reconstruction } from './reconstruction';
import { segmentation } from './segmentation';
import type { TaskSpec } from './types';

export const TASKS: { readonly [T in TaskId]: TaskSpec & { readonly id: T } } = {
  classification: classification as TaskSpec & { id: 'classification' },
  segmentation: segmentation as TaskSpec & { id: 'segmentation' },
  reconstruction: reconstruction as TaskSpec & { id: 'reconstruction' },
};

/** In the order the training form offers them. */
export const TASK_LIST: readonly TaskSpec[] = TASK_IDS.map((id) => TASKS[id]);

export function getTask(id: TaskId): TaskSpec {
  return TASKS[id];
}
