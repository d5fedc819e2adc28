/**
 * The editor open in Debian's Chromium, as every end-to-end test and the UI bench start: against
 * the web host, or, where the host cannot start, the built renderer served as static files with
 * a stub host (so the canvas tests still run). `prepare` runs before the page loads: dialog
 * handlers, error watchers.
 */
import type { Browser, Page } from 'playwright-core';
import { launch } from './browser';
import { buildRenderer, RENDERER_DIR, startHost, webHostAvailable, type RunningHost } from './host';
import { serveStatic } from './staticServer';
import { STUB_HOST_SCRIPT } from './stubHost';

export interface OpenEditor {
  readonly host: RunningHost;
  readonly browser: Browser;
  readonly page: Page;
}

export async function openEditor(options: { width?: number; height?: number; prepare?: (page: Page) => void } = {}): Promise<OpenEditor> {
  const withHost = webHostAvailable();
  let host: RunningHost;
  if (withHost) host = await startHost();
  else {
    buildRenderer();
    host = await serveStatic(RENDERER_DIR);
  }
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: options.width ?? 1440, height: options.height ?? 900 } });
  if (!withHost) await page.addInitScript({ content: STUB_HOST_SCRIPT });
  options.prepare?.(page);
  await page.goto(host.url);
  await page.locator('.layer-node').first().waitFor();
  return { host, browser, page };
}
