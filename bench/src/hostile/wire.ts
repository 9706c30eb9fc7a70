/**
 * What the hostile scenarios send: frames and updates built by hand (lib0), so that an attack costs the load
 * generator next to nothing and can say what no Yjs client would.
 */
import * as encoding from 'lib0/encoding';
import { Msg, SyncSub } from '../protocol.js';

const frame = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};

export const syncFrame = (sub: number, payload: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, Msg.Sync);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });

export const updateFrame = (update: Uint8Array) => syncFrame(SyncSub.Update, update);
export const step1Frame = (stateVector: Map<number, number>) =>
  syncFrame(
    SyncSub.Step1,
    frame((e) => {
      encoding.writeVarUint(e, stateVector.size);
      for (const [client, clock] of stateVector) {
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, clock);
      }
    }),
  );
export const emptyStep2Frame = syncFrame(SyncSub.Step2, Uint8Array.of(0, 0));

/** An awareness message setting `state` (as JSON text) for each client id, at `clock`. */
export function awarenessFrame(clientIds: Iterable<number>, json: string, clock = 1): Uint8Array {
  const ids = [...clientIds];
  const update = frame((e) => {
    encoding.writeVarUint(e, ids.length);
    for (const id of ids) {
      encoding.writeVarUint(e, id);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
    }
  });
  return frame((e) => {
    encoding.writeVarUint(e, Msg.Awareness);
    encoding.writeVarUint8Array(e, update);
  });
}

export interface StringItem {
  client: number;
  clock: number;
  text: string;
  origin?: { client: number; clock: number } | null;
  /** Root type name, used when the item has no origin. */
  root?: string;
}

/**
 * An update of string items (each its own client's only struct) and, per client, delete ranges written in
 * the order given: Yjs writes them sorted, an attacker need not.
 */
export function handUpdate(items: StringItem[], deletes: Array<{ client: number; ranges: Array<[clock: number, length: number]> }> = []): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, items.length);
    for (const { client, clock, text, origin = null, root = 't' } of items) {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, client);
      encoding.writeVarUint(e, clock);
      encoding.writeUint8(e, 4 | (origin ? 0x80 : 0));
      if (origin) {
        encoding.writeVarUint(e, origin.client);
        encoding.writeVarUint(e, origin.clock);
      } else {
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, root);
      }
      encoding.writeVarString(e, text);
    }
    encoding.writeVarUint(e, deletes.length);
    for (const { client, ranges } of deletes) {
      encoding.writeVarUint(e, client);
      encoding.writeVarUint(e, ranges.length);
      for (const [clock, length] of ranges) {
        encoding.writeVarUint(e, clock);
        encoding.writeVarUint(e, length);
      }
    }
  });
}

/** Every other character of a text of `length` characters, as single-character delete ranges. */
export function everyOther(length: number, order: 'ascending' | 'descending'): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let clock = 0; clock < length; clock += 2) ranges.push([clock, 1]);
  return order === 'ascending' ? ranges : ranges.reverse();
}

/**
 * `count` single characters of `client` from `clock` on, each inserted right before the previous one (the
 * first at the start of the root text `t`): separate items, as typing backwards makes.
 */
export function backwardRun(client: number, clock: number, count: number): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, count);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    for (let at = clock; at < clock + count; at++) {
      if (at === 0) {
        encoding.writeUint8(e, 4);
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, 't');
      } else {
        encoding.writeUint8(e, 4 | 0x40);
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, at - 1);
      }
      encoding.writeVarString(e, 'r');
    }
    encoding.writeVarUint(e, 0);
  });
}
