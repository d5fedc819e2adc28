/** Turning node labels into identifiers that are valid, readable and unique in both Python and JS. */

const RESERVED = new Set([
  // Python keywords and names the generated code itself uses.
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  'self',
  'x',
  'tf',
  'nn',
  'F',
  'torch',
  'keras',
  'np',
  'model',
  'inputs',
  'outputs',
  'layers',
  'forward',
  'print',
  'input',
  'type',
  'id',
  'list',
  'dict',
  'super',
  // JS/TS reserved words.
  'break',
  'case',
  'catch',
  'const',
  'debugger',
  'default',
  'delete',
  'do',
  'enum',
  'export',
  'extends',
  'false',
  'function',
  'instanceof',
  'let',
  'new',
  'null',
  'switch',
  'this',
  'throw',
  'true',
  'typeof',
  'var',
  'void',
  'interface',
  'package',
  'private',
  'protected',
  'public',
  'static',
  'implements',
  'arguments',
  'eval',
  'undefined',
]);

/** "Block 1 conv 1" → "block_1_conv_1"; "3×3 conv" → "n_3_3_conv"; "" → "layer". */
export function toIdentifier(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  let name = ascii || 'layer';
  if (/^[0-9]/.test(name)) name = `n_${name}`;
  if (RESERVED.has(name)) name = `${name}_`;
  return name;
}

/** One identifier per node, from its label when it has one, else its id; clashes get _2, _3… */
export function uniqueIdentifiers(nodes: readonly { id: string; label?: string | undefined }[]): Map<string, string> {
  const taken = new Set<string>();
  const result = new Map<string, string>();
  for (const { id, label } of nodes) {
    const base = toIdentifier(label && label.trim() ? label : id);
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    result.set(id, name);
  }
  return result;
}
