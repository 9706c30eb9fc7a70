import { describe, expect, it } from 'vitest';
import { DocLanes } from './doc-lanes.js';

/** A task that runs until `finish` is called, recording when it starts. */
function gate(log: string[], name: string) {
  let finish!: (fail?: boolean) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = (fail) => (fail ? reject(new Error(`${name} failed`)) : resolve());
  });
  return {
    task: () => {
      log.push(`${name} start`);
      return done.then(() => void log.push(`${name} end`));
    },
    finish: (fail?: boolean) => finish(fail),
  };
}

describe('DocLanes', () => {
  it('runs a document’s tasks one after another, each behind the one before even if that one failed', async () => {
    const lanes = new DocLanes();
    const log: string[] = [];
    const first = gate(log, 'first');
    const second = gate(log, 'second');
    const runFirst = lanes.run('doc', first.task);
    const runSecond = lanes.run('doc', second.task);
    await Promise.resolve();
    expect(log).toEqual(['first start']);
    first.finish(true);
    await expect(runFirst).rejects.toThrow('first failed');
    second.finish();
    await runSecond;
    expect(log).toEqual(['first start', 'second start', 'second end']);
  });

  it('lets different documents run at the same time', async () => {
    const lanes = new DocLanes();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const runA = lanes.run('a', a.task);
    const runB = lanes.run('b', b.task);
    await Promise.resolve();
    expect(log).toEqual(['a start', 'b start']);
    b.finish();
    a.finish();
    await Promise.all([runA, runB]);
  });

  it('is busy while a task of the document runs or waits, and forgets the document once they settle', async () => {
    const lanes = new DocLanes();
    const log: string[] = [];
    const first = gate(log, 'first');
    const second = gate(log, 'second');
    expect(lanes.busy('doc')).toBe(false);
    const runs = [lanes.run('doc', first.task), lanes.run('doc', second.task)];
    first.finish();
    await runs[0];
    expect(lanes.busy('doc')).toBe(true);
    expect(lanes.busy('other')).toBe(false);
    second.finish(true);
    await expect(runs[1]).rejects.toThrow('second failed');
    expect(lanes.busy('doc')).toBe(false);
  });
});
