/**
 * Answers to sync requests (sync step 1) without visiting every item of the document for each one.
 *
 * Yjs's own answer (`Y.encodeStateAsUpdate(doc, stateVector)`) is the structs the peer lacks followed by the
 * document's whole delete set, which it rebuilds from every struct each time: a request of a few bytes with
 * a state vector that already has everything made the server walk every item of the document. The delete
 * set only changes when the document does, so it is built once per change. The bytes are exactly Yjs's (yjs
 * src/utils/encoding.js: writeStateAsUpdate, writeClientsStructs, writeStructs).
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export class SyncAnswers {
  /** The delete set as Yjs encodes it after the structs, while the document has not changed. */
  private deleteSet: Uint8Array | null = null;

  constructor(private readonly doc: () => Y.Doc) {}

  /** The document changed: what was built from it is out of date. */
  changed(): void {
    this.deleteSet = null;
  }

  /** Everything a peer with `stateVector` lacks, as `Y.encodeStateAsUpdate(doc, stateVector)` would say it. */
  diff(encodedStateVector: Uint8Array): Uint8Array {
    const stateVector = Y.decodeStateVector(encodedStateVector);
    if (stateVector.size === 0) return Y.encodeStateAsUpdate(this.doc());
    const doc = this.doc();
    // Yjs writes the structs, then "0 clients" and the delete set when it is asked for nothing new.
    this.deleteSet ??= Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)).subarray(1);
    const structs = encodeStructs(doc, stateVector);
    const answer = new Uint8Array(structs.length + this.deleteSet.length);
    answer.set(structs);
    answer.set(this.deleteSet, structs.length);
    return answer;
  }
}

/** The structs a peer with `stateVector` lacks, as Yjs's writeClientsStructs writes them. */
function encodeStructs(doc: Y.Doc, stateVector: Map<number, number>): Uint8Array {
  const { store } = doc;
  const from = new Map<number, number>();
  for (const [client, clock] of stateVector) if (Y.getState(store, client) > clock) from.set(client, clock);
  for (const client of store.clients.keys()) if (!stateVector.has(client)) from.set(client, 0);
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, from.size);
  // Higher client ids first, as Yjs writes them.
  for (const [client, clock] of [...from].sort((a, b) => b[0] - a[0])) {
    const structs = store.clients.get(client)!;
    const start = Math.max(clock, structs[0]!.id.clock);
    const first = Y.findIndexSS(structs, start);
    encoding.writeVarUint(encoder.restEncoder, structs.length - first);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, start);
    structs[first]!.write(encoder, start - structs[first]!.id.clock);
    for (let i = first + 1; i < structs.length; i++) structs[i]!.write(encoder, 0);
  }
  return encoder.toUint8Array();
}
