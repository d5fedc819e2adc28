/**
 * The feature-map view's state: the sample chosen (a test sample of the graph's dataset, or an
 * image file), and the host's latest answer for the selected nodes. Requests go to the host
 * (`inspect.featureMaps`, computed in a trainer process from the active run's weights or the initial
 * ones); only the newest request's answer is kept, so quick clicks never show an older node's maps.
 */
import { create } from 'zustand';
import type { FeatureMapsAnswer } from '../../../electron/api/contract';
import type { GraphDoc, NodeId } from '../../../engine/graph/types';
import type { SampleChoice } from '../../../engine/inspect/protocol';
import { api, messageOf } from '../host/api';

export interface FeatureMapQuery {
  readonly doc: GraphDoc;
  readonly runId: string | undefined;
  readonly sample: SampleChoice;
  readonly nodeIds: readonly NodeId[];
}

interface FeatureMapState {
  readonly sample: SampleChoice;
  readonly answer: FeatureMapsAnswer | null;
  /** The query `answer` is for. */
  readonly answered: FeatureMapQuery | null;
  readonly loading: boolean;
  readonly error: string | null;
  /** The last request's round trip in the page (host, process and back), ms. */
  readonly roundTripMs: number | null;
  setSample(sample: SampleChoice): void;
  request(query: FeatureMapQuery): Promise<void>;
}

let latest = 0;

export const useFeatureMaps = create<FeatureMapState>()((set) => ({
  sample: { kind: 'test', index: 0 },
  answer: null,
  answered: null,
  loading: false,
  error: null,
  roundTripMs: null,
  setSample: (sample) => set({ sample }),
  async request(query) {
    const id = ++latest;
    set({ loading: true });
    const started = performance.now();
    try {
      const answer = await api().request('inspect.featureMaps', {
        graph: query.doc as unknown as Record<string, unknown>,
        ...(query.runId ? { runId: query.runId } : {}),
        sample: query.sample as never,
        nodeIds: [...query.nodeIds],
      });
      if (id !== latest) return;
      set({ answer, answered: query, loading: false, error: null, roundTripMs: performance.now() - started });
    } catch (err) {
      if (id !== latest) return;
      set({ loading: false, error: messageOf(err), answered: query, answer: null });
    }
  },
}));

/** The choice of a test sample, `step` on from the current one, within the dataset's test samples. */
export function stepSample(step: number): void {
  const s = useFeatureMaps.getState();
  const count = s.answer?.sample.testCount ?? 0;
  const index = s.sample.kind === 'test' ? s.sample.index : 0;
  const next = count > 0 ? (((index + step) % count) + count) % count : Math.max(0, index + step);
  s.setSample({ kind: 'test', index: next });
}
