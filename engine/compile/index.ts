/** Graph → TensorFlow.js. Only engine/compile and engine/train load tfjs (the checker stays light). */
export { compileGraph, CompileError, type CompiledGraph, type CompileOptions } from './compile';
export { BUILDERS, type Builder, type BuildContext } from './builders';
export { nodeWeights, weightRole, type NodeWeight } from './weights';
