/**
 * The one typed API between the UI and its host. Each request maps to a zod schema for its
 * argument (validated by the host: the renderer is untrusted) and a result type; each event to
 * its payload. The preload, the desktop host (Electron IPC), the web host (WebSocket) and the
 * type of `window.netcanvas` all derive from this file, so they cannot drift apart.
 */
import { z } from 'zod';
import { MAX_GRAPH_TEXT_BYTES, MAX_MESSAGE_BYTES, utf8Length } from '../../engine/graph/limits';
import { MAX_INSPECTED_NODES, type FeatureMapsResult } from '../../engine/inspect/protocol';
import type { RunRecord, RunSummary } from '../../engine/runs/record';
import type { TrainerEvent } from '../../engine/train/protocol';
import type { InspectResult } from '../../engine/inspect/jobs';

export type McDropoutResult = Extract<InspectResult, { kind: 'mcDropout' }>;
export type EnsembleResult = Extract<InspectResult, { kind: 'ensemble' }>;

/** The most one text (a graph, a recovery copy) may hold, in UTF-8 bytes: what the host reads back from a graph file. */
export const MAX_TEXT_BYTES = MAX_GRAPH_TEXT_BYTES;
export { MAX_MESSAGE_BYTES };

const path = z.string().min(1).max(4096);
const text = z
  .string()
  .max(MAX_TEXT_BYTES)
  .refine((s) => s.length <= MAX_TEXT_BYTES / 3 || utf8Length(s) <= MAX_TEXT_BYTES, {
    message: `is more than ${MAX_TEXT_BYTES / 1024 / 1024} MiB of UTF-8, the most NetCanvas reads back from one file`,
  });
const graphValue = z.record(z.string(), z.unknown());
/** The most pixel values an image for the feature maps may have (a 1024×1024 colour image: 3,145,728). */
const MAX_SAMPLE_VALUES = 1 << 22;

export const EXPORT_TARGETS = ['pytorch', 'keras', 'tfjs', 'onnx'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** Request name → argument schema. */
export const REQUESTS = {
  'host.info': z.object({}),
  'templates.list': z.object({}),
  'templates.read': z.object({ id: z.string().min(1).max(200) }),
  /** The lessons shipped in lessons/ (graph files with a `lesson`), listed and read like templates. */
  'lessons.list': z.object({}),
  'lessons.read': z.object({ id: z.string().min(1).max(200) }),
  'dataset.sample': z.object({ source: z.string().min(1).max(4096) }),
  'file.read': z.object({ path }),
  'file.write': z.object({ path, text }),
  /** Native dialogs on the desktop; the web host answers `{ path: null, unsupported: true }` and the UI asks for a path itself. */
  'file.openDialog': z.object({ kind: z.enum(['graph', 'dataset-file', 'dataset-folder', 'checkpoint', 'model']) }),
  'file.saveDialog': z.object({ defaultName: z.string().max(255), kind: z.enum(['graph', 'export']) }),
  'file.list': z.object({ dir: path }),
  /** An ONNX model or a Keras model JSON, turned into a graph by the host. */
  'file.import': z.object({ path }),
  /**
   * A path the user chose in the page itself (the web host's path prompt, a typed dataset source):
   * the host adds it to the paths the UI may reach, after asking natively where it can (desktop).
   * `auto`: a folder if it is one, else a file.
   */
  'file.allow': z.object({ path, kind: z.enum(['file', 'folder', 'auto']).optional() }),
  'recent.list': z.object({}),
  'recovery.save': z.object({ text, path: path.nullable() }),
  'recovery.load': z.object({}),
  'recovery.clear': z.object({}),
  'train.start': z.object({
    graph: graphValue,
    dataset: z.object({
      source: z.string().min(1).max(4096),
      limit: z.number().int().positive().optional(),
      testLimit: z.number().int().positive().optional(),
      normalization: z.enum(['unit', 'standard']).optional(),
    }),
    config: z.record(z.string(), z.unknown()).optional(),
    backend: z.string().max(40).optional(),
    runner: z.enum(['tfjs', 'pytorch']).optional(),
    /**
     * Transfer learning: start from a finished run's weights (the run history) or a checkpoint file the
     * user chose (`.weights.json`); nodes whose ids and weight shapes match load them, the rest start
     * fresh, and the run's `started` event says which (`initFrom`).
     */
    initFrom: z.union([z.object({ runId: z.string().min(1).max(100) }).strict(), z.object({ path }).strict()]).optional(),
    /** Freeze this node and every weighted node before it (with `initFrom`: keep the loaded features). */
    freezeThrough: z.string().min(1).max(200).optional(),
  }),
  'train.stop': z.object({ runId: z.string().min(1).max(100) }),
  /** The run history in the data folder (engine/runs/record.ts): every run, newest last. */
  'runs.list': z.object({}),
  /** One run's whole record: graph, settings, curves, results, filters. */
  'runs.read': z.object({ runId: z.string().min(1).max(100) }),
  'runs.rename': z.object({ runId: z.string().min(1).max(100), name: z.string().min(1).max(200) }),
  /** Deletes the run's record and its weights. */
  'runs.delete': z.object({ runId: z.string().min(1).max(100) }),
  /**
   * Dropout's two test-time rules on a finished run's test split: weight scaling (one pass), and the
   * average of k stochastic passes for each k (default 1, 2, 5, 10, 20, 50). Runs in a trainer process.
   */
  'runs.mcDropout': z.object({
    runId: z.string().min(1).max(100),
    passes: z.array(z.number().int().min(1).max(1000)).min(1).max(12).optional(),
  }),
  /** Finished runs as an ensemble (averaged probabilities) on the first run's test split: each member's error, theirs and the members' mean. */
  'runs.ensemble': z.object({ runIds: z.array(z.string().min(1).max(100)).min(2, 'an ensemble needs two or more runs').max(12) }),
  /** `runId`: export that run's trained weights (from the run history); omitted, or when they no longer fit: initial weights. */
  'export.code': z.object({ graph: graphValue, target: z.enum(EXPORT_TARGETS), runId: z.string().min(1).max(100).optional() }),
  'export.write': z.object({ graph: graphValue, target: z.enum(EXPORT_TARGETS), path, runId: z.string().min(1).max(100).optional() }),
  'window.setTitle': z.object({ title: z.string().max(500), dirty: z.boolean() }),
  /**
   * Feature maps: the chosen nodes' outputs for one sample (a test sample of the graph's dataset, or an
   * image's 0–255 pixels at the input's size), computed in the inspection process from the run's
   * trained weights (`runId`) or, without one, the graph's initial weights.
   */
  'inspect.featureMaps': z.object({
    graph: graphValue,
    runId: z.string().min(1).max(100).optional(),
    sample: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('test'),
        index: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31),
      }),
      z.object({
        kind: z.literal('pixels'),
        pixels: z.array(z.number().int().min(0).max(255)).min(1).max(MAX_SAMPLE_VALUES),
        shape: z.array(z.number().int().min(1).max(16_777_216)).min(1).max(3),
        name: z.string().max(300),
      }),
    ]),
    nodeIds: z.array(z.string().min(1).max(200)).min(1).max(MAX_INSPECTED_NODES),
  }),
} as const;

export type RequestName = keyof typeof REQUESTS;
export type RequestArgs<N extends RequestName> = z.input<(typeof REQUESTS)[N]>;

export interface HostInfo {
  readonly kind: 'desktop' | 'web';
  readonly version: string;
  readonly platform: string;
  /** Where documents and recovery data live, shown to the user. */
  readonly dataDir: string;
  readonly homeDir: string;
}
export interface TemplateInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}
export interface FileEntry {
  readonly name: string;
  readonly path: string;
  readonly kind: 'file' | 'folder';
}
export interface ExportedFile {
  readonly name: string;
  /** Text files as text; binary (ONNX) as base64 with `encoding: 'base64'`. */
  readonly text: string;
  readonly encoding?: 'utf8' | 'base64';
}
/** Which weights an export carries: a run's trained ones, or initial ones (and why, when a run was asked for). */
export type ExportWeights =
  | {
      readonly kind: 'trained';
      readonly runId: string;
      readonly runName: string;
      readonly testAccuracy: number | null;
      /** The run's headline test result in words, by its task ("97.40% test accuracy", "14.20% test mean IoU", "12.26 dB test PSNR"). */
      readonly testFigure?: string;
      readonly trainedAt: string;
    }
  | { readonly kind: 'initial'; readonly reason?: string };

/** Feature maps, with whose weights they were computed (a run's trained ones, or initial ones and why). */
export interface FeatureMapsAnswer extends FeatureMapsResult {
  readonly weights: ExportWeights;
}

export type OpenDialogKind = RequestArgs<'file.openDialog'>['kind'];

/** A model file as a graph: `text` is the graph file's JSON (no layout yet). */
export interface ImportedGraph {
  readonly path: string;
  readonly text: string;
  readonly format: 'onnx' | 'keras';
  /** What was imported but not kept exactly, one sentence each. */
  readonly notes: string[];
  /** The file had weights; the app does not load them (`netcanvas import` saves them as a checkpoint). */
  readonly hadWeights: boolean;
}

/** The first sample of a dataset as 0–255 bytes, channels-last, with its class, and what the checker needs to know of the dataset. */
export interface DatasetSample {
  readonly pixels: number[];
  readonly shape: number[];
  readonly label: number;
  readonly className: string;
  /** The dataset's name for people ("MNIST (embedded subset)"). */
  readonly name: string;
  /** How many classes it has, and their names. */
  readonly classes: number;
  readonly classNames: string[];
}

/** Request name → result type. */
export interface Results {
  'host.info': HostInfo;
  'templates.list': TemplateInfo[];
  'templates.read': { text: string };
  'lessons.list': TemplateInfo[];
  'lessons.read': { text: string };
  'dataset.sample': DatasetSample;
  'file.read': { path: string; text: string };
  'file.write': { path: string };
  'file.openDialog': { path: string | null; unsupported?: boolean };
  'file.saveDialog': { path: string | null; unsupported?: boolean };
  'file.list': { dir: string; entries: FileEntry[] };
  'file.import': ImportedGraph;
  'file.allow': { path: string; allowed: boolean };
  'recent.list': string[];
  'recovery.save': { saved: boolean };
  'recovery.load': { text: string; path: string | null; savedAt: string } | null;
  'recovery.clear': { cleared: boolean };
  /** `name`: what the run history calls the run (hosts without a history leave it out). */
  'train.start': { runId: string; name?: string };
  'train.stop': { stopped: boolean };
  'runs.list': RunSummary[];
  'runs.read': RunRecord;
  'runs.rename': RunSummary;
  'runs.delete': { removed: boolean };
  'runs.mcDropout': McDropoutResult;
  'runs.ensemble': EnsembleResult;
  'export.code': { files: ExportedFile[]; weights: ExportWeights };
  'export.write': { paths: string[]; weights: ExportWeights };
  'window.setTitle': { ok: true };
  'inspect.featureMaps': FeatureMapsAnswer;
}

/** Host → UI events. */
export interface Events {
  /** A trainer event; `{type: 'error', kind: 'internal'}` also reports a trainer process that died. */
  'train.event': TrainerEvent;
  /** A menu item or shortcut handled by the host (desktop menus). */
  'menu.command': { command: MenuCommand };
  /** The OS asked to open a file (second instance, file association). */
  'file.openRequested': { path: string };
}
export type EventName = keyof Events;

export const MENU_COMMANDS = [
  'new',
  'open',
  'import',
  'save',
  'saveAs',
  'export',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'selectAll',
  'delete',
  'zoomToFit',
  'autoLayout',
  'toggleCode',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** What `window.netcanvas` offers the UI, on every host. */
export interface NetCanvasApi {
  request<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<Results[N]>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** A request the host refused; the message is for the user. */
export class ApiError extends Error {}

/**
 * Host-side validation of an incoming request. Unknown names and bad payloads become a clear
 * message rather than reaching a handler.
 */
export function validateRequest(
  name: unknown,
  args: unknown,
): { ok: true; name: RequestName; args: unknown } | { ok: false; error: string } {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(REQUESTS, name)) {
    return { ok: false, error: `unknown request ${JSON.stringify(name)}` };
  }
  const schema = REQUESTS[name as RequestName];
  const parsed = schema.safeParse(args ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `${name}: ${issue.path.join('.') || 'argument'}: ${issue.message}` };
  }
  return { ok: true, name: name as RequestName, args: parsed.data };
}
