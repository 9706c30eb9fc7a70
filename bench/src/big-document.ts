/**
 * A big document for the crowd-join scenario: `copies` copies of the automerge-paper trace's final state, each
 * in its own root Y.Text (`t0`, `t1`, ...) written by its own client, as one update per copy.
 *
 * Replaying the trace takes seconds per copy, so it is replayed once (`traceUpdates`) and its state is
 * re-encoded for each copy with another client id and root name, through Yjs's own struct writers; the
 * result is checked by decoding it.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { TRACE_CLIENT, traceUpdates } from './trace.js';

const FIRST_CLIENT = 20_000_001;

export interface BigDocument {
  /** One update per copy; together, the whole document. */
  updates: Uint8Array[];
  /** Each copy's writer and the clock it ends at. */
  endClocks: Map<number, number>;
  bytes: number;
  /** Whether `doc` holds the whole document. */
  holds(doc: Y.Doc): boolean;
}

let cached: { key: string; value: BigDocument } | null = null;

export function bigDocument(copies: number, traceLimit = Infinity): BigDocument {
  const key = `${copies}:${traceLimit}`;
  if (cached?.key === key) return cached.value;
  const { state, endContent } = traceUpdates(traceLimit);
  const updates = Array.from({ length: copies }, (_, k) => renamed(state, FIRST_CLIENT + k, `t${k}`));
  const endClocks = new Map<number, number>();
  const holds = (doc: Y.Doc) => {
    for (let k = 0; k < copies; k++) if (doc.getText(`t${k}`).toString() !== endContent) return false;
    return true;
  };
  const check = new Y.Doc();
  for (const update of updates) Y.applyUpdate(check, update);
  if (!holds(check)) throw new Error('big document: a re-encoded copy does not hold the trace');
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(check))) endClocks.set(client, clock);
  check.destroy();
  const value = { updates, endClocks, bytes: updates.reduce((sum, u) => sum + u.byteLength, 0), holds };
  cached = { key, value };
  return value;
}

/** `state` (one client's writes to the root text `t`) as written by `client` to the root text `root`. */
function renamed(state: Uint8Array, client: number, root: string): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(state);
  const id = (old: Y.ID | null) => old && Y.createID(client, old.clock);
  for (const struct of structs) {
    if (struct.id.client !== TRACE_CLIENT) throw new Error('big document: the trace has another writer');
    struct.id = Y.createID(client, struct.id.clock);
    if (struct instanceof Y.Item) {
      struct.origin = id(struct.origin);
      struct.rightOrigin = id(struct.rightOrigin);
      // A decoded item names a root parent by its key, a string, which Yjs's typings do not admit.
      const parent = struct.parent as unknown;
      if (parent === 't') (struct as { parent: unknown }).parent = root;
      else if (parent instanceof Y.ID) struct.parent = id(parent);
    }
  }
  const encoder = new Y.UpdateEncoderV1();
  const rest = encoder.restEncoder;
  encoding.writeVarUint(rest, 1);
  encoding.writeVarUint(rest, structs.length);
  encoder.writeClient(client);
  encoding.writeVarUint(rest, structs[0]?.id.clock ?? 0);
  for (const struct of structs) struct.write(encoder, 0);
  // The delete set, as Yjs writes it (writeDeleteSet), under the new client id.
  const deleted = ds.clients.get(TRACE_CLIENT) ?? [];
  encoding.writeVarUint(rest, deleted.length > 0 ? 1 : 0);
  if (deleted.length > 0) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(rest, client);
    encoding.writeVarUint(rest, deleted.length);
    for (const { clock, len } of deleted) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
  return encoder.toUint8Array();
}
