import { describe, expect, it } from 'vitest';
import { loadTrace } from './index.js';

// The replays themselves run in the persistence and server tests; this checks that the files in data/traces
// are the ones its README describes, so a missing or truncated copy fails here with its name.
describe('loadTrace', () => {
  it.each([
    ['automerge-paper', 259_778, 104_852],
    ['seph-blog1', 137_154, 56_769],
  ] as const)('reads %s from the repository: %i transactions, %i characters at the end', (name, txns, length) => {
    const trace = loadTrace(name);
    expect(trace.startContent).toBe('');
    expect(trace.txns).toHaveLength(txns);
    expect(trace.endContent).toHaveLength(length);
    expect(trace.txns[0]!.patches[0]).toEqual([0, 0, expect.any(String)]);
  });
});
