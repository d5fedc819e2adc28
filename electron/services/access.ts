/**
 * Paths the page names itself, rather than a dialog: a dataset source typed or stored in a graph,
 * a path from the web host's in-page prompt. Each is checked against the paths the user chose
 * (./scope.ts); one that is not among them is offered to the user in the host's own UI where
 * there is one (the desktop's message box), and otherwise refused with what to do instead.
 */
import { existsSync } from 'node:fs';
import { ApiError, type RequestArgs } from '../api/contract';
import type { GrantKind } from './scope';
import type { EventSink, Services } from './types';

/** The page asks to use `path` (its prompt, a typed source): granted, asked natively, or refused. */
export async function allowPath(
  services: Services,
  path: string,
  kind: GrantKind | 'auto',
  sender: EventSink,
): Promise<{ path: string; allowed: boolean }> {
  const full = services.files.resolvePath(path);
  if (await services.scope.allows(full, 'read')) return { path: full, allowed: true };
  const confirm = services.shell.confirmAccess;
  if (confirm) {
    // Only the host's own UI can tell a user's choice from a page's wish.
    if (!(await confirm(full, 'You typed this path in NetCanvas.', sender))) return { path: full, allowed: false };
    await services.scope.grant(full, kind, 'host');
    return { path: full, allowed: true };
  }
  // The web host has no UI of its own: the page's prompt is the user's, within the page's rules.
  await services.scope.grant(full, kind, 'page');
  return { path: full, allowed: true };
}

/**
 * The dataset a request names, as the path to load: `embedded:` sources as they are; a path only
 * when the user chose it (or, with `ask`, agrees now in the host's own UI).
 */
export async function datasetSource(services: Services, source: string, sender: EventSink, ask: boolean): Promise<string> {
  const trimmed = source.trim();
  if (trimmed.startsWith('embedded:')) return trimmed;
  const full = services.files.resolvePath(trimmed);
  if (await services.scope.allows(full, 'read')) return full;
  const confirm = services.shell.confirmAccess;
  if (ask && confirm && (await confirm(full, 'This graph trains on it, and you have not opened it in NetCanvas.', sender))) {
    await services.scope.grant(full, 'auto', 'host');
    return full;
  }
  throw new ApiError(
    `The dataset ${trimmed} is not a file or folder you chose in NetCanvas: choose it with the Folder… or File… button under Dataset`,
  );
}

/** A template's dataset (shipped with the app, e.g. Fashion-MNIST's Debian folder) is the app's own choice. */
export async function grantTemplateDataset(services: Services, text: string): Promise<void> {
  try {
    const source = (JSON.parse(text) as { dataset?: { source?: unknown } }).dataset?.source;
    if (typeof source === 'string' && source.trim() !== '' && !source.startsWith('embedded:')) {
      await services.scope.grant(services.files.resolvePath(source.trim()), 'auto', 'host');
    }
  } catch {
    // A broken template is reported when it is opened; nothing to grant.
  }
}

/** The checkpoint a run starts from (`train.start`'s `initFrom`): a finished run's weights, or a file the user chose. */
export async function checkpointSource(services: Services, from: NonNullable<RequestArgs<'train.start'>['initFrom']>): Promise<string> {
  if ('runId' in from) {
    const record = await services.runs.read(from.runId);
    const weights = services.runs.weightsPathOf(record.runId);
    if (record.weights === null || !existsSync(weights))
      throw new ApiError(`"${record.name}" has no trained weights to start from: choose a run that finished, or a checkpoint file`);
    return weights;
  }
  const full = services.files.resolvePath(from.path);
  if (!existsSync(full)) throw new ApiError(`There is no checkpoint ${full}: choose a .weights.json file a run saved`);
  await services.scope.check(full, 'read');
  return full;
}
