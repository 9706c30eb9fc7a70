import { describe, expect, it } from 'vitest';
import { loadTrace } from './index.js';

// automerge-paper is read and replayed in full by the persistence and server tests; seph-blog1, which nothing
// else reads yet, is checked here against its README, so that a missing or truncated copy fails by name.
describe('loadTrace', () => {
  it('reads seph-blog1 from the repository: 137,154 transactions, 56,769 characters at the end', () => {
    const trace = loadTrace('seph-blog1');
    expect(trace.startContent).toBe('');
    expect(trace.txns).toHaveLength(137_154);
    expect(trace.endContent).toHaveLength(56_769);
    expect(trace.txns[0]!.patches[0]).toEqual([0, 0, expect.any(String)]);
  });
});
