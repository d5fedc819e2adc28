/** Assembles the services for a host; each host adds its launcher and shell. */
import { homedir, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultDatasetsDir } from '../../engine/data/embedded';
import type { HostInfo } from '../api/contract';
import { createExportService, type ExporterLoader } from './export';
import { createFileService } from './files';
import { createImportService } from './importer';
import { createFeatureMapsService, type MapsWorkerLauncher } from './featureMaps';
import { createInspectionService } from './inspection';
import type { InspectRequest } from '../../engine/train/processClient';
import { createRecentService } from './recent';
import { createRecoveryService } from './recovery';
import { createRunHistory } from './runs';
import { createSampleService } from './samples';
import { createPathScope, type PathScope } from './scope';
import { createTemplateService } from './templates';
import { createTrainingService, type TrainerLauncher } from './training';
import type { ShellService, Services } from './types';

export interface ServiceOptions {
  readonly kind: HostInfo['kind'];
  readonly version: string;
  readonly dataDir: string;
  readonly templatesDir: string;
  /** Default: `lessons/` beside the templates folder (both ship with the app). */
  readonly lessonsDir?: string;
  readonly launchTrainer: TrainerLauncher;
  /** Starts a trainer process for one measurement of runs (./inspection.ts); omitted: such requests are refused. */
  readonly launchInspector?: TrainerLauncher<InspectRequest>;
  /** Runs the PyTorch export for `runner: 'pytorch'`; omitted: such runs are refused. */
  readonly launchPytorchTrainer?: TrainerLauncher;
  /** Starts the process feature maps are computed in; omitted: this host cannot inspect. */
  readonly launchMapsWorker?: MapsWorkerLauncher;
  readonly loadExporter: ExporterLoader;
  readonly shell: ShellService;
  readonly homeDir?: string;
  /** Where `embedded:` datasets live (a packaged app); default: the repository's datasets/. */
  readonly datasetsDir?: string;
}

/**
 * Where NetCanvas keeps recovery copies, the recent list and the run history with its checkpoints: `NETCANVAS_DATA_DIR`,
 * else the folder Electron uses for an app named NetCanvas, so both hosts share one place.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['NETCANVAS_DATA_DIR']) return env['NETCANVAS_DATA_DIR'];
  const home = homedir();
  if (platform() === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'NetCanvas');
  if (platform() === 'darwin') return join(home, 'Library', 'Application Support', 'NetCanvas');
  return join(env['XDG_CONFIG_HOME'] ?? join(home, '.config'), 'NetCanvas');
}

export function createServices(options: ServiceOptions): Services {
  const homeDir = options.homeDir ?? homedir();
  const recent = createRecentService(options.dataDir);
  const scope = createPathScope({
    homeDir,
    file: join(options.dataDir, 'allowed-paths.json'),
    builtIn: [
      { path: options.dataDir, kind: 'folder' },
      { path: options.templatesDir, kind: 'folder' },
      { path: options.datasetsDir ?? defaultDatasetsDir(), kind: 'folder' },
    ],
    openedBefore: () => recent.list(),
  });
  const files = createFileService({ homeDir, scope });
  const runs = createRunHistory(options.dataDir);
  return {
    info: { kind: options.kind, version: options.version, platform: process.platform, dataDir: options.dataDir, homeDir },
    templates: createTemplateService(options.templatesDir),
    lessons: createTemplateService(options.lessonsDir ?? join(dirname(options.templatesDir), 'lessons'), 'lesson'),
    samples: createSampleService(options.datasetsDir ? { datasetsDir: options.datasetsDir } : {}),
    files,
    scope,
    recent,
    // One recovery file per host kind, so a browser tab and the desktop app never overwrite each other's.
    recovery: createRecoveryService(options.dataDir, { fileName: `recovery-${options.kind}.json` }),
    runs,
    training: createTrainingService({
      launch: options.launchTrainer,
      ...(options.launchPytorchTrainer ? { launchPytorch: options.launchPytorchTrainer } : {}),
      // Each run's record and weights in runs/<runId>/ (runs.ts).
      history: runs,
    }),
    featureMaps: createFeatureMapsService({ ...(options.launchMapsWorker ? { launch: options.launchMapsWorker } : {}), runs }),
    inspection: createInspectionService({ runs, ...(options.launchInspector ? { launch: options.launchInspector } : {}) }),
    exporter: createExportService(options.loadExporter, files, scope, runs),
    importer: createImportService(files),
    shell: grantingDialogs(options.shell, scope),
  };
}

/** What the user picks in a native dialog is theirs to use: the shell's answers are granted as they pass. */
function grantingDialogs(shell: ShellService, scope: PathScope): ShellService {
  return {
    ...shell,
    async openDialog(kind, sender) {
      const answer = await shell.openDialog(kind, sender);
      if (answer.path) await scope.grant(answer.path, kind === 'dataset-folder' ? 'folder' : 'file', 'host');
      return answer;
    },
    async saveDialog(defaultName, kind, sender) {
      const answer = await shell.saveDialog(defaultName, kind, sender);
      if (answer.path) await scope.grant(answer.path, 'file', 'host');
      return answer;
    },
  };
}
