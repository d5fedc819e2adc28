/**
 * The desktop app's wiring: one secure window on the private `netcanvas://app/` page, the shared
 * services behind IPC, menus, native dialogs, the unsaved-changes prompt, crash recovery, one
 * running instance, and training in a utility process. Electron comes in as a parameter so the
 * wiring itself is testable with a mocked module; main.ts passes the real one.
 */
import type * as Electron from 'electron';
import type { BrowserWindow, MessagePortMain } from 'electron';
import { resolve } from 'node:path';
import type { MenuCommand } from '../api/contract';
import { createServices } from '../services/index';
import type { ExporterLoader } from '../services/export';
import { createPytorchLauncher } from '../services/pytorchTrainer';
import type { Services } from '../services/types';
import { createIpcRequestHandler, EVENTS_PORT_CHANNEL, REQUEST_CHANNEL } from './ipc';
import { buildMenuTemplate } from './menu';
import { APP_ORIGIN, APP_PAGE, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol';
import { installNavigationGuards, installSessionSecurity, mainWindowOptions } from './security';
import { confirmClose, confirmLeaveSync, createDesktopShell, fileArgument, type WindowSink } from './shell';
import { createUtilityMapsWorkerLauncher, createUtilityTrainerLauncher } from './utilityTrainer';
import { envBesideUi } from '../../engine/train/backends/threads';

export type ElectronModule = Pick<
  typeof Electron,
  'app' | 'BrowserWindow' | 'ipcMain' | 'Menu' | 'dialog' | 'shell' | 'protocol' | 'session' | 'utilityProcess' | 'MessageChannelMain'
>;

export interface DesktopPaths {
  readonly rendererDir: string;
  readonly templatesDir: string;
  readonly datasetsDir: string;
  readonly preloadPath: string;
  readonly trainerPath: string;
}

export interface DesktopApp {
  /** Resolves once the window is created (tests await it). */
  readonly ready: Promise<void>;
  readonly window: () => BrowserWindow | null;
  readonly services: () => Services | null;
}

export function runDesktopApp(electron: ElectronModule, paths: DesktopPaths, loadExporter: ExporterLoader = async () => null): DesktopApp {
  const { app, BrowserWindow, ipcMain, Menu, dialog, shell, protocol, session, utilityProcess, MessageChannelMain } = electron;

  // Both must happen before `ready`.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  app.enableSandbox();

  let window: BrowserWindow | null = null;
  let services: Services | null = null;
  const ports = new Map<number, MessagePortMain>();
  const sinks = new Map<number, WindowSink>();
  // A file given on the command line or by the OS before the window exists waits here.
  let pendingOpen: string | null = fileArgument(process.argv);

  const sinkFor = (webContentsId: number): WindowSink => {
    let sink = sinks.get(webContentsId);
    if (!sink) {
      sink = { webContentsId, send: (name, payload) => ports.get(webContentsId)?.postMessage({ name, payload }) };
      sinks.set(webContentsId, sink);
    }
    return sink;
  };
  const toWindow = (send: (sink: WindowSink) => void) => {
    if (window && !window.isDestroyed()) send(sinkFor(window.webContents.id));
  };
  // A file the OS or the menu opens is the user's choice: granted before the page asks for it.
  const requestOpen = (path: string) => {
    if (!window) pendingOpen = path;
    else
      void services?.scope
        .grant(path, 'file', 'host')
        .catch(() => undefined)
        .then(() => toWindow((s) => s.send('file.openRequested', { path })));
  };

  if (!app.requestSingleInstanceLock()) {
    // Another NetCanvas is running: it receives our argv through `second-instance`.
    app.quit();
    return { ready: Promise.resolve(), window: () => null, services: () => null };
  }
  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
    const file = fileArgument(argv);
    if (file) requestOpen(resolve(workingDirectory, file));
  });
  // macOS delivers files opened from Finder this way.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    requestOpen(path);
  });

  const refreshMenu = async () => {
    if (!services) return;
    const dataDir = services.info.dataDir;
    const recent = await services.recent.list();
    const template = buildMenuTemplate({
      platform: process.platform,
      isPackaged: app.isPackaged,
      recent,
      command: (command: MenuCommand) => toWindow((s) => s.send('menu.command', { command })),
      openRecent: (path) => requestOpen(path),
      clearRecent: () => void services?.recent.clear().then(refreshMenu),
      showDataFolder: () => void shell.openPath(dataDir),
      about: () => app.showAboutPanel(),
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  const createWindow = (svc: Services, shellService: ReturnType<typeof createDesktopShell>) => {
    const win = new BrowserWindow(mainWindowOptions(paths.preloadPath));
    const id = win.webContents.id;
    window = win;
    installNavigationGuards(win.webContents, (url) => shell.openExternal(url));

    // A fresh events port for every page load; the preload picks it up.
    win.webContents.on('dom-ready', () => {
      ports.get(id)?.close();
      const { port1, port2 } = new MessageChannelMain();
      ports.set(id, port1);
      win.webContents.postMessage(EVENTS_PORT_CHANNEL, null, [port2]);
      if (pendingOpen) {
        sinkFor(id).send('file.openRequested', { path: pendingOpen });
        pendingOpen = null;
      }
    });
    win.once('ready-to-show', () => win.show());

    let closeConfirmed = false;
    win.on('close', (event) => {
      if (closeConfirmed || !shellService.isDirty(id)) return;
      event.preventDefault();
      const name = win
        .getTitle()
        .replace(/^● /, '')
        .replace(/ — NetCanvas$/, '');
      void confirmClose(dialog, win, name).then(async (close) => {
        if (!close) return;
        closeConfirmed = true;
        // The user chose to discard: do not offer the discarded work back next time.
        await svc.recovery.clear().catch(() => undefined);
        win.close();
      });
    });

    // The close event runs before the page's beforeunload guard, which would otherwise cancel a
    // close the user just confirmed; a refusal we did not ask about gets its own question.
    win.webContents.on('will-prevent-unload', (event) => {
      if (closeConfirmed || confirmLeaveSync(dialog, win)) {
        closeConfirmed = true;
        event.preventDefault();
      }
    });

    // The page crashed: its unsaved work is in the recovery file, which the reloaded page offers back.
    win.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit') return;
      void dialog
        .showMessageBox(win, {
          type: 'error',
          title: 'NetCanvas stopped',
          message: 'The NetCanvas window stopped unexpectedly.',
          detail: `Reason: ${details.reason}. Unsaved work is autosaved every few seconds; reload to get it back.`,
          buttons: ['Reload', 'Quit'],
          defaultId: 0,
          noLink: true,
        })
        .then(({ response }) => (response === 0 ? win.reload() : app.quit()));
    });

    win.on('closed', () => {
      svc.training.stopAllFor(sinkFor(id));
      ports.get(id)?.close();
      ports.delete(id);
      sinks.delete(id);
      window = null;
    });
    void win.loadURL(APP_PAGE);
  };

  const ready = app.whenReady().then(async () => {
    const dataDir = app.getPath('userData');
    const shellService = createDesktopShell(dialog, (webContentsId) =>
      window && !window.isDestroyed() && window.webContents.id === webContentsId ? window : null,
    );
    // Training runs and measurements of runs (engine/inspect/jobs.ts) use the same trainer entry.
    const trainer = createUtilityTrainerLauncher(utilityProcess, paths.trainerPath, {
      ...envBesideUi(),
      NETCANVAS_DATASETS: paths.datasetsDir,
    });
    const svc = createServices({
      kind: 'desktop',
      version: app.getVersion(),
      dataDir,
      templatesDir: paths.templatesDir,
      datasetsDir: paths.datasetsDir,
      launchTrainer: trainer,
      launchInspector: trainer,
      launchPytorchTrainer: createPytorchLauncher({ datasetsDir: paths.datasetsDir }),
      launchMapsWorker: createUtilityMapsWorkerLauncher(utilityProcess, paths.trainerPath, {
        ...envBesideUi(),
        NETCANVAS_DATASETS: paths.datasetsDir,
      }),
      loadExporter,
      shell: shellService,
    });
    services = svc;
    if (pendingOpen) await svc.scope.grant(pendingOpen, 'file', 'host').catch(() => undefined);

    protocol.handle(APP_SCHEME, createAppProtocolHandler(paths.rendererDir));
    installSessionSecurity(session.defaultSession, APP_ORIGIN);

    const handle = createIpcRequestHandler({
      services: svc,
      trustedWebContentsIds: () => (window && !window.isDestroyed() ? [window.webContents.id] : []),
      sinkFor,
    });
    ipcMain.handle(REQUEST_CHANNEL, async (event, name: unknown, args: unknown) => {
      const reply = await handle(event, name, args);
      // Opening or saving changes Open Recent.
      if (reply.ok && (name === 'file.read' || name === 'file.write')) void refreshMenu();
      return reply;
    });

    await refreshMenu();
    createWindow(svc, shellService);
  });

  app.on('window-all-closed', () => {
    services?.training.dispose();
    services?.featureMaps.dispose();
    services?.inspection.dispose();
    app.quit();
  });
  app.on('before-quit', () => {
    services?.training.dispose();
    services?.featureMaps.dispose();
    services?.inspection.dispose();
  });

  return { ready, window: () => window, services: () => services };
}
