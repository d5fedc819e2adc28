/**
 * What the inspector shows of a lesson's locks on one node: for a student, read-only fields with
 * the reason; in instructor mode, the toggles that set them (engine/lesson/locks has the rules).
 */
import type { NodeId } from '../../../engine/graph/types';
import { lockOf, type Lesson } from '../../../engine/lesson';
import { toggleNodeLock, toggleParamLock } from '../lesson/lessonActions';
import { editorStore } from '../store/editorStore';

export const LOCKED_NODE = 'Locked by the lesson: this node cannot be deleted, edited or rewired (it can be moved)';

export interface NodeLocks {
  readonly nodeLocked: boolean;
  /** Student mode and the node is locked whole. */
  readonly readOnly: boolean;
  /** The sentence under the title, for a student; null when nothing is locked. */
  readonly banner: string | null;
  /** Instructor mode: lock or unlock the node. */
  readonly toggleNode: (() => void) | null;
  param(name: string, value: unknown): { locked: boolean; reason: string; toggle?: () => void } | undefined;
}

export function nodeLocks(lesson: Lesson | undefined, nodeId: NodeId, instructor: boolean): NodeLocks {
  const lock = lockOf(lesson, nodeId);
  const nodeLocked = lock?.node ?? false;
  const params = lock?.params ?? [];
  const perform = editorStore().getState().perform;
  const banner =
    instructor || !lock
      ? null
      : nodeLocked
        ? LOCKED_NODE
        : `The lesson keeps this node${params.length ? `; its ${params.join(', ')} cannot change` : ''}`;
  return {
    nodeLocked,
    readOnly: nodeLocked && !instructor,
    banner,
    toggleNode: instructor && lesson ? () => perform(toggleNodeLock, { nodeId }) : null,
    param(name, value) {
      const locked = nodeLocked || params.includes(name);
      if (instructor && lesson)
        return { locked: params.includes(name), reason: '', toggle: () => perform(toggleParamLock, { nodeId, name }) };
      if (!locked) return undefined;
      return { locked, reason: nodeLocked ? LOCKED_NODE : `Locked by the lesson at ${JSON.stringify(value)}` };
    },
  };
}
