/**
 * The few pieces of tfjs-webgpu's program machinery our kernels use. A "program" is an object
 * that tfjs-webgpu's `runWebGPUProgram` turns into a compute pipeline: it prepends bindings
 * (`result` for the output, one `array<f32>` per name in `variableNames`, and a `uniforms`
 * struct holding every shape plus the fields in `uniforms`) to our `getUserCode()`.
 * Pipelines are cached by `shaderKey` plus the input ranks, so the key must name every
 * compile-time constant baked into the WGSL.
 */
import * as tf from '@tensorflow/tfjs';

export interface GpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  /** Extra uniform fields, WGSL struct syntax with a trailing comma: `'rows : i32, eps : f32,'`. */
  uniforms?: string;
  workgroupSize: [number, number, number];
  /** True: main(index) is called with a flat global index and `uniforms.size` is declared. */
  size?: boolean;
  getUserCode(): string;
}

export type Uniform = { type: 'int32' | 'float32'; data: number[] };

interface WebGPUBackendLike {
  runWebGPUProgram(program: GpuProgram, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: Uniform[]): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

export function webgpuBackend(backend: unknown = tf.backend()): WebGPUBackendLike {
  return backend as WebGPUBackendLike;
}

/** Runs a program on the active WebGPU backend and wraps the result as a Tensor (not taped). */
export function runToTensor<R extends tf.Rank = tf.Rank>(program: GpuProgram, inputs: tf.TensorInfo[], uniforms: Uniform[]): tf.Tensor<R> {
  const info = webgpuBackend().runWebGPUProgram(program, inputs, 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

export function i32(...data: number[]): Uniform {
  return { type: 'int32', data };
}

export function f32(...data: number[]): Uniform {
  return { type: 'float32', data };
}

/** A flat, one-thread-per-output program layout over `outputShape` (main(index) style). */
export function flatLayout(
  outputShape: number[],
  workgroup = 64,
): Pick<GpuProgram, 'dispatchLayout' | 'dispatch' | 'workgroupSize' | 'size'> {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / workgroup), 1, 1],
    workgroupSize: [workgroup, 1, 1],
    size: true,
  };
}

/**
 * A program with one thread per element of `threads` (by default the output's elements): the
 * layout every flat kernel here shares, in one place. Subclasses name their inputs, shader key
 * and uniforms and write `main(index)`.
 */
export abstract class FlatProgram implements GpuProgram {
  abstract variableNames: string[];
  abstract shaderKey: string;
  dispatchLayout;
  dispatch;
  workgroupSize;
  size;
  constructor(
    public outputShape: number[],
    workgroup = 64,
    threads: number[] = outputShape,
  ) {
    ({
      dispatchLayout: this.dispatchLayout,
      dispatch: this.dispatch,
      workgroupSize: this.workgroupSize,
      size: this.size,
    } = flatLayout(threads, workgroup));
  }
  abstract getUserCode(): string;
}

/**
 * One thread per element, `expression` computing element `index` from the inputs named in
 * `variableNames` (read as `name[index]`; a scalar input as `name[0]`) and `uniforms.*`. The
 * optimizers' fused updates and batch norm's moving averages are made of these.
 */
export class ElementwiseProgram extends FlatProgram {
  constructor(
    outputShape: number[],
    public variableNames: string[],
    public shaderKey: string,
    private expression: string,
    /** WGSL struct fields with trailing commas, in the order the uniforms are passed. */
    public uniforms = 'scale : f32,',
  ) {
    super(outputShape, 256);
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndex(index, ${this.expression}); }
      }
    `;
  }
}
