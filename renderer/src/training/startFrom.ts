/**
 * Transfer learning's choice in the Train tab: start the next run from a finished run's weights or
 * a checkpoint file instead of fresh initialisers, and optionally freeze through a node. Kept for
 * the session (not in the graph file: a checkpoint is a machine's file, not part of the design).
 */
import { create } from 'zustand';
import type { RequestArgs } from '../../../electron/api/contract';

export type StartFrom =
  { readonly kind: 'run'; readonly runId: string; readonly label: string } | { readonly kind: 'file'; readonly path: string };

interface StartFromState {
  readonly from: StartFrom | null;
  /** Only with `from`: freeze this node and every weighted node before it. */
  readonly freezeThrough: string | null;
  setFrom(from: StartFrom | null): void;
  setFreezeThrough(nodeId: string | null): void;
}

export const useStartFrom = create<StartFromState>()((set) => ({
  from: null,
  freezeThrough: null,
  setFrom: (from) => set(from ? { from } : { from: null, freezeThrough: null }),
  setFreezeThrough: (freezeThrough) => set({ freezeThrough }),
}));

/** What each run of this session was started from, for saying so beside the trainer's report. */
export const startedFrom = new Map<string, { readonly from: StartFrom; readonly freezeThrough: string | null }>();

/** `train.start`'s fields for the current choice (none for fresh weights). */
export function startFromArgs(): Pick<RequestArgs<'train.start'>, 'initFrom' | 'freezeThrough'> {
  const { from, freezeThrough } = useStartFrom.getState();
  if (!from) return {};
  return {
    initFrom: from.kind === 'run' ? { runId: from.runId } : { path: from.path },
    ...(freezeThrough ? { freezeThrough } : {}),
  };
}

export const fromLabel = (from: StartFrom): string =>
  from.kind === 'run' ? `the run “${from.label}”` : (from.path.split(/[/\\]/).pop() ?? from.path);
