/**
 * The main-side services behind the API, shared by the desktop host (Electron IPC) and the web
 * host (WebSocket). They are plain Node modules: nothing here imports `electron`, so they run and
 * are tested under plain Node. Host-specific parts (native dialogs, the window) come in as a
 * `ShellService` implemented by each host.
 */
import type { EventName, Events, HostInfo, OpenDialogKind } from '../api/contract';
import type { ExportService } from './export';
import type { FileService } from './files';
import type { ImportService } from './importer';
import type { FeatureMapsService } from './featureMaps';
import type { InspectionService } from './inspection';
import type { RecentService } from './recent';
import type { RecoveryService } from './recovery';
import type { PathScope } from './scope';
import type { RunHistory } from './runs';
import type { SampleService } from './samples';
import type { TemplateService } from './templates';
import type { TrainingService } from './training';

/** Where host → UI events for one client go: a WebSocket connection or a window's webContents. */
export interface EventSink {
  send<E extends EventName>(event: E, payload: Events[E]): void;
}

/** What only a host can do: native dialogs and the window. The web host answers `unsupported`. */
export interface ShellService {
  openDialog(kind: OpenDialogKind, sender: EventSink): Promise<{ path: string | null; unsupported?: boolean }>;
  saveDialog(defaultName: string, kind: 'graph' | 'export', sender: EventSink): Promise<{ path: string | null; unsupported?: boolean }>;
  setTitle(title: string, dirty: boolean, sender: EventSink): void;
  /**
   * Asks the user, in the host's own UI, whether the page may use a path it was not given by a
   * dialog (desktop: a native message box). Hosts without their own UI leave it out.
   */
  confirmAccess?(path: string, purpose: string, sender: EventSink): Promise<boolean>;
}

export interface Services {
  readonly info: HostInfo;
  readonly templates: TemplateService;
  /** The lessons folder, served like the templates. */
  readonly lessons: TemplateService;
  readonly samples: SampleService;
  readonly files: FileService;
  /** The paths the user chose; every file request is checked against it. */
  readonly scope: PathScope;
  readonly recent: RecentService;
  readonly recovery: RecoveryService;
  readonly runs: RunHistory;
  readonly training: TrainingService;
  /** Feature maps, in a trainer process kept warm between requests. */
  readonly featureMaps: FeatureMapsService;
  /** Measures finished runs: MC dropout, ensembles. */
  readonly inspection: InspectionService;
  readonly exporter: ExportService;
  readonly importer: ImportService;
  readonly shell: ShellService;
}
