import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PresenceBatch } from './presence-batch.js';

describe('PresenceBatch', () => {
  let sent: number[][];
  let batch: PresenceBatch;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    batch = new PresenceBatch((ids) => sent.push(ids), 10, () => Date.now());
  });
  afterEach(() => {
    batch.destroy();
    vi.useRealTimers();
  });

  it('hands on a change after a quiet tick on the next turn, with whatever else arrived in that turn', () => {
    batch.add([1]);
    batch.add([2, 1]);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([[1, 2]]);
  });

  it('holds changes that follow a hand-over until its tick ends, each client once', () => {
    batch.add([1]);
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(3);
    batch.add([2]);
    batch.add([3]);
    batch.add([2]);
    vi.advanceTimersByTime(6);
    expect(sent).toEqual([[1]]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[1], [2, 3]]);
  });

  it('sends nothing without changes, and nothing after destroy', () => {
    vi.advanceTimersByTime(100);
    batch.add([]);
    vi.advanceTimersByTime(100);
    batch.add([7]);
    batch.destroy();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([]);
  });
});
