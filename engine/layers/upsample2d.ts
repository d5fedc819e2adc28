import { pair } from './params';
import { NO_COST, isSpatial, needsSpatial, type LayerSpec } from './spec';

/** Repeats (or interpolates) pixels to grow the image: the decoder half of fully-convolutional nets. */
export const upsample2d: LayerSpec = {
  type: 'upsample2d',
  label: 'Upsample',
  category: 'conv',
  doc: 'Enlarges the image by an integer factor, repeating pixels (nearest) or interpolating (bilinear).',
  params: {
    size: { kind: 'size2', min: 1, default: 2, doc: 'Enlargement factor for height and width.' },
    interpolation: { kind: 'enum', values: ['nearest', 'bilinear'], default: 'nearest', doc: 'How new pixels are filled in.' },
  },
  arity: { min: 1, max: 1 },
  outputShape(ctx) {
    const [input] = ctx.inputs;
    if (!isSpatial(input)) return { problem: needsSpatial('upsample2d', input!) };
    const [sh, sw] = pair(ctx.params.size);
    return { shape: [input[0] * sh, input[1] * sw, input[2]] };
  },
  receptiveField(ctx, [field]) {
    if (!field) return null;
    const s = pair(ctx.params.size);
    // Nearest copies one input unit; bilinear blends two neighbours along each axis.
    const extra = ctx.params.interpolation === 'bilinear' ? 1 : 0;
    return {
      size: [field.size[0] + extra * field.jump[0], field.size[1] + extra * field.jump[1]],
      jump: [field.jump[0] / s[0], field.jump[1] / s[1]],
      start: field.start,
    };
  },
  keepsLayout: false,
  ...NO_COST,
};
