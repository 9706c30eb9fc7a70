/**
 * Hand-written Yjs updates in the V1 format (yjs src/utils/UpdateEncoder.js, Item.write), for tests that
 * need what no Yjs client writes: references to nothing, circles, unsorted deletions, deep nesting. The
 * fuzz tests' generated updates (weird-updates.ts) go through the same encoder.
 */
import * as encoding from 'lib0/encoding';

export interface Ref {
  client: number;
  clock: number;
}

export type HandContent =
  | { ref: 'deleted'; length: number }
  | { ref: 'string'; text: string }
  | { ref: 'any'; values: unknown[] }
  | { ref: 'json'; texts: string[] }
  | { ref: 'type'; typeRef: number; name?: string }
  | { ref: 'doc'; guid: string }
  | { ref: 'gc'; length: number }
  | { ref: 'skip'; length: number };

export interface HandStruct {
  content: HandContent;
  origin?: Ref | null;
  rightOrigin?: Ref | null;
  /** Used only without origins: a root type's name, or the id of the item holding the parent type. */
  parent?: { key: string } | { id: Ref };
  parentSub?: string | null;
}

export interface HandUpdate {
  clients: Array<{ client: number; clock: number; structs: HandStruct[] }>;
  deletes?: Array<{ client: number; ranges: Array<{ clock: number; length: number }> }>;
}

const CONTENT_REFS = { gc: 0, deleted: 1, json: 2, string: 4, type: 7, any: 8, doc: 9, skip: 10 } as const;

export function encodeHandUpdate({ clients, deletes = [] }: HandUpdate): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, clients.length);
  for (const { client, clock, structs } of clients) {
    encoding.writeVarUint(e, structs.length);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    for (const struct of structs) writeStruct(e, struct);
  }
  encoding.writeVarUint(e, deletes.length);
  for (const { client, ranges } of deletes) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, ranges.length);
    for (const { clock, length } of ranges) {
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, length);
    }
  }
  return encoding.toUint8Array(e);
}

function writeStruct(e: encoding.Encoder, { content, origin = null, rightOrigin = null, parent = { key: 't' }, parentSub = null }: HandStruct): void {
  if (content.ref === 'gc' || content.ref === 'skip') {
    encoding.writeUint8(e, CONTENT_REFS[content.ref]);
    encoding.writeVarUint(e, content.length);
    return;
  }
  const copiesParent = origin === null && rightOrigin === null;
  const info = CONTENT_REFS[content.ref] | (origin ? 0x80 : 0) | (rightOrigin ? 0x40 : 0) | (copiesParent && parentSub !== null ? 0x20 : 0);
  encoding.writeUint8(e, info);
  for (const id of [origin, rightOrigin]) {
    if (!id) continue;
    encoding.writeVarUint(e, id.client);
    encoding.writeVarUint(e, id.clock);
  }
  if (copiesParent) {
    if ('key' in parent) {
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, parent.key);
    } else {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, parent.id.client);
      encoding.writeVarUint(e, parent.id.clock);
    }
    if (parentSub !== null) encoding.writeVarString(e, parentSub);
  }
  writeContent(e, content);
}

function writeContent(e: encoding.Encoder, content: HandContent): void {
  switch (content.ref) {
    case 'deleted':
      encoding.writeVarUint(e, content.length);
      break;
    case 'string':
      encoding.writeVarString(e, content.text);
      break;
    case 'any':
      encoding.writeVarUint(e, content.values.length);
      for (const value of content.values) encoding.writeAny(e, value as Parameters<typeof encoding.writeAny>[1]);
      break;
    case 'json':
      encoding.writeVarUint(e, content.texts.length);
      for (const text of content.texts) encoding.writeVarString(e, text);
      break;
    case 'type':
      encoding.writeVarUint(e, content.typeRef);
      if (content.name !== undefined) encoding.writeVarString(e, content.name);
      break;
    case 'doc':
      encoding.writeVarString(e, content.guid);
      encoding.writeAny(e, {});
      break;
    case 'gc':
    case 'skip':
      break;
  }
}

/** A value nested `depth` arrays deep. */
export function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}
