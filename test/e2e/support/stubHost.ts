/**
 * Only for developing the editor tests before the web host existed: an in-page `window.netcanvas`
 * with files in memory and no trainer. Tests that need the trainer or the disk skip without the
 * real host; none of them pass on this stub alone.
 */
export const STUB_HOST_SCRIPT = `
(() => {
  const files = new Map();
  const listeners = new Map();
  window.netcanvas = {
    async request(name, args) {
      switch (name) {
        case 'host.info': return { kind: 'web', version: 'stub', platform: 'linux', dataDir: '/stub', homeDir: '/stub' };
        case 'recovery.load': return null;
        case 'recovery.save': return { saved: true };
        case 'recovery.clear': return { cleared: true };
        case 'window.setTitle': return { ok: true };
        case 'file.openDialog': case 'file.saveDialog': return { path: null, unsupported: true };
        case 'file.list': return { dir: args.dir, entries: [...files.keys()].map((p) => ({ name: p.split('/').pop(), path: p, kind: 'file' })) };
        case 'file.write': files.set(args.path, args.text); return { path: args.path };
        case 'file.read': if (!files.has(args.path)) throw new Error('no such file: ' + args.path); return { path: args.path, text: files.get(args.path) };
        case 'templates.list': case 'lessons.list': return [];
        default: throw new Error(name + ' is not available on the stub host');
      }
    },
    on(event, listener) {
      const set = listeners.get(event) || new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
})();
`;
