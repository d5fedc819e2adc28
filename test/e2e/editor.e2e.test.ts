/**
 * The editor in real Chromium against the web host: build a residual block from the palette,
 * meet a shape error, fix it with one click, undo/redo, copy/paste, refused connections.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, screenshot, watchErrors } from './support/browser';
import { answerPathDialog, docOf, dropLayer, selectNode, setField, wire } from './support/editorPage';
import { webHostAvailable, type RunningHost } from './support/host';
import { openEditor } from './support/openEditor';

describe.skipIf(!chromiumAvailable())('editor in Chromium', { timeout: 180_000 }, () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ host, browser, page } = await openEditor({
      prepare: (p) => {
        p.on('dialog', (d) => void d.accept());
        errors = watchErrors(p);
      },
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close().catch(() => {}); // already closed by the connection-loss test
  });

  it('opens on LeNet-5 with shapes, params and no problems', async () => {
    await expect.poll(async () => (await docOf(page)).nodes.length).toBe(14);
    await expect.poll(() => page.locator('[data-testid=total-params]').textContent()).toBe('61,706');
    expect(await page.locator('[data-testid=problem-count]').textContent()).toContain('0 errors');
    expect(await page.locator('.react-flow__node[data-id="s4"] .layer-shape').textContent()).toBe('5×5×16');
    await page.locator('[data-testid=cmd-zoomToFit]').click(); // the whole net: it opens readable, from the top
    await expect.poll(() => page.locator('.react-flow__edge-text').allTextContents()).toContain('400');
    await selectNode(page, 'c3');
    await page.locator('[data-testid=rf-view]').waitFor();
    expect(await page.locator('.rf-facts').textContent()).toContain('14×14');
    // Before any run, the field is drawn over the dataset's first test digit (a 7), not a blank grid.
    await expect.poll(() => page.locator('[data-testid=rf-canvas]').getAttribute('data-picture')).toBe('dataset');
    expect(await page.locator('[data-testid=rf-caption]').textContent()).toContain('embedded:mnist: 7');
    const inked = await page.locator('[data-testid=rf-canvas]').evaluate((c) => {
      const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 224, 224).data;
      let bright = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 1]! > 200 && data[i + 2]! > 200 && data[i + 3]! > 0) bright++;
      return bright;
    });
    expect(inked).toBeGreaterThan(500); // white strokes of the digit on black
    await page.locator('[data-testid=rf-view]').scrollIntoViewIfNeeded();
    await screenshot(page, 'editor-lenet5');
    // An input the dataset's samples do not fit keeps the plain grid, and says why.
    await selectNode(page, 'in');
    await setField(page, 'shape', '32, 32, 1');
    await selectNode(page, 'c3');
    await expect.poll(() => page.locator('[data-testid=rf-canvas]').getAttribute('data-picture')).toBe('grid');
    expect(await page.locator('[data-testid=rf-caption]').textContent()).toBe(
      "Input grid (embedded:mnist's samples are 28×28×1, the input is 32×32×1).",
    );
    await page.locator('[data-testid=rf-view]').scrollIntoViewIfNeeded();
    await screenshot(page, 'editor-rf-grid');
    // A source the host cannot read keeps the grid too, with the host's one-line reason.
    await page.evaluate(() => {
      const e = (
        window as unknown as {
          netcanvasEditor: { store: { getState(): { perform(a: unknown, p: unknown): void } }; actions: { setDataset: unknown } };
        }
      ).netcanvasEditor;
      e.store.getState().perform(e.actions.setDataset, { source: 'embedded:nope' });
    });
    await expect
      .poll(() => page.locator('[data-testid=rf-caption]').textContent())
      .toBe(
        'Input grid. No sample image from embedded:nope: no embedded dataset called "nope" (available: embedded:mnist, embedded:mnist-segmentation).',
      );
    expect(await page.locator('[data-testid=rf-canvas]').getAttribute('data-picture')).toBe('grid');
  });

  it('builds a residual block from the palette, shows the shape error, and fixes it in one click', async () => {
    await page.locator('[data-testid=cmd-new]').click();
    await expect.poll(() => page.locator('.layer-node').count()).toBe(0);
    const x = 380;
    for (const [i, type] of ['input', 'conv2d', 'batchNorm', 'relu', 'dropout', 'add', 'maxPool2d'].entries()) {
      await dropLayer(page, type, type === 'add' ? x - 60 : x, 40 + i * 100);
    }
    await expect.poll(() => page.locator('.layer-node').count()).toBe(7);
    await wire(page, 'input1', 'conv2d1');
    await wire(page, 'conv2d1', 'batchNorm1');
    await wire(page, 'batchNorm1', 'relu1');
    await wire(page, 'relu1', 'dropout1');
    await wire(page, 'dropout1', 'add1', 'in-0');
    await wire(page, 'add1', 'maxPool2d1');
    await wire(page, 'input1', 'add1', 'in-1'); // the skip connection
    await expect.poll(async () => (await docOf(page)).edges.length).toBe(7);

    // A cycle is refused while dragging: nothing is added.
    await wire(page, 'maxPool2d1', 'conv2d1');
    expect((await docOf(page)).edges).toHaveLength(7);

    // conv2d starts with "valid" padding: 26×26×16 cannot be added to the 28×28×1 input.
    const add = page.locator('.react-flow__node[data-id="add1"] .layer-node');
    await expect.poll(() => add.getAttribute('class')).toContain('status-error');
    expect(await add.locator('.layer-message').textContent()).toContain('input 0 is 26×26×16 but input 1 is 28×28×1');

    // An invalid value is refused with the message and changes nothing.
    await selectNode(page, 'conv2d1');
    await setField(page, 'filters', '-3');
    expect(await page.locator('[data-testid=field-filters] .field-error').textContent()).toContain('filters: expected a positive integer');
    expect((await docOf(page)).nodes.find((n) => n.id === 'conv2d1')!.params.filters).toBe(16);

    await setField(page, 'padding', 'same');
    await expect.poll(() => add.locator('.layer-message').textContent()).toContain('input 0 is 28×28×16 but input 1 is 28×28×1');
    const fix = add.locator('.fix-button');
    expect(await fix.getAttribute('title')).toBe('Fix: Insert a 1×1 conv (16 filters) on input 1');
    await screenshot(page, 'editor-shape-error');

    await fix.click();
    await expect.poll(() => add.getAttribute('class')).not.toContain('status-error');
    // What is left is the block's end: 14×14×16 where the graph's dataset (MNIST) needs 10 class scores.
    const end = page.locator('.react-flow__node[data-id="maxPool2d1"] .layer-message');
    await expect.poll(() => end.textContent()).toContain('is 14×14×16 per sample, but embedded:mnist has 10 classes');
    const fixed = await docOf(page);
    expect(fixed.nodes.find((n) => n.id === 'conv2d2')?.params).toEqual({ filters: 16, kernelSize: 1, strides: 1 });
    expect(fixed.edges).toContainEqual({ source: 'conv2d2', target: 'add1', targetPort: 1 });

    // Undo brings the error back, redo the fix.
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => add.getAttribute('class')).toContain('status-error');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => add.getAttribute('class')).not.toContain('status-error');

    await page.locator('[data-testid=cmd-autoLayout]').click();
    await page.waitForTimeout(400);
    await screenshot(page, 'editor-residual-block');
  });

  it('copies, pastes with fresh ids, deletes, and undoes the delete', async () => {
    await selectNode(page, 'conv2d1');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('.layer-node').count()).toBe(9);
    const ids = (await docOf(page)).nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.layer-node').count()).toBe(8);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.layer-node').count()).toBe(9);
    await page.keyboard.press('Control+y');
    await expect.poll(() => page.locator('.layer-node').count()).toBe(8);
  });

  it('says how dropout and batch norm differ between training and test time, with the node’s params', async () => {
    const facts = page.locator('[data-testid=train-vs-test]');
    await selectNode(page, 'dropout1');
    expect(await facts.textContent()).toContain('zeroed with probability 0.5; the 50% kept are multiplied by 2 (1/(1 − rate))');
    await setField(page, 'rate', '0.2');
    await expect.poll(() => facts.textContent()).toContain('the 80% kept are multiplied by 1.25');
    expect(await facts.textContent()).toContain('Test timeevery unit passes unchanged');
    await selectNode(page, 'batchNorm1');
    expect(await facts.textContent()).toContain('running mean and variance (roughly the last 100 batches)');
    await setField(page, 'momentum', '0.9');
    await expect.poll(() => facts.textContent()).toContain('(roughly the last 10 batches)');
    await screenshot(page, 'editor-train-vs-test');
    await selectNode(page, 'conv2d1');
    expect(await facts.count()).toBe(0);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect
      .poll(async () => (await docOf(page)).nodes.filter((n) => n.id === 'dropout1' || n.id === 'batchNorm1').map((n) => n.params))
      .toEqual([{}, {}]);
  });

  it('the code panel applies valid JSON and refuses invalid JSON', async () => {
    await page.locator('[data-testid=tab-code]').click();
    const editor = page.locator('.monaco-editor textarea');
    await editor.waitFor();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(
      '{"format": "netcanvas.graph", "version": 1, "name": "Typed", "nodes": [{"id": "in", "type": "input", "params": {"shape": [4]}}], "edges": []}',
    );
    // monaco auto-closes brackets and quotes as they arrive: drop whatever it appended.
    await page.keyboard.press('Control+Shift+End');
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await docOf(page)).name, { timeout: 5000 }).toBe('Typed');
    await page.keyboard.insertText(' trailing');
    await expect.poll(() => page.locator('.code-status').textContent(), { timeout: 5000 }).toContain('Not applied: not valid JSON');
    expect((await docOf(page)).name).toBe('Typed');
    await screenshot(page, 'editor-code-panel');
    await page.keyboard.press('Control+z'); // monaco's own undo of the bad text
  });

  it.skipIf(!webHostAvailable())('saves through the host, reloads, and opens the same graph', async () => {
    await page.locator('[data-testid=tab-inspect]').click();
    await page.locator('[data-testid=cmd-templates]').click();
    if (webHostAvailable()) {
      await page.locator('[data-testid=template-resnet-small]').click();
      await expect.poll(async () => (await docOf(page)).name).not.toBe('Typed');
    }
    const before = await docOf(page);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=cmd-saveAs]').click();
    const path = `/tmp/netcanvas-e2e-${process.pid}/saved-graph.json`;
    await answerPathDialog(page, path);
    await expect.poll(() => page.title()).toContain('saved-graph.json');
    await page.reload();
    await page.locator('.layer-node').first().waitFor();
    expect((await docOf(page)).name).toBe('LeNet-5');
    await page.locator('[data-testid=cmd-open]').click();
    await answerPathDialog(page, path);
    await expect.poll(async () => (await docOf(page)).name).toBe(before.name);
    expect(await docOf(page)).toEqual(before);
    await screenshot(page, 'editor-reopened');
  });

  it.skipIf(!webHostAvailable())('shows each export as the graph changes and writes the files', async () => {
    await page.locator('[data-testid=tab-code]').click();
    await page.locator('select[aria-label="Code view"]').selectOption('pytorch');
    const code = page.locator('[data-testid=export-view] .view-lines');
    await expect.poll(() => code.textContent(), { timeout: 20_000 }).toContain('nn.Module');
    await page.locator('select[aria-label="Code view"]').selectOption('onnx');
    await expect.poll(() => code.textContent(), { timeout: 20_000 }).toContain('model.onnx');
    await screenshot(page, 'editor-export-view');
    const dir = `/tmp/netcanvas-e2e-${process.pid}/export-pytorch`;
    await page.locator('select[aria-label="Code view"]').selectOption('pytorch');
    await page.getByRole('button', { name: 'Export files…' }).click();
    await answerPathDialog(page, dir);
    // The host writes the files one after another: model.py can exist before its text is in it.
    await expect
      .poll(() => (existsSync(`${dir}/model.py`) ? readFileSync(`${dir}/model.py`, 'utf8') : ''), { timeout: 20_000 })
      .toContain('class ');
    await page.locator('select[aria-label="Code view"]').selectOption('json');
  });

  it.skipIf(!webHostAvailable())('imports a Keras model JSON through the host as a new, laid-out graph', async () => {
    const path = `/tmp/netcanvas-e2e-${process.pid}/keras-model.json`;
    mkdirSync(dirname(path), { recursive: true });
    const dense = (name: string, units: number, activation: string, extra = {}) => ({
      class_name: 'Dense',
      config: { name, units, activation, ...extra },
    });
    writeFileSync(
      path,
      JSON.stringify({
        class_name: 'Sequential',
        config: { layers: [dense('hidden', 16, 'relu', { batch_input_shape: [null, 4] }), dense('scores', 3, 'softmax')] },
      }),
    );
    await page.locator('[data-testid=cmd-import]').click();
    await answerPathDialog(page, path);
    await expect.poll(async () => (await docOf(page)).name, { timeout: 15_000 }).toBe('keras-model'); // laid out by ELK, loaded on first use
    const doc = await docOf(page);
    expect(doc.nodes.map((n) => n.type)).toEqual(['input', 'dense', 'relu', 'dense', 'softmax']);
    expect(new Set(Object.values(doc.layout ?? {}).map((p) => p.y)).size).toBe(5); // laid out top to bottom
    await expect.poll(() => page.locator('.layer-node').count()).toBe(5);
  });

  it.skipIf(!webHostAvailable())('offers to restore unsaved work after the tab was closed', async () => {
    await dropLayer(page, 'dropout', 300, 300);
    const edited = await docOf(page);
    await page.waitForTimeout(6500); // the recovery copy is written every 5 s while there are unsaved changes
    await page.reload(); // the unsaved-changes guard asks; the dialog handler accepts
    await page.locator('[data-testid=recovery-banner]').waitFor();
    await screenshot(page, 'editor-recovery');
    await page.locator('[data-testid=recovery-banner] button.primary').click();
    expect(await docOf(page)).toEqual(edited);
    expect(await page.locator('.dirty-dot').count()).toBe(1);
  });

  it.skipIf(!webHostAvailable())('shows a clear banner when the server goes away', async () => {
    await host.close();
    await page.locator('[data-testid=connection-lost]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=connection-lost]').textContent()).toContain('Lost the connection');
    await screenshot(page, 'editor-connection-lost');
  });

  it('never threw in the page', () => {
    // The connection-loss test stops the server on purpose: the browser logs the failed reconnects.
    expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });
});
