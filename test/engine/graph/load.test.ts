import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGraph, serializeGraph } from '../../../engine/graph/load';

const lenet = readFileSync('templates/lenet5.json', 'utf8');

function withNodes(nodes: unknown[], extra: Record<string, unknown> = {}) {
  return JSON.stringify({ format: 'netcanvas.graph', version: 1, name: 'x', nodes, edges: [], ...extra });
}

describe('graph file format v1', () => {
  it('loads a template and saves it back unchanged', () => {
    const r = parseGraph(lenet);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(JSON.parse(serializeGraph(r.doc))).toEqual(JSON.parse(lenet));
  });

  it('keeps unknown fields at every level through load and save', () => {
    const text = withNodes([{ id: 'in', type: 'input', params: { shape: [4] }, color: 'red' }], {
      edges: [{ source: 'in', target: 'in', note: 'n' }],
      layout: { in: { x: 1, y: 2, pinned: true } },
      author: { name: 'A. Teacher' },
      training: { optimizer: 'sgd', futureOption: 3 },
    });
    const r = parseGraph(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(JSON.parse(serializeGraph(r.doc))).toEqual(JSON.parse(text));
  });

  it('names the place and the value of a bad param', () => {
    const nodes = [
      { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
      { id: 'a', type: 'relu' },
      { id: 'b', type: 'relu' },
      { id: 'c', type: 'conv2d', params: { filters: -3, kernelSize: 5 } },
    ];
    const r = parseGraph(withNodes(nodes));
    expect(r).toMatchObject({ ok: false, error: 'nodes[3].params.filters: expected a positive integer, got -3' });
  });

  it.each([
    ['not JSON', '{"format": "netcanvas.graph",\n  "version": 1 oops}', /^not valid JSON at line 2, column \d+/],
    ['an array', '[]', /expected a JSON object/],
    ['another format', '{"format": "keras", "version": 1, "nodes": []}', /^format: expected "netcanvas.graph"/],
    ['a future version', '{"format": "netcanvas.graph", "version": 2, "nodes": []}', /^version: expected version 1/],
    ['nodes missing', '{"format": "netcanvas.graph", "version": 1}', /^nodes: expected an array, got nothing/],
    ['a node without id', withNodes([{ type: 'relu' }]), /^nodes\[0\]\.id: expected a string, got nothing/],
    ['a required param missing', withNodes([{ id: 'd', type: 'dense', params: {} }]), /^nodes\[0\]\.params\.units: is required/],
    [
      'a bad kernel pair',
      withNodes([{ id: 'c', type: 'conv2d', params: { filters: 1, kernelSize: [3] } }]),
      /kernelSize: expected a positive integer up to 4096 or a pair/,
    ],
    [
      'a bad padding',
      withNodes([{ id: 'c', type: 'conv2d', params: { filters: 1, kernelSize: 3, padding: 'full' } }]),
      /padding: expected "valid", "same" or a non-negative integer up to 4096, got "full"/,
    ],
    ['a bad edge', withNodes([], { edges: [{ source: 'a' }] }), /^edges\[0\]\.target: expected a string/],
    ['a negative port', withNodes([], { edges: [{ source: 'a', target: 'b', targetPort: -1 }] }), /^edges\[0\]\.targetPort/],
  ])('refuses %s with one clear message and no document', (_name, text, message) => {
    const r = parseGraph(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(message);
    expect(r.error).not.toMatch(/\n|at .*\.ts|Error:/);
    expect('doc' in r).toBe(false);
  });

  it('leaves unknown node types to the checker (it can suggest a fix)', () => {
    const r = parseGraph(withNodes([{ id: 'x', type: 'conv3d', params: { anything: 1 } }]));
    expect(r.ok).toBe(true);
  });

  it('fills in an empty edge list and keeps omitted params omitted', () => {
    const r = parseGraph(JSON.stringify({ format: 'netcanvas.graph', version: 1, name: 'x', nodes: [{ id: 'p', type: 'maxPool2d' }] }));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.doc.edges).toEqual([]);
      expect(r.doc.nodes[0]!.params).toEqual({});
    }
  });
});
