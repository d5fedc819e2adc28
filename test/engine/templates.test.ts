/** The corpus: every shipped template loads and checks clean. (Compile/export corpus tests live beside those modules.) */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../engine/check/checkGraph';
import { parseGraph } from '../../engine/graph/load';
import { resolveTrainingConfig } from '../../engine/graph/training';

const files = readdirSync('templates').filter((f) => f.endsWith('.json') && !f.endsWith('.weights.json')); // training a template leaves NAME.weights.json beside it

describe('templates', () => {
  it('include LeNet-5, an MLP and a residual net', () => {
    expect(files).toEqual(expect.arrayContaining(['lenet5.json', 'mlp.json', 'resnet-small.json']));
  });

  it.each(files)('%s loads, checks without problems and has a valid training config', (file) => {
    const r = parseGraph(readFileSync(`templates/${file}`, 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = checkGraph(r.doc);
    expect(c.diagnostics).toEqual([]);
    expect(c.outputIds).toHaveLength(1);
    expect(resolveTrainingConfig(r.doc.training).ok).toBe(true);
    for (const id of c.order) expect(r.doc.layout?.[id], `layout of ${id}`).toBeDefined();
  });

  // A card in the gallery is read by a student in the app: no command lines, flags or file names to
  // decode, only what the graph is and what to compare it with (by the other card's name).
  it.each([...files.map((f) => `templates/${f}`), ...readdirSync('lessons').map((f) => `lessons/${f}`)])(
    '%s: its card names no CLI flag, command or file',
    (path) => {
      const { description = '' } = JSON.parse(readFileSync(path, 'utf8')) as { description?: string };
      expect(description).not.toMatch(/(^|\s)--[a-z]|\bnetcanvas \w|\b[\w-]+\.(json|py|onnx|weights)\b/);
    },
  );

  it('LeNet-5 is MNIST-sized with 61,706 parameters', () => {
    const r = parseGraph(readFileSync('templates/lenet5.json', 'utf8'));
    if (!r.ok) throw new Error(r.error);
    const c = checkGraph(r.doc);
    expect(c.nodes.in!.outputShape).toEqual([28, 28, 1]);
    expect(c.totals.params).toBe(61_706);
  });
});
