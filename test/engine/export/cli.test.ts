/** `netcanvas export`: files written, single-file outputs, checkpoints, and exit codes 0 / 1 / 2. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkGraph } from '../../../engine/check/checkGraph';
import { main } from '../../../engine/cli/main';
import { initialWeights, serializeWeights } from '../../../engine/export';
import { planExport } from '../../../engine/export/plan';
import { parseGraph } from '../../../engine/graph/load';
import { scratchDir } from './workdir';

const templates = join(import.meta.dirname, '../../../templates');
const work = scratchDir('cli');
afterAll(() => work.remove());

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});

describe('netcanvas export', () => {
  it('writes the complete PyTorch export into a folder', async () => {
    const out = join(work.path, 'lenet-pytorch');
    expect(await main(['export', join(templates, 'lenet5.json'), '--to', 'pytorch', '-o', out])).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'model.py', 'train.py', 'weights.json']);
    expect(readFileSync(join(out, 'model.py'), 'utf8')).toMatch(/class LeNet5\(nn\.Module\)/);
  });

  it('writes a single .onnx file when OUT names one', async () => {
    const out = join(work.path, 'mlp.onnx');
    expect(await main(['export', join(templates, 'mlp.json'), '--to', 'onnx', '-o', out])).toBe(0);
    // A protobuf ModelProto starts with field 1 (ir_version) as a varint: byte 0x08.
    expect(readFileSync(out)[0]).toBe(0x08);
  });

  it('includes trained weights from a checkpoint', async () => {
    const file = join(templates, 'mlp.json');
    const r = parseGraph(readFileSync(file, 'utf8'));
    if (!r.ok) throw new Error(r.error);
    const weights = initialWeights(planExport(r.doc), 123);
    const checkpoint = join(work.path, 'mlp.weights.json');
    writeFileSync(checkpoint, serializeWeights(weights, r.doc.name));
    const out = join(work.path, 'mlp-tfjs');
    expect(await main(['export', file, '--to', 'tfjs', '-o', out, '--checkpoint', checkpoint])).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'weights.json'), 'utf8')).layers).toEqual(JSON.parse(readFileSync(checkpoint, 'utf8')).layers);
  });

  it("exits 1 with the checker's message for a graph with errors", async () => {
    const bad = join(work.path, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        format: 'netcanvas.graph',
        version: 1,
        name: 'bad',
        nodes: [
          { id: 'in', type: 'input', params: { shape: [4] } },
          { id: 'conv', type: 'conv2d', params: { filters: 2, kernelSize: 3 } },
        ],
        edges: [{ source: 'in', target: 'conv' }],
      }),
    );
    expect(await main(['export', bad, '--to', 'keras', '-o', join(work.path, 'bad-out')])).toBe(1);
    expect(stderr).toMatch(/conv2d needs an image-shaped input/);
    expect(existsSync(join(work.path, 'bad-out'))).toBe(false);
  });

  it('exits 2 for bad input: unknown target, missing file, a checkpoint from another graph', async () => {
    expect(await main(['export', join(templates, 'mlp.json'), '--to', 'caffe'])).toBe(2);
    expect(stderr).toMatch(/unknown export target "caffe"; choose one of pytorch, keras, tfjs, onnx/);
    expect(await main(['export', join(work.path, 'nope.json'), '--to', 'onnx'])).toBe(2);
    expect(stderr).toMatch(/no such file/);
    const other = join(work.path, 'other.weights.json');
    writeFileSync(other, serializeWeights({ layers: { fc1: { kernel: { shape: [2, 2], data: new Float32Array(4) } } } }));
    expect(
      await main(['export', join(templates, 'lenet5.json'), '--to', 'onnx', '--checkpoint', other, '-o', join(work.path, 'x.onnx')]),
    ).toBe(2);
    expect(stderr).toMatch(/the weights have no kernel for node/);
  });
});

describe('netcanvas import', () => {
  it('turns an ONNX model into a graph file with its weights as a checkpoint beside it', async () => {
    const onnx = join(work.path, 'lenet.onnx');
    expect(await main(['export', join(templates, 'lenet5.json'), '--to', 'onnx', '-o', onnx])).toBe(0);
    expect(await main(['import', onnx])).toBe(0);
    const r = parseGraph(readFileSync(join(work.path, 'lenet.json'), 'utf8'));
    if (!r.ok) throw new Error(r.error);
    expect(r.doc.name).toBe('lenet');
    expect(checkGraph(r.doc).ok).toBe(true);
    expect(JSON.parse(readFileSync(join(work.path, 'lenet.weights.json'), 'utf8'))).toMatchObject({ format: 'netcanvas.weights' });
    // A second import would overwrite the first graph: refused unless -o names the file.
    expect(await main(['import', onnx])).toBe(2);
    expect(stderr).toMatch(/lenet\.json already exists; choose where to write the graph with -o OUT\.json/);
  });

  it('turns a Keras model JSON into a graph file (never over the JSON itself); lists what it cannot import', async () => {
    const keras = join(work.path, 'model.json');
    const model = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'Dense', config: { name: 'fc', units: 3, activation: 'relu', batch_input_shape: [null, 8] } }] },
    };
    writeFileSync(keras, JSON.stringify(model));
    expect(await main(['import', keras])).toBe(0);
    const written = JSON.parse(readFileSync(join(work.path, 'model.netcanvas.json'), 'utf8'));
    expect(written.nodes.map((n: { type: string }) => n.type)).toEqual(['input', 'dense', 'relu']);
    expect(existsSync(join(work.path, 'model.netcanvas.weights.json'))).toBe(false);

    model.config.layers.push({ class_name: 'GRU', config: { name: 'rnn', units: 4 } } as never);
    writeFileSync(keras, JSON.stringify(model));
    expect(await main(['import', keras, '-o', join(work.path, 'rnn.json')])).toBe(2);
    expect(stderr).toBe(
      `netcanvas: ${keras}: 1 layer of the Keras model could not be imported:\n  GRU rnn: no NetCanvas layer does this\n`,
    );
    expect(existsSync(join(work.path, 'rnn.json'))).toBe(false);

    writeFileSync(join(work.path, 'junk.bin'), 'hello');
    expect(await main(['import', join(work.path, 'junk.bin')])).toBe(2);
    expect(stderr).toMatch(/junk\.bin: this is not an ONNX model \(\.onnx\) or a Keras model JSON/);
  });
});
