import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering rules live in eslint.config.js; running them here makes a violation fail `npm test`.
describe('lint and layering', () => {
  const eslint = new ESLint({ cwd: process.cwd() });

  it('the whole tree passes the lint rules', async () => {
    const results = await eslint.lintFiles(['.']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
  }, 120_000);

  it('refuses Electron and React in engine/', async () => {
    const [result] = await eslint.lintText("import { app } from 'electron';\nimport React from 'react';\nexport { app, React };\n", {
      filePath: 'engine/graph/violation.ts',
    });
    const messages = result!.messages.map((m) => m.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('engine/ must not depend on Electron.');
    expect(messages[1]).toContain('engine/ must not depend on UI libraries.');
  });

  it('keeps TensorFlow.js and Node out of the checker', async () => {
    const [result] = await eslint.lintText("import * as tf from '@tensorflow/tfjs';\nimport fs from 'node:fs';\nexport { tf, fs };\n", {
      filePath: 'engine/check/violation.ts',
    });
    expect(result!.messages).toHaveLength(2);
  });

  it('keeps Node built-ins and Electron out of the renderer', async () => {
    const [result] = await eslint.lintText("import fs from 'fs';\nimport { ipcRenderer } from 'electron';\nexport { fs, ipcRenderer };\n", {
      filePath: 'renderer/src/violation.ts',
    });
    expect(result!.messages).toHaveLength(2);
  });
});
