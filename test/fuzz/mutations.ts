/**
 * Property-based inputs for the fuzz tests (fast-check): graph documents as mutations of the
 * shipped templates, and the hostile values a careless or malicious author puts in them. A case
 * is data (which template, which edits, which text damage), so fast-check shrinks a failure to
 * the smallest edit list that still breaks an invariant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { LAYER_TYPES, getLayer } from '../../engine/layers/registry';

export const TEMPLATES: readonly { name: string; doc: Record<string, unknown> }[] = readdirSync(resolve('templates'))
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((name) => ({ name, doc: JSON.parse(readFileSync(join(resolve('templates'), name), 'utf8')) as Record<string, unknown> }));

/** How many cases a property runs: `inTests` in `npm test`, FUZZ_SCALE times as many under `npm run fuzz`. */
export function runs(inTests: number): number {
  const scale = Number(process.env['FUZZ_SCALE']);
  return Number.isFinite(scale) && scale > 0 ? Math.round(inTests * scale) : inTests;
}
/** A fixed seed in `npm test` (the same cases every time); FUZZ_SEED picks another. */
export const SEED = Number(process.env['FUZZ_SEED'] ?? 20);

/** Values an author might write anywhere: edge cases of every JSON type, escapes, prototype names. */
export const weird = fc.oneof(
  fc.constantFrom<unknown>(
    0,
    -1,
    1,
    2,
    3,
    0.5,
    1e308,
    -1e308,
    1e-320,
    2 ** 31,
    2 ** 53,
    4096,
    4097,
    65536,
    1e9,
    'same',
    'valid',
    '',
    'x',
    null,
    true,
    false,
    [],
    [0],
    [3, 3],
    [1e308, 1],
    [-1, 2],
    [1, 1, 1],
    [28, 28, 1],
    [4096, 4096, 4096],
    [1],
    {},
    { a: 1 },
    '__proto__',
    'constructor',
    'embedded:mnist',
    'embedded:constructor',
    '\u001b[31mred\u001b[0m',
    '\uFEFF',
    '/dev/zero',
    '../../etc/passwd',
  ),
  fc.integer({ min: -10, max: 100_000 }),
  fc.double(),
  fc.string({ maxLength: 8 }),
);

const IDS = ['__proto__', 'constructor', 'toString', '', ' ', 'in', 'a\u001bb', 'x'.repeat(300)];
const TRAINING = [
  'optimizer',
  'learningRate',
  'momentum',
  'schedule',
  'weightDecay',
  'layerWeightDecay',
  'batchSize',
  'epochs',
  'validationSplit',
  'seed',
];
const TOP = ['format', 'version', 'name', 'nodes', 'edges', 'layout', 'training', 'dataset'];

export type Edit =
  | { kind: 'setParam'; node: number; param: number; value: unknown }
  | { kind: 'removeParam'; node: number; param: number }
  | { kind: 'deleteNode'; node: number; keepEdges: boolean }
  | { kind: 'deleteEdge'; edge: number }
  | { kind: 'addEdge'; from: number; to: number; port: number | null }
  | { kind: 'setType'; node: number; type: number }
  | { kind: 'renameId'; node: number; id: number }
  | { kind: 'setTraining'; field: number; value: unknown }
  | { kind: 'setTop'; field: number; value: unknown };

const n = fc.nat({ max: 1000 });
export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('setParam' as const), node: n, param: n, value: weird }),
  fc.record({ kind: fc.constant('removeParam' as const), node: n, param: n }),
  fc.record({ kind: fc.constant('deleteNode' as const), node: n, keepEdges: fc.boolean() }),
  fc.record({ kind: fc.constant('deleteEdge' as const), edge: n }),
  fc.record({ kind: fc.constant('addEdge' as const), from: n, to: n, port: fc.option(fc.integer({ min: -1, max: 3 })) }),
  fc.record({ kind: fc.constant('setType' as const), node: n, type: n }),
  fc.record({ kind: fc.constant('renameId' as const), node: n, id: n }),
  fc.record({ kind: fc.constant('setTraining' as const), field: n, value: weird }),
  fc.record({ kind: fc.constant('setTop' as const), field: n, value: weird }),
);

/** Damage to the file's text after the edits: none, cut short, a byte-order mark, a byte replaced. */
export type TextDamage =
  { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'bom' } | { kind: 'replace'; at: number; char: string };
export const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: n }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: n, char: fc.constantFrom('{', '"', '\u0000', '\u001b', ']', 'é') }),
  },
);

type Doc = Record<string, unknown> & { nodes?: unknown; edges?: unknown };
type NodeLike = { id?: unknown; type?: unknown; params?: Record<string, unknown> };
const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length > 0 ? list[i % list.length] : undefined);

/** Applies the edits to a deep copy of the template; edits that no longer apply (a deleted node) are skipped. */
export function mutate(template: Record<string, unknown>, edits: readonly Edit[]): Doc {
  const doc = structuredClone(template) as Doc;
  for (const e of edits) {
    const nodes = Array.isArray(doc.nodes) ? (doc.nodes as NodeLike[]) : [];
    const edges = Array.isArray(doc.edges) ? (doc.edges as Record<string, unknown>[]) : [];
    const picked = 'node' in e ? pick(nodes, e.node) : undefined;
    // A mutated file's nodes may be anything; edits apply to those that are still objects.
    const node = typeof picked === 'object' && picked !== null ? picked : undefined;
    switch (e.kind) {
      case 'setParam':
      case 'removeParam': {
        if (!node || typeof node.params !== 'object' || node.params === null) break;
        const names = Object.keys(getLayer(String(node.type))?.params ?? {});
        const name = pick([...names, 'bogusParam'], e.param)!;
        if (e.kind === 'setParam') node.params[name] = e.value;
        else delete node.params[name];
        break;
      }
      case 'deleteNode':
        if (!node) break;
        doc.nodes = nodes.filter((x) => x !== node);
        if (!e.keepEdges) doc.edges = edges.filter((x) => x['source'] !== node.id && x['target'] !== node.id);
        break;
      case 'deleteEdge':
        doc.edges = edges.filter((_, i) => i !== e.edge % Math.max(1, edges.length));
        break;
      case 'addEdge': {
        const from = pick(nodes, e.from);
        const to = pick(nodes, e.to);
        if (from && to) edges.push({ source: from?.id, target: to?.id, ...(e.port === null ? {} : { targetPort: e.port }) });
        break;
      }
      case 'setType':
        if (node) node.type = pick([...LAYER_TYPES, 'bogus', 'Dense'], e.type);
        break;
      case 'renameId':
        if (node) node.id = pick([...IDS, ...nodes.map((x) => x?.id)], e.id);
        break;
      case 'setTraining': {
        const training = (
          typeof doc['training'] === 'object' && doc['training'] !== null ? doc['training'] : (doc['training'] = {})
        ) as Record<string, unknown>;
        training[pick(TRAINING, e.field)!] = e.value;
        break;
      }
      case 'setTop':
        doc[pick(TOP, e.field)!] = e.value;
        break;
    }
  }
  return doc;
}

export function damage(text: string, d: TextDamage): string {
  switch (d.kind) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, d.at % Math.max(1, text.length));
    case 'bom':
      return `\uFEFF${text}`;
    case 'replace': {
      const at = d.at % Math.max(1, text.length);
      return text.slice(0, at) + d.char + text.slice(at + 1);
    }
  }
}

/** One fuzzed graph file: a template, its edits, and damage to its text. */
export const graphCase = fc.record({
  template: fc.nat({ max: TEMPLATES.length - 1 }),
  edits: fc.array(edit, { minLength: 0, maxLength: 4 }),
  damage: textDamage,
});
export type GraphCase = typeof graphCase extends fc.Arbitrary<infer T> ? T : never;

export function caseText(c: GraphCase): string {
  return damage(JSON.stringify(mutate(TEMPLATES[c.template]!.doc, c.edits), null, 2), c.damage);
}
