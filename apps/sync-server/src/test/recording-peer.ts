/** A fake Peer for unit tests of rooms, presence and the write path: it records what it is sent and its closes. */
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Peer } from '../collab/peer.js';
import { MessageType } from '../collab/protocol.js';

/** A frame the server sent, read back. */
export type ServerFrame =
  | { kind: 'sync-step1'; stateVector: Uint8Array }
  | { kind: 'sync-step2' | 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'auth'; reason: string };

export function readServerFrame(frame: Uint8Array): ServerFrame {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  if (type === MessageType.Awareness) return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
  if (type === MessageType.Auth) {
    decoding.readVarUint(decoder);
    return { kind: 'auth', reason: decoding.readVarString(decoder) };
  }
  if (type !== MessageType.Sync) throw new Error(`not a server frame: type ${type}`);
  const syncType = decoding.readVarUint(decoder);
  const payload = decoding.readVarUint8Array(decoder);
  if (syncType === 0) return { kind: 'sync-step1', stateVector: payload };
  return { kind: syncType === 1 ? 'sync-step2' : 'update', update: payload };
}

export interface RecordingPeer extends Peer {
  readonly name: string;
  /** Every frame sent to it, in order. */
  readonly frames: Uint8Array[];
  /** Every close asked of it, in order (a real connection keeps only the first). */
  readonly closes: Array<{ code: number; reason: string }>;
  /** The frames read back. */
  received(): ServerFrame[];
  /** The kinds of the frames received, in order. */
  kinds(): string[];
  /** A client's copy of the document: every sync step 2 and update it received, applied. */
  doc(): Y.Doc;
  /** Its view of presence: every awareness update it received, applied, as client id → state. */
  presence(): Map<number, unknown>;
  /** The clocks `knownClock` answers, as a sync request would have set them. */
  readonly clocks: Map<number, number>;
}

/** `address`: where it connects from (peers of one address may take over each other's client ids). */
export function recordingPeer(name = 'peer', address = `address of ${name}`): RecordingPeer {
  const frames: Uint8Array[] = [];
  const clocks = new Map<number, number>();
  const closes: Array<{ code: number; reason: string }> = [];
  const received = () => frames.map(readServerFrame);
  return {
    name,
    address,
    frames,
    closes,
    clocks,
    knownClock: (clientId) => clocks.get(clientId) ?? 0,
    send: (frame) => void frames.push(frame),
    close: (code, reason) => void closes.push({ code, reason }),
    received,
    kinds: () => received().map((frame) => frame.kind),
    doc() {
      const doc = new Y.Doc();
      for (const frame of received()) {
        if (frame.kind === 'sync-step2' || frame.kind === 'update') Y.applyUpdate(doc, frame.update);
      }
      return doc;
    },
    presence() {
      const awareness = new awarenessProtocol.Awareness(new Y.Doc());
      awareness.setLocalState(null);
      for (const frame of received()) {
        if (frame.kind === 'awareness') awarenessProtocol.applyAwarenessUpdate(awareness, frame.update, 'server');
      }
      const states = new Map(awareness.getStates());
      awareness.destroy();
      return states;
    },
  };
}

/** A Yjs update writing `text` at the start of the `t` text of a fresh client (or of `doc`, after what it has). */
export function textUpdate(text: string, doc = new Y.Doc()): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc, before);
}

export const textOf = (doc: Y.Doc) => doc.getText('t').toString();
