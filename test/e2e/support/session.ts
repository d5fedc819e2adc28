/**
 * One editor for a whole describe block: opened before its tests (dialogs accepted, page errors
 * collected), closed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { watchErrors } from './browser';
import { openEditor, type OpenEditor } from './openEditor';

export interface EditorSession {
  readonly page: () => Page;
  /** What the page threw or logged as errors so far. */
  readonly errors: () => string[];
}

export function editorSession(viewport: { width: number; height: number }): EditorSession {
  let opened: OpenEditor | undefined;
  let errors: string[] = [];
  beforeAll(async () => {
    opened = await openEditor({
      ...viewport,
      prepare: (p) => {
        p.on('dialog', (d) => void d.accept());
        errors = watchErrors(p);
      },
    });
  });
  afterAll(async () => {
    await opened?.browser.close();
    await opened?.host.close().catch(() => {});
  });
  return {
    page: () => {
      if (!opened) throw new Error('the editor is not open yet');
      return opened.page;
    },
    errors: () => errors,
  };
}
