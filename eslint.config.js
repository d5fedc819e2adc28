// Layering is enforced here, and the tests run this lint (test/lint.test.ts), so a violation
// fails `npm test`: engine/ never imports the UI or Electron; the renderer never imports Node
// or Electron; the pure engine (graph, layers, check, lesson) never loads TensorFlow.js or Node built-ins.
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'net',
  'http',
  'https',
  'zlib',
  'crypto',
  'url',
  'util',
  'stream',
  'events',
  'readline',
  'process',
];
const nodeBuiltins = [...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `${m}/*`)].flatMap((m) => [m, `node:${m}`]);

const uiAndShell = [
  { group: ['electron', 'electron/*'], message: 'engine/ must not depend on Electron.' },
  {
    group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@xyflow/*', 'zustand', 'zustand/*', 'monaco-editor', 'monaco-editor/*'],
    message: 'engine/ must not depend on UI libraries.',
  },
  { group: ['**/electron/**', '../electron', '../../electron'], message: 'engine/ must not import from electron/.' },
  { group: ['**/renderer/**', '../renderer', '../../renderer'], message: 'engine/ must not import from renderer/.' },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-electron/**',
      'out/**',
      '.vite/**',
      'coverage/**',
      '.device/**',
      'datasets/**',
      'test-results/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {},
  },
  {
    files: ['engine/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: uiAndShell }] },
  },
  {
    // The parts the editor runs on every keystroke: no tensor library, no Node.
    files: ['engine/graph/**/*.ts', 'engine/layers/**/*.ts', 'engine/check/**/*.ts', 'engine/lesson/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The pure engine runs in the browser: no Node built-ins.' })),
          patterns: [
            ...uiAndShell,
            { group: ['@tensorflow/*'], message: 'Keep TensorFlow.js out of the checker (only engine/compile and engine/train load it).' },
            {
              group: ['**/train/**', '**/compile/**', '**/data/**', '**/cli/**', '../train', '../compile', '../data', '../cli'],
              allowTypeImports: true,
              message: 'The pure engine must not import the Node-side engine.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The renderer is a web page: ask the host through window.netcanvas.' })),
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The renderer talks to its host only through window.netcanvas.' },
            {
              group: ['**/electron/**', '../electron', '../../electron'],
              allowTypeImports: true,
              message: 'Import only types from electron/ (the API contract).',
            },
            {
              group: ['**/engine/train/**', '**/engine/data/**', '**/engine/cli/**', '**/engine/compile/**'],
              allowTypeImports: true,
              message: 'Training runs in the host’s trainer process, not the renderer.',
            },
          ],
        },
      ],
    },
  },
);
