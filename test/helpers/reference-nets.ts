/** Well-known networks written as NetCanvas graphs, to test against published figures. */
import type { GraphDoc } from '../../engine/graph/types';
import { graphOf, type NodeSpec } from './graphs';

class Builder {
  nodes: NodeSpec[] = [];
  edges: [string, string, number?][] = [];
  private n = 0;
  add(type: string, params: Record<string, unknown>, inputs: string[], id = `${type}_${++this.n}`): string {
    this.nodes.push([id, type, params]);
    inputs.forEach((src, port) => this.edges.push([src, id, inputs.length > 1 ? port : undefined]));
    return id;
  }
  doc(): GraphDoc {
    return graphOf(this.nodes, this.edges);
  }
}

/** VGG-16 (configuration D) on 224×224×3. The last pooling node is `pool5`. */
export function vgg16(): GraphDoc {
  const b = new Builder();
  let x = b.add('input', { shape: [224, 224, 3] }, [], 'in');
  [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ].forEach(([filters, convs], stage) => {
    for (let i = 0; i < convs!; i++) x = b.add('relu', {}, [b.add('conv2d', { filters, kernelSize: 3, padding: 'same' }, [x])]);
    x = b.add('maxPool2d', { poolSize: 2 }, [x], `pool${stage + 1}`);
  });
  x = b.add('flatten', {}, [x]);
  x = b.add('relu', {}, [b.add('dense', { units: 4096 }, [x])]);
  x = b.add('relu', {}, [b.add('dense', { units: 4096 }, [x])]);
  b.add('softmax', {}, [b.add('dense', { units: 1000 }, [x])]);
  return b.doc();
}

/** torchvision's ResNet-50 (v1.5: the stride sits on the 3×3 conv), 224×224×3. */
export function resnet50(): GraphDoc {
  const b = new Builder();
  const convBn = (x: string, filters: number, kernelSize: number, strides = 1, padding: number | string = 0) =>
    b.add('batchNorm', {}, [b.add('conv2d', { filters, kernelSize, strides, padding, useBias: false }, [x])]);
  let x = b.add('input', { shape: [224, 224, 3] }, [], 'in');
  x = b.add('relu', {}, [convBn(x, 64, 7, 2, 3)]);
  x = b.add('maxPool2d', { poolSize: 3, strides: 2, padding: 1 }, [x]);
  [
    [64, 3, 1],
    [128, 4, 2],
    [256, 6, 2],
    [512, 3, 2],
  ].forEach(([width, blocks, stride]) => {
    for (let i = 0; i < blocks!; i++) {
      const s = i === 0 ? stride! : 1;
      let y = b.add('relu', {}, [convBn(x, width!, 1)]);
      y = b.add('relu', {}, [convBn(y, width!, 3, s, 1)]);
      y = convBn(y, width! * 4, 1);
      const shortcut = i === 0 ? convBn(x, width! * 4, 1, s) : x;
      x = b.add('relu', {}, [b.add('add', {}, [y, shortcut])]);
    }
  });
  x = b.add('globalAvgPool2d', {}, [x]);
  b.add('dense', { units: 1000 }, [x]);
  return b.doc();
}

/** A long chain of conv blocks (conv, batchNorm, relu) with residual adds, `n` nodes in all. */
export function generatedGraph(n: number): GraphDoc {
  const b = new Builder();
  let x = b.add('input', { shape: [64, 64, 16] }, [], 'in');
  while (b.nodes.length + 5 < n) {
    const y = b.add('batchNorm', {}, [b.add('conv2d', { filters: 16, kernelSize: 3, padding: 'same' }, [x])]);
    x = b.add('relu', {}, [b.add('add', {}, [y, x])]);
  }
  while (b.nodes.length < n - 1) x = b.add('relu', {}, [x]);
  b.add('globalAvgPool2d', {}, [x]);
  return b.doc();
}
