/** What a student does with a lesson, as steps the lesson tests share. */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { watchErrors } from './browser';
import { openEditor, type OpenEditor } from './openEditor';

/** A check's mark in the Lesson panel: 'pass', 'fail' or 'pending'. */
export const checkState = (page: Page, id: string) => page.locator(`[data-testid=lesson-check-${id}]`).getAttribute('data-state');

/** Opens a shipped lesson from the gallery's Lessons tab and waits for its panel. */
export async function openLessonFromGallery(page: Page, id: string): Promise<void> {
  await page.locator('[data-testid=cmd-templates]').click();
  await page.locator('[data-testid=gallery-lessons]').click();
  await page.locator(`[data-testid=lesson-${id}]`).click();
  await page.locator('[data-testid=lesson-panel]').waitFor();
}

/**
 * One editor page for a describe block, opened before its tests (dialogs accepted, page errors
 * collected) and closed after them. Read `page` and `errors` inside the tests.
 */
export function lessonSession(): { readonly page: Page; readonly errors: readonly string[] } {
  let opened: OpenEditor | undefined;
  let errors: string[] = [];
  beforeAll(async () => {
    opened = await openEditor({
      prepare: (p) => {
        p.on('dialog', (d) => void d.accept());
        errors = watchErrors(p);
      },
    });
  });
  afterAll(async () => {
    await opened?.browser.close();
    await opened?.host.close();
  });
  return {
    get page() {
      if (!opened) throw new Error('the editor is not open yet');
      return opened.page;
    },
    get errors() {
      return errors;
    },
  };
}
