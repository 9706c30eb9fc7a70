import type { Trace } from '@collab/test-services';
import * as Y from 'yjs';

/**
 * Replays the first `count` transactions of a trace into a Y.Text named `text`, one Yjs transaction each, and
 * returns the updates the doc emitted and the text it ends with. Positions are code points; the automerge-paper
 * trace is ASCII, so they are also UTF-16 indexes.
 */
export function replay(trace: Trace, count = trace.txns.length): { updates: Uint8Array[]; text: string } {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  if (trace.startContent.length > 0) text.insert(0, trace.startContent);
  for (const { patches } of trace.txns.slice(0, count)) {
    doc.transact(() => {
      for (const [position, deleteCount, inserted] of patches) {
        if (deleteCount > 0) text.delete(position, deleteCount);
        if (inserted.length > 0) text.insert(position, inserted);
      }
    });
  }
  const result = { updates, text: text.toString() };
  doc.destroy();
  return result;
}
