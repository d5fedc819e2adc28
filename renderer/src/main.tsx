/** Start-up: connect to the host, open the embedded LeNet-5, render. */
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import lenet5Text from '../../templates/lenet5.json?raw';
import { parseGraph } from '../../engine/graph/load';
import { emptyGraph } from '../../engine/graph/types';
import { App } from './app/App';
import { connectHost } from './host/api';
import * as actions from './store/actions';
import { lastCheckDuration } from './store/checkCache';
import { createEditorStore, installEditorStore } from './store/editorStore';
import { useTraining } from './training/trainingStore';
import './styles.css';

connectHost();
const lenet5 = parseGraph(lenet5Text);
const store = installEditorStore(createEditorStore(lenet5.ok ? lenet5.doc : emptyGraph('Untitled')));
// A read-mostly handle for end-to-end tests and for poking around in the devtools console.
Object.assign(window, { netcanvasEditor: { store, actions, lastCheckDuration, training: useTraining } });
createRoot(document.getElementById('root')!).render(<App />);
