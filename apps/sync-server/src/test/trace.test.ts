import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadTrace } from '@collab/test-services';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestServer, connectClient, startTestServer, waitFor, waitForSync } from './helpers.js';

describe('a real editing trace (automerge-paper, 260k edits)', () => {
  let t: TestServer;
  afterAll(() => t?.cleanup());

  it('replays through a stock client and comes back exactly after a restart', async () => {
    const trace = loadTrace('automerge-paper');
    t = await startTestServer();
    const { id, editToken } = await t.createDoc();
    const writer = connectClient(t.collabUrl, id, editToken);
    const reader = connectClient(t.collabUrl, id, editToken);
    await Promise.all([waitForSync(writer), waitForSync(reader)]);

    // One transaction (so one update message) per 500 trace transactions.
    const text = writer.text;
    if (trace.startContent) text.insert(0, trace.startContent);
    for (let start = 0; start < trace.txns.length; start += 500) {
      writer.doc.transact(() => {
        for (const { patches } of trace.txns.slice(start, start + 500)) {
          for (const [position, deleteCount, inserted] of patches) {
            if (deleteCount > 0) text.delete(position, deleteCount);
            if (inserted) text.insert(position, inserted);
          }
        }
      });
    }
    expect(text.toString()).toBe(trace.endContent);
    await waitFor('the reader to receive the whole trace', () => reader.text.length === trace.endContent.length, 60_000);
    expect(reader.text.toString()).toBe(trace.endContent);
    writer.destroy();
    reader.destroy();

    await t.restart();
    const started = performance.now();
    const fresh = connectClient(t.collabUrl, id, editToken);
    await waitForSync(fresh, 30_000);
    const loadMs = performance.now() - started;
    expect(fresh.text.toString()).toBe(trace.endContent);
    const onDisk = execFileSync('du', ['-sk', path.join(t.dataDir, 'store')]).toString().split('\t')[0];
    // Reported, never asserted: speed is judged by the benchmark, not by unit tests.
    console.log(
      `automerge-paper: ${trace.txns.length} edits; fresh client synced in ${loadMs.toFixed(0)} ms after restart; ` +
        `store on disk ${onDisk} KiB; state ${Y.encodeStateAsUpdate(fresh.doc).byteLength} bytes`,
    );
    fresh.destroy();
  }, 120_000);
});
