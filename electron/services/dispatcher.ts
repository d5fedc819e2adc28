/**
 * The one entry for every UI request, on both hosts: validate with the contract's schemas, run
 * the service, and answer `{ok, result}` or `{ok: false, error}` with a message for the user.
 * Nothing from the renderer reaches a service unvalidated, and no stack trace reaches the UI.
 */
import type { z } from 'zod';
import { ApiError, REQUESTS, validateRequest, type RequestName, type Results } from '../api/contract';
import { datasetSourceOf } from '../../engine/check/dataset';
import { validateGraph } from '../../engine/graph/load';
import { allowPath, checkpointSource, datasetSource, grantTemplateDataset } from './access';
import type { EventSink, Services } from './types';

export type Reply = { ok: true; result: unknown } | { ok: false; error: string };

type Handler<N extends RequestName> = (
  services: Services,
  args: z.output<(typeof REQUESTS)[N]>,
  sender: EventSink,
) => Promise<Results[N]> | Results[N];

/** Graph files count as recent when opened or saved; other files (datasets, exports) do not. */
const isGraphFile = (path: string) => path.toLowerCase().endsWith('.json');

const remember = async (services: Services, path: string) => {
  if (!isGraphFile(path)) return;
  // The recent list is a convenience: failing to update it must not fail the open or save.
  await services.recent.add(path).catch(() => undefined);
  // Data and exports beside an opened graph are the user's too.
  await services.scope.grantFolderOf(path).catch(() => undefined);
};

const HANDLERS: { [N in RequestName]: Handler<N> } = {
  'host.info': (s) => s.info,
  'templates.list': (s) => s.templates.list(),
  'templates.read': async (s, a) => {
    const template = await s.templates.read(a.id);
    await grantTemplateDataset(s, template.text);
    return template;
  },
  'lessons.list': (s) => s.lessons.list(),
  'lessons.read': async (s, a) => {
    const lesson = await s.lessons.read(a.id);
    await grantTemplateDataset(s, lesson.text);
    return lesson;
  },
  'dataset.sample': async (s, a, sender) => s.samples.sample(await datasetSource(s, a.source, sender, false)),
  'file.read': async (s, a) => {
    const read = await s.files.read(a.path);
    await remember(s, read.path);
    return read;
  },
  'file.write': async (s, a) => {
    const written = await s.files.write(a.path, a.text);
    await remember(s, written.path);
    return written;
  },
  'file.openDialog': (s, a, sender) => s.shell.openDialog(a.kind, sender),
  'file.saveDialog': (s, a, sender) => s.shell.saveDialog(a.defaultName, a.kind, sender),
  'file.list': (s, a) => s.files.list(a.dir),
  'file.import': (s, a) => s.importer.model(a.path),
  'file.allow': (s, a, sender) => allowPath(s, a.path, a.kind ?? 'auto', sender),
  'recent.list': (s) => s.recent.list(),
  'recovery.save': (s, a) => s.recovery.save(a.text, a.path),
  'recovery.load': (s) => s.recovery.load(),
  'recovery.clear': (s) => s.recovery.clear(),
  'train.start': async (s, a, sender) => {
    const source = await datasetSource(s, a.dataset.source, sender, true);
    const { initFrom, ...rest } = a;
    const checkpoint = initFrom ? await checkpointSource(s, initFrom) : undefined;
    return s.training.start({ ...rest, dataset: { ...a.dataset, source }, ...(checkpoint ? { initFrom: checkpoint } : {}) }, sender);
  },
  'train.stop': (s, a) => s.training.stop(a.runId),
  'runs.list': (s) => s.runs.list(),
  'runs.read': (s, a) => s.runs.read(a.runId),
  'runs.rename': (s, a) => s.runs.rename(a.runId, a.name),
  'runs.delete': (s, a) => s.runs.remove(a.runId),
  'runs.mcDropout': (s, a) => s.inspection.mcDropout(a.runId, a.passes),
  'runs.ensemble': (s, a) => s.inspection.ensemble(a.runIds),
  'export.code': (s, a) => s.exporter.code(a.graph, a.target, a.runId),
  'export.write': (s, a) => s.exporter.write(a.graph, a.target, a.path, a.runId),
  'inspect.featureMaps': async (s, a, sender) => {
    const checked = validateGraph(a.graph);
    if (!checked.ok) throw new ApiError(`No feature maps: ${checked.error}`);
    const source = await datasetSource(s, datasetSourceOf(checked.doc), sender, false);
    return s.featureMaps.featureMaps({ ...a, graph: checked.doc, source });
  },
  'window.setTitle': (s, a, sender) => {
    s.shell.setTitle(a.title, a.dirty, sender);
    return { ok: true };
  },
};

export async function handleRequest(services: Services, name: unknown, args: unknown, sender: EventSink): Promise<Reply> {
  const valid = validateRequest(name, args);
  if (!valid.ok) return { ok: false, error: valid.error };
  const handler = HANDLERS[valid.name] as Handler<RequestName>;
  try {
    return { ok: true, result: await handler(services, valid.args as never, sender) };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err.message };
    // A bug of ours: say which request failed, in one line, without the stack.
    return { ok: false, error: `${valid.name} failed: ${(err as Error)?.message ?? String(err)}` };
  }
}
