/**
 * The v1 file format as a zod schema. Objects are loose so unknown fields survive a load/save
 * round trip; params of known layer types are validated against the catalogue here too, so a
 * broken file is refused whole with a message naming the place.
 */
import { z } from 'zod';
import { getLayer } from '../layers/registry';
import { validateParam } from '../layers/params';
import { lessonSchema } from '../lesson/schema';

const id = z.string().min(1, 'expected a non-empty id');

const node = z.looseObject({
  id,
  type: z.string().min(1, 'expected a layer type such as "conv2d"'),
  params: z.record(z.string(), z.unknown()).default({}),
  label: z.string().optional(),
  trainable: z.boolean().optional(),
});

const edge = z.looseObject({
  source: id,
  target: id,
  targetPort: z.number().int().min(0).optional(),
});

const position = z.looseObject({ x: z.number(), y: z.number() });

export const graphSchema = z
  .looseObject({
    format: z.literal('netcanvas.graph', { error: 'expected "netcanvas.graph": this is not a NetCanvas graph file' }),
    version: z.literal(1, { error: 'expected version 1 (this NetCanvas reads graph format v1)' }),
    name: z.string().default('Untitled'),
    description: z.string().optional(),
    nodes: z.array(node),
    edges: z.array(edge).default([]),
    layout: z.record(z.string(), position).optional(),
    training: z.record(z.string(), z.unknown()).optional(),
    dataset: z.record(z.string(), z.unknown()).optional(),
    /** An exercise built on this graph (engine/lesson). */
    lesson: lessonSchema.optional(),
    output: id.optional(),
  })
  .superRefine((doc, ctx) => {
    doc.nodes.forEach((n, i) => {
      const spec = getLayer(n.type);
      if (!spec) return; // an unknown type is the checker's to explain, with a suggestion
      for (const [name, param] of Object.entries(spec.params)) {
        const value = n.params[name];
        if (value === undefined) {
          if (param.required)
            ctx.addIssue({ code: 'custom', path: ['nodes', i, 'params', name], message: `is required for ${n.type} (${param.doc})` });
          continue;
        }
        const why = validateParam(param, value);
        if (why) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'params', name], message: why });
      }
    });
  });

/** `['nodes', 3, 'params', 'filters']` → `nodes[3].params.filters`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(the document)';
}
