/** The editor's layout: toolbar, palette, canvas, side panel, summary bar, dialogs and banners. */
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect } from 'react';
import { Canvas } from '../canvas/Canvas';
import { ContextMenu } from '../canvas/ContextMenu';
import { Palette } from '../canvas/Palette';
import { installLifecycle } from '../files/lifecycle';
import { PathDialog } from '../files/PathDialog';
import { RecoveryBanner } from '../files/RecoveryBanner';
import { TemplateGallery } from '../files/TemplateGallery';
import { api } from '../host/api';
import { SummaryBar } from '../panels/SummaryBar';
import { editorStore } from '../store/editorStore';
import { installDatasetWatch } from '../store/graphDataset';
import { TrainingDock } from '../training/dock/TrainingDock';
import { loadHistory } from '../training/history';
import { listenToTrainer } from '../training/trainActions';
import { ConnectionBanner, Notices } from './Banners';
import { runCommand } from './commands';
import { installShortcuts } from './shortcuts';
import { SidePanel } from './SidePanel';
import { useUi } from './uiStore';
import { Toolbar } from './Toolbar';

/** The run history from the data folder, once the host is there; nothing to undo on unmount. */
function loadHistoryOnce(): () => void {
  void loadHistory();
  return () => {};
}

export function App() {
  useEffect(() => {
    const offs = [
      installShortcuts(),
      installLifecycle(),
      installDatasetWatch(),
      listenToTrainer(),
      loadHistoryOnce(),
      api().on('menu.command', ({ command }) => runCommand(command)),
      // What an edit did beyond the obvious (an edge replaced, a chain reconnected) is said, not silent.
      editorStore().subscribe((s, prev) => {
        if (s.notice && s.notice !== prev.notice) useUi.getState().notify(s.notice.text);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, []);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <ConnectionBanner />
        <RecoveryBanner />
        <main className="workspace">
          <Palette />
          <Canvas />
          <SidePanel />
        </main>
        <TrainingDock />
        <SummaryBar />
        <PathDialog />
        <TemplateGallery />
        <Notices />
        {/* Outside the canvas, whose paint containment would clip a fixed menu. */}
        <ContextMenu />
      </div>
    </ReactFlowProvider>
  );
}
