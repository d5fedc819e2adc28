/**
 * Measurements of finished runs, asked of the host (runs.mcDropout, runs.ensemble: a trainer
 * process measures them) and kept for the session, so the results tab and the ensemble tab show
 * them again when a student comes back. One measurement at a time, as the host allows.
 */
import { create } from 'zustand';
import type { EnsembleResult, McDropoutResult } from '../../../../electron/api/contract';
import { api, messageOf } from '../../host/api';

/** What the lecture's plot uses: the running average of 50 passes, read at these k. */
export const PASSES = [1, 2, 5, 10, 20, 50];

export type Measurement<R> =
  | { readonly state: 'running'; readonly since: number }
  | { readonly state: 'done'; readonly result: R }
  | { readonly state: 'error'; readonly error: string };

interface InspectionState {
  /** By run id. */
  readonly dropout: Readonly<Record<string, Measurement<McDropoutResult>>>;
  /** The runs ticked for an ensemble, in the order they were ticked. */
  readonly members: readonly string[];
  /** The last ensemble measured, with the runs it was made of. */
  readonly ensemble: (Measurement<EnsembleResult> & { readonly runIds: readonly string[] }) | null;
  setMember(runId: string, on: boolean): void;
}

export const useInspection = create<InspectionState>()((set, get) => ({
  dropout: {},
  members: [],
  ensemble: null,
  setMember(runId, on) {
    const members = get().members.filter((id) => id !== runId);
    set({ members: on ? [...members, runId] : members });
  },
}));

const busy = () => {
  const s = useInspection.getState();
  return Object.values(s.dropout).some((m) => m.state === 'running') || s.ensemble?.state === 'running';
};

/** Dropout's two test-time rules on a finished run's test split. */
export async function measureDropout(runId: string): Promise<void> {
  if (busy()) return;
  const put = (m: Measurement<McDropoutResult>) => useInspection.setState((s) => ({ dropout: { ...s.dropout, [runId]: m } }));
  put({ state: 'running', since: Date.now() });
  try {
    put({ state: 'done', result: await api().request('runs.mcDropout', { runId, passes: PASSES }) });
  } catch (err) {
    put({ state: 'error', error: messageOf(err) });
  }
}

/** The ticked runs as an ensemble. */
export async function measureEnsemble(runIds: readonly string[]): Promise<void> {
  if (busy()) return;
  const put = (m: Measurement<EnsembleResult>) => useInspection.setState({ ensemble: { ...m, runIds } });
  put({ state: 'running', since: Date.now() });
  try {
    put({ state: 'done', result: await api().request('runs.ensemble', { runIds: [...runIds] }) });
  } catch (err) {
    put({ state: 'error', error: messageOf(err) });
  }
}
