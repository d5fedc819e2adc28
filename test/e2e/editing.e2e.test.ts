/**
 * Editing the graph with the mouse as a student does, at 1280×720 in Chromium: a second cable into
 * a one-input node replaces the first with a notice; a layer dropped on an edge goes into it; new
 * and pasted nodes land in free space; deleting a middle node keeps the chain; a node's type can
 * be changed from the inspector or the context menu, which also inserts layers on edges.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { GraphDoc } from '../../engine/graph/types';
import { chromiumAvailable, screenshot } from './support/browser';
import { docOf, openTemplate, selectNode, wire } from './support/editorPage';
import { webHostAvailable } from './support/host';
import { editorSession } from './support/session';

const edgesOf = (doc: GraphDoc) => doc.edges.map((e) => `${e.source}->${e.target}`);

describe.skipIf(!chromiumAvailable() || !webHostAvailable())('editing with the mouse at 1280×720', { timeout: 180_000 }, () => {
  const session = editorSession({ width: 1280, height: 720 });
  let page: Page;
  beforeAll(() => {
    page = session.page();
  });

  /** Every node's box on screen. */
  const boxes = () =>
    page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => {
        const r = el.querySelector('.layer-node')!.getBoundingClientRect();
        return { id: el.dataset.id!, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      }),
    );
  async function overlapsOf(id: string): Promise<string[]> {
    const all = await boxes();
    const me = all.find((b) => b.id === id)!;
    return all
      .filter((b) => b.id !== id && b.left < me.right && me.left < b.right && b.top < me.bottom && me.top < b.bottom)
      .map((b) => b.id);
  }
  /** The screen point half-way along an edge's drawn path. */
  const edgeMiddle = (id: string) =>
    page.locator(`.react-flow__edge[data-id="${id}"] path.react-flow__edge-path`).evaluate((path: SVGPathElement) => {
      const p = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM()!);
      return { x: p.x, y: p.y };
    });
  const notice = () => page.locator('[data-testid=notice]').last().textContent();

  it('a second cable into a one-input node replaces the first, says so, and undoes', async () => {
    await openTemplate(page, 'lenet5');
    await page.waitForTimeout(300);
    await wire(page, 'in', 'r1');
    await expect.poll(async () => edgesOf(await docOf(page))).toContain('in->r1');
    expect(edgesOf(await docOf(page))).not.toContain('c1->r1');
    expect(await notice()).toContain('replaced C1 → r1');
    await screenshot(page, 'editing-replaced-edge');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => edgesOf(await docOf(page))).toContain('c1->r1');
    expect(edgesOf(await docOf(page))).not.toContain('in->r1');
  });

  it('a layer dropped on an edge goes into it', async () => {
    const at = await edgeMiddle('c1->r1');
    await page.dragAndDrop('[data-testid=palette-batchNorm]', '.react-flow__pane', {
      targetPosition: await page.evaluate(
        ({ x, y }) => {
          const pane = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
          return { x: x - pane.left, y: y - pane.top };
        },
        { x: at.x, y: at.y },
      ),
    });
    await expect.poll(async () => edgesOf(await docOf(page))).toContain('c1->batchNorm1');
    expect(edgesOf(await docOf(page))).toContain('batchNorm1->r1');
    expect(edgesOf(await docOf(page))).not.toContain('c1->r1');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => edgesOf(await docOf(page))).toContain('c1->r1');
  });

  it('clicked palette items and pasted nodes land in free space', async () => {
    await page.locator('[data-testid=palette-relu]').click();
    await page.locator('[data-testid=palette-relu]').click();
    const added = (await docOf(page)).nodes.slice(-2).map((n) => n.id);
    for (const id of added) expect(await overlapsOf(id)).toEqual([]);
    await selectNode(page, 'c1');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await docOf(page)).nodes.length).toBe(17);
    const pasted = (await docOf(page)).nodes.at(-1)!.id;
    await page.waitForTimeout(200);
    expect(await overlapsOf(pasted)).toEqual([]);
    await screenshot(page, 'editing-free-space');
  });

  it('deleting a middle node keeps the chain connected, and undo puts it back', async () => {
    await openTemplate(page, 'lenet5');
    await page.waitForTimeout(300);
    await selectNode(page, 'r1');
    await page.keyboard.press('Delete');
    await expect.poll(async () => edgesOf(await docOf(page))).toContain('c1->s2');
    expect(await notice()).toContain('C1 → S2');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => edgesOf(await docOf(page))).toContain('c1->r1');
    expect(edgesOf(await docOf(page))).not.toContain('c1->s2');
  });

  it('changes a node’s type from the inspector and from its context menu, and inserts on an edge from the menu', async () => {
    await selectNode(page, 'r1');
    await page.locator('[data-testid=node-type]').selectOption('tanh');
    await expect.poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'r1')!.type).toBe('tanh');
    expect(edgesOf(await docOf(page))).toEqual(expect.arrayContaining(['c1->r1', 'r1->s2']));

    await page.locator('.react-flow__node[data-id="r3"] .layer-head').click({ button: 'right' });
    const menu = page.locator('[data-testid=context-menu]');
    await menu.waitFor();
    await menu.getByRole('menuitem', { name: 'Sigmoid' }).click();
    await expect.poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'r3')!.type).toBe('sigmoid');
    expect(await menu.count()).toBe(0);

    const at = await edgeMiddle('in->c1');
    await page.mouse.click(at.x, at.y, { button: 'right' });
    await menu.waitFor();
    await screenshot(page, 'editing-context-menu');
    await menu.getByRole('menuitem', { name: 'Dropout' }).click();
    await expect.poll(async () => edgesOf(await docOf(page))).toContain('in->dropout1');
    expect(edgesOf(await docOf(page))).toContain('dropout1->c1');
  });

  it('never threw in the page', () => {
    expect(session.errors()).toEqual([]);
  });
});
