/** The real services as the web host makes them, over a temp folder (home and data folder inside it), without a trainer or exporters. */
import { join, resolve } from 'node:path';
import { createServices, type ServiceOptions } from '../../electron/services/index';
import type { Services } from '../../electron/services/types';

export function testServices(dir: string, overrides: Partial<ServiceOptions> = {}): Services {
  return createServices({
    kind: 'web',
    version: '9.9.9',
    dataDir: join(dir, 'data'),
    templatesDir: resolve('templates'),
    homeDir: dir,
    launchTrainer: () => {
      throw new Error('no trainer in this test');
    },
    loadExporter: async () => null,
    shell: {
      openDialog: async () => ({ path: null, unsupported: true }),
      saveDialog: async () => ({ path: null, unsupported: true }),
      setTitle: () => {},
    },
    ...overrides,
  });
}
