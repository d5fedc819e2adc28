/**
 * The desktop's inspection process: the trainer bundle forked as an Electron utility process (a
 * fake here: Electron cannot launch on this machine), kept between requests, its answers passed on,
 * its death explained in words, and no death reported when the service itself ends it.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createUtilityMapsWorkerLauncher, type UtilityProcessModule } from '../../electron/desktop/utilityTrainer';
import type { MapsRequest } from '../../engine/inspect/protocol';

function fakeUtility() {
  const forks: { child: EventEmitter & { posted: unknown[]; killed: boolean }; options: unknown }[] = [];
  const module = {
    fork(_path: string, _args?: string[], options?: unknown) {
      const child = Object.assign(new EventEmitter(), {
        posted: [] as unknown[],
        killed: false,
        stdout: new EventEmitter(),
        stderr: new EventEmitter(),
        postMessage(message: unknown) {
          child.posted.push(message);
        },
        kill() {
          child.killed = true;
          return true;
        },
      });
      forks.push({ child, options });
      return child;
    },
  } as unknown as UtilityProcessModule;
  return { module, forks };
}

const request: MapsRequest = {
  type: 'featureMaps',
  requestId: 'r1',
  job: {
    kind: 'featureMaps',
    graph: {} as never,
    checkpointPath: null,
    dataset: { source: 'embedded:mnist' },
    sample: { kind: 'test', index: 0 },
    nodeIds: ['c1'],
  },
};

describe('the desktop inspection process', () => {
  it('posts requests to one utility process, passes its answers on and explains its death', () => {
    const { module, forks } = fakeUtility();
    const messages: unknown[] = [];
    const exits: string[] = [];
    const worker = createUtilityMapsWorkerLauncher(
      module,
      '/app/trainer.cjs',
      {},
    )(
      (m) => messages.push(m),
      (why) => exits.push(why),
    );
    worker.send(request);
    worker.send({ ...request, requestId: 'r2' });
    expect(forks).toHaveLength(1);
    expect(forks[0]!.options).toMatchObject({ serviceName: 'NetCanvas feature maps', stdio: 'pipe' });
    expect(forks[0]!.child.posted).toEqual([request, { ...request, requestId: 'r2' }]);
    forks[0]!.child.emit('message', { type: 'featureMapsAnswer', requestId: 'r1', ok: false, message: 'x' });
    expect(messages).toEqual([{ type: 'featureMapsAnswer', requestId: 'r1', ok: false, message: 'x' }]);
    (forks[0]!.child as unknown as { stderr: EventEmitter }).stderr.emit('data', Buffer.from('FATAL ERROR: Reached heap limit\n'));
    forks[0]!.child.emit('exit', 134);
    expect(exits).toEqual(['exit code 134: it ran out of memory; try a smaller batch size or a smaller graph']);
  });

  it('reports no death when the service ends it', () => {
    const { module, forks } = fakeUtility();
    const exits: string[] = [];
    const worker = createUtilityMapsWorkerLauncher(
      module,
      '/app/trainer.cjs',
      {},
    )(
      () => {},
      (why) => exits.push(why),
    );
    worker.kill();
    forks[0]!.child.emit('exit', 0);
    expect(forks[0]!.child.killed).toBe(true);
    expect(exits).toEqual([]);
  });
});
