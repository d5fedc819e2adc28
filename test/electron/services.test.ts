/** The dispatcher over the real services: real templates, real files in a temp folder. */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleRequest } from '../../electron/services/dispatcher';
import { exportGraph } from '../../engine/export';
import { parseGraph } from '../../engine/graph/load';
import type { EventSink, Services } from '../../electron/services/types';
import { testServices } from '../helpers/services';

const sink: EventSink = { send: () => {} };
let dir: string;
let services: Services;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netcanvas-services-'));
  services = testServices(dir);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const call = (name: unknown, args: unknown) => handleRequest(services, name, args, sink);
/** What the web page's path prompt does once the user picks a path. */
const choose = async (path: string, kind: 'file' | 'folder' | 'auto' = 'auto') =>
  expect(await call('file.allow', { path, kind })).toMatchObject({ ok: true, result: { allowed: true } });

describe('dispatcher', () => {
  it('lists the shipped templates with names and descriptions', async () => {
    const reply = await call('templates.list', {});
    expect(reply.ok).toBe(true);
    const list = (reply as { result: { id: string; name: string; description: string }[] }).result;
    expect(list.map((t) => t.id)).toContain('lenet5');
    expect(list.find((t) => t.id === 'lenet5')?.name).toBe('LeNet-5');
    const read = await call('templates.read', { id: 'lenet5' });
    expect(JSON.parse((read as { result: { text: string } }).result.text).name).toBe('LeNet-5');
  });

  it('lists the shipped lessons by their titles, beside the templates, and reads one', async () => {
    const reply = await call('lessons.list', {});
    expect(reply.ok).toBe(true);
    const list = (reply as { result: { id: string; name: string; description: string }[] }).result;
    expect(list.length).toBeGreaterThanOrEqual(8);
    expect(list.find((t) => t.id === 'receptive-field')?.name).toBe('Receptive field: see the whole digit');
    const read = await call('lessons.read', { id: 'sgd' });
    expect(JSON.parse((read as { result: { text: string } }).result.text).lesson.title).toMatch(/^SGD/);
    expect(await call('lessons.read', { id: '../templates/lenet5' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no lesson/),
    });
  });

  it('refuses template ids that could leave the folder, and unknown ones, in words', async () => {
    expect(await call('templates.read', { id: '../package' })).toEqual({
      ok: false,
      error: expect.stringMatching(/no template "\.\.\/package"/),
    });
    expect(await call('templates.read', { id: 'nope' })).toEqual({ ok: false, error: 'There is no template "nope"' });
  });

  it('gives the first test sample of a dataset as bytes with its class, for the receptive-field view', async () => {
    const reply = await call('dataset.sample', { source: 'embedded:mnist' });
    expect(reply.ok).toBe(true);
    const sample = (reply as { result: { pixels: number[]; shape: number[]; label: number; className: string } }).result;
    expect(sample.shape).toEqual([28, 28, 1]);
    expect(sample.pixels).toHaveLength(784);
    expect(sample.pixels.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)).toBe(true);
    expect(Math.max(...sample.pixels)).toBeGreaterThan(200); // a digit, not a blank
    expect(sample.label).toBe(7); // MNIST's first test digit
    expect(sample.className).toBe('7');
    // Kept per source: asking again loads nothing and gives the same sample.
    expect(((await call('dataset.sample', { source: 'embedded:mnist' })) as { result: unknown }).result).toBe(sample);
    await choose(join(dir, 'nowhere'));
    const missing = await call('dataset.sample', { source: join(dir, 'nowhere') });
    expect(missing).toEqual({ ok: false, error: `No sample image from ${join(dir, 'nowhere')}: no such file or folder` });
    expect(await call('dataset.sample', { source: 'embedded:nope' })).toEqual({
      ok: false,
      error:
        'No sample image from embedded:nope: no embedded dataset called "nope" (available: embedded:mnist, embedded:mnist-segmentation)',
    });
    // Bad arguments never reach the loader: the contract's schema answers, naming the field.
    for (const bad of [{ source: '' }, {}, { source: 42 }, { source: 'x'.repeat(4097) }]) {
      expect(await call('dataset.sample', bad)).toEqual({ ok: false, error: expect.stringMatching(/^dataset\.sample: source: /) });
    }
  });

  it('rejects unknown requests and bad payloads before any service runs', async () => {
    expect(await call('file.delete', {})).toEqual({ ok: false, error: 'unknown request "file.delete"' });
    expect(await call(42, {})).toEqual({ ok: false, error: 'unknown request 42' });
    const bad = await call('file.read', { path: 7 });
    expect(bad.ok).toBe(false);
    expect((bad as { error: string }).error).toMatch(/^file\.read: path: /);
    expect((await call('file.read', { path: '' })).ok).toBe(false);
    expect((await call('export.code', { graph: {}, target: 'caffe' })).ok).toBe(false);
  });

  it('gives clear file errors: missing file, a folder, no stack traces', async () => {
    await choose(join(dir, 'missing.json'));
    const missing = await call('file.read', { path: join(dir, 'missing.json') });
    expect(missing).toEqual({ ok: false, error: `Could not read ${join(dir, 'missing.json')}: no such file or folder` });
    await mkdir(join(dir, 'folder'));
    await choose(join(dir, 'folder'));
    const folder = await call('file.read', { path: join(dir, 'folder') });
    expect(folder).toEqual({ ok: false, error: `Could not read ${join(dir, 'folder')}: it is a folder, not a file` });
    expect(JSON.stringify(folder)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('writes, reads back, lists and remembers recent graph files; relative paths start at home', async () => {
    await choose('nets', 'folder');
    const written = await call('file.write', { path: 'nets/a.json', text: '{"x":1}' });
    expect(written).toEqual({ ok: true, result: { path: join(dir, 'nets', 'a.json') } });
    expect(await readFile(join(dir, 'nets', 'a.json'), 'utf8')).toBe('{"x":1}');
    expect(await call('file.read', { path: '~/nets/a.json' })).toEqual({
      ok: true,
      result: { path: join(dir, 'nets', 'a.json'), text: '{"x":1}' },
    });
    await mkdir(join(dir, 'nets', 'sub'));
    await writeFile(join(dir, 'nets', '.hidden'), '');
    const listed = await call('file.list', { dir: join(dir, 'nets') });
    expect(listed).toEqual({
      ok: true,
      result: {
        dir: join(dir, 'nets'),
        entries: [
          { name: 'sub', path: join(dir, 'nets', 'sub'), kind: 'folder' },
          { name: 'a.json', path: join(dir, 'nets', 'a.json'), kind: 'file' },
        ],
      },
    });
    expect(await call('recent.list', {})).toEqual({ ok: true, result: [join(dir, 'nets', 'a.json')] });
  });

  it('answers host.info and the web shell’s unsupported dialogs', async () => {
    expect(await call('host.info', {})).toEqual({
      ok: true,
      result: expect.objectContaining({ kind: 'web', version: '9.9.9', homeDir: dir }),
    });
    expect(await call('file.openDialog', { kind: 'graph' })).toEqual({ ok: true, result: { path: null, unsupported: true } });
    expect(await call('window.setTitle', { title: 'x', dirty: true })).toEqual({ ok: true, result: { ok: true } });
  });

  it('says plainly when export is not available, and validates the graph first', async () => {
    const template = JSON.parse(await readFile(resolve('templates/lenet5.json'), 'utf8')) as Record<string, unknown>;
    expect(await call('export.code', { graph: template, target: 'pytorch' })).toEqual({
      ok: false,
      error: 'Export to pytorch is not available yet in this version of NetCanvas',
    });
    const broken = await call('export.code', { graph: { format: 'netcanvas.graph' }, target: 'pytorch' });
    expect((broken as { error: string }).error).toMatch(/^This graph cannot be exported: /);
  });

  it('reports a trainer that cannot start as an error, not a crash', async () => {
    const template = JSON.parse(await readFile(resolve('templates/mlp.json'), 'utf8')) as Record<string, unknown>;
    const reply = await call('train.start', { graph: template, dataset: { source: 'embedded:mnist' } });
    expect(reply).toEqual({ ok: false, error: 'The trainer process could not be started: no trainer in this test' });
    const notAGraph = await call('train.start', { graph: { nodes: 3 }, dataset: { source: 'embedded:mnist' } });
    expect((notAGraph as { error: string }).error).toMatch(/^This graph cannot be trained: /);
  });
});

describe('recovery file', () => {
  it('saves, loads and clears; a damaged file offers nothing', async () => {
    const call2 = call;
    expect(await call2('recovery.load', {})).toEqual({ ok: true, result: null });
    expect(await call2('recovery.save', { text: '{"a":1}', path: '/x/y.json' })).toEqual({ ok: true, result: { saved: true } });
    const loaded = await call2('recovery.load', {});
    expect(loaded).toEqual({
      ok: true,
      result: { text: '{"a":1}', path: '/x/y.json', savedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });
    expect(services.recovery.file).toBe(join(dir, 'data', 'recovery-web.json'));
    expect(await call2('recovery.clear', {})).toEqual({ ok: true, result: { cleared: true } });
    expect(await call2('recovery.load', {})).toEqual({ ok: true, result: null });
    expect(await call2('recovery.clear', {})).toEqual({ ok: true, result: { cleared: false } });
    await writeFile(services.recovery.file, '{not json');
    expect(await call2('recovery.load', {})).toEqual({ ok: true, result: null });
  });
});

describe('export over the dispatcher, with the engine’s exporters', () => {
  it('imports a Keras model JSON or an ONNX model as graph text, and lists what it cannot import', async () => {
    const keras = join(dir, 'model.json');
    const layers = [{ class_name: 'Dense', config: { name: 'fc', units: 3, activation: 'softmax', batch_input_shape: [null, 8] } }];
    await writeFile(keras, JSON.stringify({ class_name: 'Sequential', config: { layers } }));
    for (const file of [keras, join(dir, 'mlp.onnx'), join(dir, 'gone.onnx')]) await choose(file, 'file');
    const reply = await call('file.import', { path: keras });
    expect(reply).toMatchObject({ ok: true, result: { path: keras, format: 'keras', notes: [], hadWeights: false } });
    const graph = parseGraph((reply as { result: { text: string } }).result.text);
    expect(graph.ok && graph.doc.nodes.map((n) => n.type)).toEqual(['input', 'dense', 'softmax']);

    const mlp = parseGraph(await readFile('templates/mlp.json', 'utf8'));
    if (!mlp.ok) throw new Error(mlp.error);
    await writeFile(join(dir, 'mlp.onnx'), Buffer.from(exportGraph(mlp.doc, 'onnx').files[0]!.text, 'base64'));
    expect(await call('file.import', { path: 'mlp.onnx' })).toMatchObject({
      ok: true,
      result: { path: join(dir, 'mlp.onnx'), format: 'onnx', hadWeights: true },
    });

    await writeFile(
      keras,
      JSON.stringify({ class_name: 'Sequential', config: { layers: [...layers, { class_name: 'GRU', config: { name: 'rnn' } }] } }),
    );
    expect(await call('file.import', { path: keras })).toEqual({
      ok: false,
      error: `Could not import ${keras}: 1 layer of the Keras model could not be imported:\n  GRU rnn: no NetCanvas layer does this`,
    });
    expect(await call('file.import', { path: join(dir, 'gone.onnx') })).toEqual({
      ok: false,
      error: `Could not read ${join(dir, 'gone.onnx')}: no such file or folder`,
    });
  });

  it('returns the code files and writes them into a folder', async () => {
    const { engineExporter } = await import('../../electron/services/export');
    const exporting = testServices(dir, { loadExporter: engineExporter });
    const graph = JSON.parse(await readFile(resolve('templates/lenet5.json'), 'utf8')) as Record<string, unknown>;
    const code = await handleRequest(exporting, 'export.code', { graph, target: 'pytorch' }, sink);
    expect(code.ok).toBe(true);
    const files = (code as { result: { files: { name: string; text: string }[] } }).result.files;
    expect(files.some((f) => f.name.endsWith('.py') && f.text.includes('torch'))).toBe(true);
    const out = join(dir, 'lenet-export');
    expect(await handleRequest(exporting, 'file.allow', { path: out }, sink)).toMatchObject({ ok: true });
    const written = await handleRequest(exporting, 'export.write', { graph, target: 'pytorch', path: out }, sink);
    // No run asked for: initial weights, said as such.
    expect(written).toEqual({
      ok: true,
      result: { paths: files.length === 1 ? [out] : files.map((f) => join(out, f.name)), weights: { kind: 'initial' } },
    });
  });
});
