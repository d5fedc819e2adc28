/** The PyTorch export's README.md, and the torchrun flags it, the script's docstring and the runner share. */
import type { ExportPlan } from '../plan';
import { pytorchClassName } from './model';

/**
 * torchrun on one machine (a free rendezvous port), with "--redirects 2 --tee 2" (stderr to its logs
 * and to us, stdout untouched) spelled out: torch 1.13 on Python ≥ 3.11 (Debian 12) reads its own
 * default "0" as None and its launcher crashes; 1 and 2 are read. The runner and the README use it.
 */
export const TORCHRUN_FLAGS = ['--standalone', '--redirects', '2', '--tee', '2'] as const;

/** The README's training commands, run as written by the tests. */
export const README_COMMANDS = [
  'python3 train.py --epochs 5 --save trained.json',
  `torchrun --nproc_per_node=4 ${TORCHRUN_FLAGS.join(' ')} train.py --batch-size 64`,
];

export function emitPytorchReadme(plan: ExportPlan, weightsNote?: string): string {
  return `# ${plan.doc.name} — PyTorch export

Exported from NetCanvas. ${weightsNote ?? 'weights.json holds the weights given to the exporter.'}

Files:

- \`model.py\` — \`${pytorchClassName(plan)}(nn.Module)\`, channels-first (input \`[batch, C, H, W]\`), plus
  \`load_netcanvas_weights\` / \`save_netcanvas_weights\` for NetCanvas's weights files.
- \`weights.json\` — the weights, in the app's channels-last (TensorFlow) layouts; the loader converts them:
  conv kernels HWIO → OIHW; dense kernels \`[in, out]\` → \`[out, in]\`, with rows after a flatten reordered
  from the app's H·W·C order to PyTorch's C·H·W order; batch-norm γ, β and moving statistics.
- \`train.py\` — training with the graph's optimizer, schedule, per-layer L2 and validation split.

## Matching TensorFlow exactly

- "same" padding with stride 2 can be asymmetric in TensorFlow (the odd pixel goes after): the model pads
  explicitly with \`F.pad\` where that happens.
- Max pooling pads with −∞; average pooling with an explicit int padding counts the zero pads
  (\`count_include_pad=True\`), with "same" padding it does not.
- Bilinear upsampling uses TensorFlow's \`resizeBilinear\` formula (no half-pixel centres), written out in
  \`resize_bilinear_tf\`; \`F.interpolate\` would differ.
- Batch-norm momentum is converted: PyTorch's \`momentum = 1 − (Keras momentum)\`.

## Training

\`\`\`
${README_COMMANDS.join('\n')}
\`\`\`

- \`train.py\` trains on the best device it finds (CUDA, Apple's MPS, else the CPU); \`--device cuda|mps|cpu\` picks
  one. On Windows the first command is \`py train.py …\`.
- \`torchrun\` starts one process per GPU (DistributedDataParallel; \`--batch-size\` is per process); without GPUs the
  processes share the CPU. \`--redirects 2 --tee 2\` keeps each process's error output in torchrun's logs and prints
  it too; standard output, where the events go, is untouched. PyTorch 1.13 on Python 3.11 or newer (Debian 12's
  \`python3-torch\`) needs these two flags: without them its launcher stops at once with
  \`AttributeError: 'NoneType' object has no attribute 'get'\`, as it cannot read its own default (\`--redirects 0\`).
  PyTorch 2 reads the default and accepts the flags alike. Where \`torchrun\` is not on the PATH (after
  \`pip install --user\`), \`python3 -m torch.distributed.run\` is the same command.

Each line of output is one JSON event (\`started\`, \`batch\`, \`epoch\`, \`done\`, \`error\`), the same schema as the
NetCanvas trainer, so the app can draw the curves. \`--save\` writes weights the app can load.
`;
}
