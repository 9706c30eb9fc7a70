/**
 * The wire formats the load generator speaks, encoded by hand so that thousands of clients cost almost
 * nothing: no Y.Doc per client, frames built once, and incoming frames decoded only as far as the outer
 * framing (message type, sync sub-type) plus, for updates, the (client, clock) range they carry.
 *
 * Two dialects: y-websocket (our server, @y/websocket-server, the bare relay) and Hocuspocus, which prefixes
 * every message with the document name (a var-string) and authenticates each document first.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export const Msg = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3, SyncReply: 4, SyncStatus: 8 } as const;
export const SyncSub = { Step1: 0, Step2: 1, Update: 2 } as const;

export type DialectName = 'y-websocket' | 'hocuspocus';

/** Frames of one document in one dialect. */
export interface Framing {
  dialect: DialectName;
  /** Bytes before the message type (Hocuspocus: the document name). */
  prefix: Uint8Array;
  /** Frames a client sends right after the socket opens (Hocuspocus: auth; both: sync step 1). */
  hello: Uint8Array[];
  /** The answer to the server's sync step 1: an empty step 2 (load-generator clients hold no state). */
  emptyStep2: Uint8Array;
  update(update: Uint8Array): Uint8Array;
  awareness(awarenessUpdate: Uint8Array): Uint8Array;
}

function build(prefix: Uint8Array, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeUint8Array(e, prefix);
  write(e);
  return encoding.toUint8Array(e);
}

const EMPTY_UPDATE = new Uint8Array([0, 0]);
const EMPTY_STATE_VECTOR = new Uint8Array([0]);

export function framing(dialect: DialectName, docName: string): Framing {
  const prefix =
    dialect === 'hocuspocus' ? build(new Uint8Array(0), (e) => encoding.writeVarString(e, docName)) : new Uint8Array(0);
  const sync = (sub: number, payload: Uint8Array) =>
    build(prefix, (e) => {
      encoding.writeVarUint(e, Msg.Sync);
      encoding.writeVarUint(e, sub);
      encoding.writeVarUint8Array(e, payload);
    });
  const step1 = sync(SyncSub.Step1, EMPTY_STATE_VECTOR);
  // Hocuspocus: an auth message (token type 0, empty token: no onAuthenticate hook) opens the document.
  const auth = build(prefix, (e) => {
    encoding.writeVarUint(e, Msg.Auth);
    encoding.writeVarUint(e, 0);
    encoding.writeVarString(e, '');
  });
  return {
    dialect,
    prefix,
    hello: dialect === 'hocuspocus' ? [auth, step1] : [step1],
    emptyStep2: sync(SyncSub.Step2, EMPTY_UPDATE),
    update: (update) => sync(SyncSub.Update, update),
    awareness: (awarenessUpdate) =>
      build(prefix, (e) => {
        encoding.writeVarUint(e, Msg.Awareness);
        encoding.writeVarUint8Array(e, awarenessUpdate);
      }),
  };
}

/**
 * The Yjs update (v1 encoding) that client `client` produces when it appends one character to its own
 * previous one in the root Y.Text `t`: one item at clock `clock`, so an update's clock is its sequence number.
 * Byte-identical to what Yjs emits (checked by `checkHandEncoding`).
 */
export function appendUpdate(client: number, clock: number, char = 'x'): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // one client
  encoding.writeVarUint(e, 1); // one struct
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  if (clock === 0) {
    encoding.writeUint8(e, 4); // ContentString, no origins: the parent follows
    encoding.writeVarUint(e, 1); // parent is a root type, named by its key
    encoding.writeVarString(e, 't');
  } else {
    encoding.writeUint8(e, 4 | 0x80); // ContentString with a left origin
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock - 1);
  }
  encoding.writeVarString(e, char);
  encoding.writeVarUint(e, 0); // empty delete set
  return encoding.toUint8Array(e);
}

/** Throws unless `appendUpdate` matches Yjs byte for byte (guards against a Yjs encoding change). */
export function checkHandEncoding(): void {
  const doc = new Y.Doc();
  doc.clientID = 4242;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 3; i++) doc.getText('t').insert(i, 'x');
  updates.forEach((u, clock) => {
    if (Buffer.compare(Buffer.from(u), Buffer.from(appendUpdate(4242, clock))) !== 0) {
      throw new Error(`hand-encoded update ${clock} differs from Yjs's`);
    }
  });
}

/** What the load generator needs to know of one incoming frame. */
export type Incoming =
  | { kind: 'step1' }
  | { kind: 'step2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'sync-status' }
  | { kind: 'other' };

export function readIncoming(data: Uint8Array, prefixLength: number): Incoming {
  const d = decoding.createDecoder(data);
  d.pos = prefixLength;
  const type = decoding.readVarUint(d);
  if (type === Msg.SyncStatus) return { kind: 'sync-status' };
  if (type === Msg.Awareness) return { kind: 'awareness', update: decoding.readVarUint8Array(d) };
  if (type !== Msg.Sync && type !== Msg.SyncReply) return { kind: 'other' };
  const sub = decoding.readVarUint(d);
  if (sub === SyncSub.Step1) return { kind: 'step1' };
  const update = decoding.readVarUint8Array(d);
  return sub === SyncSub.Step2 ? { kind: 'step2', update } : { kind: 'update', update };
}

/**
 * The clock range [from, to) of each client in an update. Fast path for an update of one string item (what
 * `appendUpdate` produces and what every server but Hocuspocus relays unchanged); anything else, such as
 * Hocuspocus's merged batches, goes through Yjs's own meta parser, which does not build a document either.
 */
export function clockRanges(update: Uint8Array, each: (client: number, from: number, to: number) => void): void {
  const single = singleStringItem(update);
  if (single) return each(single.client, single.clock, single.clock + single.length);
  const { from, to } = Y.parseUpdateMeta(update);
  for (const [client, start] of from) each(client, start, to.get(client) ?? start);
}

function singleStringItem(update: Uint8Array): { client: number; clock: number; length: number } | null {
  if (update[0] !== 1 || update[1] !== 1) return null;
  const d = decoding.createDecoder(update);
  d.pos = 2;
  const client = decoding.readVarUint(d);
  const clock = decoding.readVarUint(d);
  const info = decoding.readUint8(d);
  if ((info & 0x1f) !== 4) return null; // not ContentString
  const skipId = () => {
    decoding.readVarUint(d);
    decoding.readVarUint(d);
  };
  if (info & 0x80) skipId(); // left origin
  if (info & 0x40) skipId(); // right origin
  if ((info & 0xc0) === 0) {
    // No origins: the parent follows, a root type's key or an item's id.
    if (decoding.readVarUint(d) === 1) decoding.readVarString(d);
    else skipId();
  }
  if (info & 0x20) decoding.readVarString(d); // parent sub
  const length = decoding.readVarString(d).length;
  // Exactly one struct and an empty delete set must follow, or this was not a single item.
  if (d.pos !== update.length - 1 || update[d.pos] !== 0) return null;
  return { client, clock, length };
}

/** An awareness update carrying one client's state at `clock` (a stock provider announces itself with clock 1). */
export function awarenessUpdate(clientId: number, state: object, clock = 1): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, JSON.stringify(state));
  return encoding.toUint8Array(e);
}

/**
 * Calls `each` with the client id and clock of every state in an awareness update (one may carry many
 * clients' states), skipping the states themselves: a crowd's load generator reads millions of them.
 */
export function awarenessClocks(update: Uint8Array, each: (clientId: number, clock: number) => void): void {
  const d = decoding.createDecoder(update);
  const count = decoding.readVarUint(d);
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const stateLength = decoding.readVarUint(d); // the state, a JSON string: skipped
    d.pos += stateLength;
    each(clientId, clock);
  }
}
