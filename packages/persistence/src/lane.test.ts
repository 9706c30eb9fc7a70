import { describe, expect, it } from 'vitest';
import { Lane } from './lane.js';

describe('Lane', () => {
  it('runs tasks one at a time in the order they were added', async () => {
    const lane = new Lane();
    const log: string[] = [];
    const task = (name: string, ticks: number) => async () => {
      log.push(`${name} start`);
      for (let i = 0; i < ticks; i++) await new Promise((resolve) => setImmediate(resolve));
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([lane.run(task('a', 3)), lane.run(task('b', 0)), lane.run(task('c', 1))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('goes on after a failed task, which only its caller sees', async () => {
    const lane = new Lane();
    const failed = lane.run(() => Promise.reject(new Error('boom')));
    const next = lane.run(() => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
