/** What a student does on the canvas, as steps the tests read like a script. */
import type { Page } from 'playwright-core';
import type { GraphDoc } from '../../../engine/graph/types';

/** Reads the editor's document through the test handle main.tsx puts on window. */
export async function docOf(page: Page): Promise<GraphDoc> {
  return page.evaluate(
    () => (window as unknown as { netcanvasEditor: { store: { getState(): { doc: GraphDoc } } } }).netcanvasEditor.store.getState().doc,
  );
}

export async function paneBox(page: Page) {
  const box = await page.locator('.react-flow__pane').boundingBox();
  if (!box) throw new Error('the canvas is not visible');
  return box;
}

/** Drags a palette item onto the canvas at (dx, dy) from the pane's top-left corner. */
export async function dropLayer(page: Page, type: string, dx: number, dy: number): Promise<void> {
  const pane = await paneBox(page);
  await page.dragAndDrop(`[data-testid=palette-${type}]`, '.react-flow__pane', { targetPosition: { x: dx, y: dy } });
  void pane;
}

async function centreOf(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`not visible: ${selector}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags a cable from a node's output handle to an input handle (`in`, or `in-<port>` on merges). */
export async function wire(page: Page, source: string, target: string, handle = 'in'): Promise<void> {
  const from = await centreOf(page, `.react-flow__node[data-id="${source}"] .react-flow__handle.source`);
  const to = await centreOf(page, `.react-flow__node[data-id="${target}"] .react-flow__handle[data-handleid="${handle}"]`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
}

export async function selectNode(page: Page, id: string): Promise<void> {
  await page.locator(`.react-flow__node[data-id="${id}"] .layer-head`).click();
}

/** Types into a param field of the inspector and commits with Enter. */
export async function setField(page: Page, name: string, text: string): Promise<void> {
  const input = page.locator(`[data-testid=field-${name}] input, [data-testid=field-${name}] select`).first();
  if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(text);
  else {
    await input.fill(text);
    await input.press('Enter');
  }
}

/** Asks the in-page path dialog (web host) for `path` and confirms. */
export async function answerPathDialog(page: Page, path: string): Promise<void> {
  await page.locator('[data-testid=path-dialog]').waitFor();
  await page.locator('[data-testid=path-input]').fill(path);
  await page.locator('[data-testid=path-ok]').click();
}

/** Opens a template from the gallery, as a student does. */
export async function openTemplate(page: Page, id: string): Promise<void> {
  await page.locator('[data-testid=cmd-templates]').click();
  await page.locator(`[data-testid=template-${id}]`).click();
  await page.locator('[data-testid=template-gallery]').waitFor({ state: 'detached' });
}
