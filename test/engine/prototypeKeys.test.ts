/**
 * Names that are also JavaScript's own property names (__proto__, constructor, toString) are
 * ordinary names to NetCanvas: a node id `__proto__` keeps its report in `check --json` (it
 * vanished), and `embedded:constructor` is an unknown dataset in words (a raw type error).
 */
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../engine/check/checkGraph';
import { checkJson } from '../../engine/cli/check';
import { EMBEDDED_NAMES } from '../../engine/data/embedded';
import { loadDataset } from '../../engine/data/load';
import { DatasetError } from '../../engine/data/types';
import { chain } from '../helpers/graphs';

describe('prototype keys', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('embedded:%s is an unknown embedded dataset', async (name) => {
    const err = await loadDataset(`embedded:${name}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    const available = EMBEDDED_NAMES.map((n) => `embedded:${n}`).join(', ');
    expect(available).toContain('embedded:mnist');
    expect((err as Error).message).toBe(`embedded:${name}: no embedded dataset called "${name}" (available: ${available})`);
  });

  it.each(['__proto__', 'constructor', 'toString'])('a node with the id %s is checked and reported like any other', (id) => {
    const doc = chain(['in', 'input', { shape: [4] }], [id, 'dense', { units: 3 }], ['out', 'softmax']);
    const result = checkGraph(doc);
    expect(result.ok).toBe(true);
    expect(Object.keys(result.nodes)).toEqual(['in', id, 'out']);
    expect(result.nodes[id]!.params).toBe(15);
    const json = JSON.parse(JSON.stringify(checkJson(result))) as { nodes: Record<string, { params: number }> };
    expect(Object.keys(json.nodes)).toEqual(['in', id, 'out']);
    expect(json.nodes[id]!.params).toBe(15);
    // Where the id is not a node, a lookup finds nothing rather than Object's own member.
    const other = checkGraph(chain(['in', 'input', { shape: [4] }], ['d', 'dense', { units: 3 }]));
    expect(other.nodes[id]).toBeUndefined();
  });
});
