/**
 * The y-websocket wire format (y-protocols: sync, awareness, auth), decoded strictly and encoded once.
 * Pure: no sockets, no rooms. Connection code never indexes into bytes; it switches on `ClientMessage.kind`.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { jsonDepth } from './update-format.js';

export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;
const SyncType = {
  Step1: syncProtocol.messageYjsSyncStep1,
  Step2: syncProtocol.messageYjsSyncStep2,
  Update: syncProtocol.messageYjsUpdate,
} as const;

/**
 * Close codes. 44xx tell the stock client not to retry (its convention mirrors HTTP 4xx); 4503 means
 * "try again later", so the client reconnects and resends what the server did not store.
 */
export const CloseCode = {
  GoingAway: 1001,
  InternalError: 1011,
  BadRequest: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  NotFound: 4404,
  /** A client id another user holds (client-ids.ts). */
  Conflict: 4409,
  TooLarge: 4413,
  /** Too many sync requests. */
  TooManyRequests: 4429,
  Unavailable: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Why a client's message is refused: the code its connection is closed with, and the metric's reason label. */
export interface Refusal {
  code: CloseCode;
  reason: string;
  metric: string;
}

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The client's state, or null when it removes itself. */
  state: unknown;
  /** Length of the state's JSON text: what it costs to keep and to send to every newcomer. */
  size: number;
}

export type ClientMessage =
  /** `clocks`: the state vector read, client id → clock. */
  | { kind: 'sync-step1'; stateVector: Uint8Array; clocks: Map<number, number> }
  /**
   * Sync step 2 and incremental updates both carry a Yjs update to store and apply; `step2` tells the
   * client's answer to the server's sync step 1 apart. The update is not parsed here: a view link's is
   * refused unread, an edit link's is read against the document (`update-format.ts`, `update-guard.ts`).
   * `empty`: the update Yjs writes when there is nothing to send, every client's answer when it has
   * nothing new.
   */
  | { kind: 'update'; update: Uint8Array; empty: boolean; step2: boolean }
  | { kind: 'awareness'; update: Uint8Array; entries: AwarenessEntry[] }
  | { kind: 'query-awareness' }
  | { kind: 'auth' };

/** A message that is not valid y-websocket protocol. The connection that sent it is closed with 4400. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export interface DecodeOptions {
  /** Deepest nesting of arrays and objects allowed in a presence state. */
  maxAwarenessDepth: number;
}

/** Decodes and validates one client message: every byte must be accounted for. */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions): ClientMessage {
  const decoder = decoding.createDecoder(bytes);
  let message: ClientMessage;
  try {
    message = readMessage(decoder, options);
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError(`malformed message: ${(err as Error).message}`, { cause: err });
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after message');
  return message;
}

function readMessage(decoder: decoding.Decoder, { maxAwarenessDepth }: DecodeOptions): ClientMessage {
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MessageType.Sync:
      return readSyncMessage(decoder);
    case MessageType.Awareness: {
      const update = readBytes(decoder);
      return { kind: 'awareness', update, entries: parseAwarenessUpdate(update, maxAwarenessDepth) };
    }
    case MessageType.QueryAwareness:
      return { kind: 'query-awareness' };
    case MessageType.Auth:
      // Only servers send auth messages; a client's is read past and ignored.
      decoding.readVarUint(decoder);
      readBytes(decoder);
      return { kind: 'auth' };
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

function readSyncMessage(decoder: decoding.Decoder): ClientMessage {
  const syncType = decoding.readVarUint(decoder);
  const payload = readBytes(decoder);
  switch (syncType) {
    case SyncType.Step1:
      return { kind: 'sync-step1', stateVector: payload, clocks: Y.decodeStateVector(payload) };
    case SyncType.Step2:
    case SyncType.Update: {
      const empty = payload.length === 2 && payload[0] === 0 && payload[1] === 0;
      return { kind: 'update', update: payload, empty, step2: syncType === SyncType.Step2 };
    }
    default:
      throw new ProtocolError(`unknown sync message type ${syncType}`);
  }
}

/** Length-prefixed bytes, refusing a length that runs past the message (lib0 would read the buffer beyond it). */
function readBytes(decoder: decoding.Decoder): Uint8Array {
  const length = decoding.readVarUint(decoder);
  if (length > decoder.arr.length - decoder.pos) throw new ProtocolError('length runs past the end of the message');
  return decoding.readUint8Array(decoder, length);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Validates an awareness update completely before anything is applied, so a broken one changes nothing.
 * States nested deeper than `maxDepth` are refused before they are parsed: re-encoding one (for every
 * newcomer) would overflow the stack.
 */
export function parseAwarenessUpdate(update: Uint8Array, maxDepth: number): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = utf8.decode(readBytes(decoder));
    if (jsonDepth(json) > maxDepth) throw new ProtocolError(`presence state nested deeper than ${maxDepth} levels`);
    const state = JSON.parse(json) as unknown;
    // Peers' editors read these states as objects; anything else would break them, not just this sender.
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
      throw new ProtocolError('awareness state must be an object or null');
    }
    entries.push({ clientId, clock, state, size: json.length });
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after awareness update');
  return entries;
}

/** The awareness update holding just `entries` (the inverse of `parseAwarenessUpdate`). */
export function encodeAwarenessEntries(entries: ReadonlyArray<Omit<AwarenessEntry, 'size'>>): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const { clientId, clock, state } of entries) {
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, JSON.stringify(state));
    }
  });
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** A sync step 1 with `stateVector` (what the sender holds). */
export const encodeSyncStep1Of = (stateVector: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(e, stateVector);
  });

export const encodeSyncStep1 = (doc: Y.Doc): Uint8Array => encodeSyncStep1Of(Y.encodeStateVector(doc));

/** Everything in `doc` that a peer with `stateVector` lacks. */
export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    syncProtocol.writeSyncStep2(e, doc, stateVector);
  });

/** A sync step 2 carrying `update` as it is (the whole document, for a client that has nothing). */
export const encodeSyncStep2Of = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(e, update);
  });

/** The update inside a frame made by `encodeSyncStep2Of`: a view of its bytes, not a copy. */
export function payloadOfSyncStep2(frameBytes: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(frameBytes);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}

export const encodeUpdate = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    syncProtocol.writeUpdate(e, update);
  });

export const encodeAwareness = (awarenessUpdate: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Awareness);
    encoding.writeVarUint8Array(e, awarenessUpdate);
  });

export const encodePermissionDenied = (reason: string): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Auth);
    authProtocol.writePermissionDenied(e, reason);
  });
