/**
 * The first sample of the graph's dataset, from the host, for drawing under the receptive field
 * before any run. One request per source per session; a source that fails leaves the grid and a
 * reason, never an error dialog (the view works without a picture), and is asked again the next
 * time the view needs it, as the host keeps no failure either (the file may have been fixed).
 */
import { useEffect, useState } from 'react';
import type { DatasetSample } from '../../../electron/api/contract';
import { api, messageOf } from '../host/api';

type Answer = { sample: DatasetSample } | { error: string };
const answers = new Map<string, Promise<Answer>>();

/** The host's answer for `source`, asked once per source while it succeeds. */
export function askSample(source: string): Promise<Answer> {
  let pending = answers.get(source);
  if (!pending) {
    pending = api()
      .request('dataset.sample', { source })
      .then(
        (sample) => ({ sample }),
        (err: unknown) => {
          answers.delete(source);
          return { error: messageOf(err) };
        },
      );
    answers.set(source, pending);
  }
  return pending;
}

/** `enabled: false` (a run's sample is shown already) asks nothing. */
export function useDatasetSample(source: string, enabled: boolean): Answer | null {
  const [answer, setAnswer] = useState<{ source: string; answer: Answer } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    void askSample(source).then((a) => live && setAnswer({ source, answer: a }));
    return () => {
      live = false;
    };
  }, [source, enabled]);
  return answer?.source === source ? answer.answer : null;
}
