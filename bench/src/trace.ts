/**
 * The real editing trace (automerge-paper, 260k edits), turned into the updates a stock client would send:
 * one Yjs update per trace transaction, from one writer's Y.Doc (Y.Text `t`). Built once per bench run.
 */
import * as Y from 'yjs';
import { loadTrace } from '../../packages/test-services/src/index.js';

export const TRACE_CLIENT = 9_000_001;

export interface TraceUpdates {
  updates: Uint8Array[];
  /** The writer's clock after each update: a reader that has received clock N holds every update up to there. */
  endClocks: number[];
  endContent: string;
  /** The whole final document as one update, for the in-process floor. */
  state: Uint8Array;
}

let cached: { limit: number; value: TraceUpdates } | null = null;

/** The first `limit` transactions of the trace as updates (all of them by default). */
export function traceUpdates(limit = Infinity): TraceUpdates {
  if (cached?.limit === limit) return cached.value;
  const trace = loadTrace('automerge-paper');
  const doc = new Y.Doc();
  doc.clientID = TRACE_CLIENT;
  const text = doc.getText('t');
  const updates: Uint8Array[] = [];
  const endClocks: number[] = [];
  doc.on('update', (update: Uint8Array) => {
    updates.push(update);
    endClocks.push(Y.getState(doc.store, TRACE_CLIENT));
  });
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const { patches } of trace.txns.slice(0, limit)) {
    doc.transact(() => {
      for (const [position, deleteCount, inserted] of patches) {
        if (deleteCount > 0) text.delete(position, deleteCount);
        if (inserted) text.insert(position, inserted);
      }
    });
  }
  const endContent = text.toString();
  if (limit === Infinity && endContent !== trace.endContent) throw new Error('trace replay does not reach endContent');
  const value = { updates, endClocks, endContent, state: Y.encodeStateAsUpdate(doc) };
  doc.destroy();
  cached = { limit, value };
  return value;
}
