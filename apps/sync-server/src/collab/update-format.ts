/**
 * Reads a Yjs update (the V1 format y-websocket sends: yjs src/utils/encoding.js, UpdateDecoderV1, the
 * content readers of src/structs/*) into a plain description of its structs and deletions, without
 * touching any document. Every byte must be accounted for, and the things Yjs itself would choke on, or
 * that no Yjs client writes, are refused here: zero-length structs, unknown content or type refs,
 * subdocuments, values nested deeper than `maxDepth`, delete ranges that are not sorted and disjoint.
 * Pure: no I/O, no Y.Doc.
 */
import * as decoding from 'lib0/decoding';

/** An update that is not what a Yjs client writes. Its sender is closed with 4400 (or 4413 for `tooLarge`). */
export class UpdateFormatError extends Error {
  override readonly name = 'UpdateFormatError';
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

export interface Id {
  client: number;
  clock: number;
}

/** Content refs (the low five bits of a struct's info byte). */
export const Content = { Gc: 0, Deleted: 1, Json: 2, Binary: 3, String: 4, Embed: 5, Format: 6, Type: 7, Any: 8, Doc: 9, Skip: 10 } as const;

export interface Struct {
  id: Id;
  length: number;
  /** A `Content` ref; `Gc` and `Skip` are not items and carry nothing else. */
  content: number;
  origin: Id | null;
  rightOrigin: Id | null;
  /** Set only when the item has neither origin: the root type's name, or the id of the item holding its parent type. */
  parentKey: string | null;
  parentId: Id | null;
  parentSub: string | null;
}

/** The structs of one client, consecutive clocks from `start`. */
export interface ClientStructs {
  client: number;
  structs: Struct[];
}

export interface DeleteRange {
  clock: number;
  length: number;
}

export interface DecodedUpdate {
  clients: ClientStructs[];
  /** Per client, ranges sorted by clock and disjoint. */
  deletes: Map<number, DeleteRange[]>;
  structCount: number;
  deleteRangeCount: number;
}

export interface FormatLimits {
  /** Structs plus delete ranges one update may hold. */
  maxEntries: number;
  /** Deepest nesting of arrays and objects in a JSON or `any` value. */
  maxDepth: number;
}

const INFO_ORIGIN = 0x80;
const INFO_RIGHT_ORIGIN = 0x40;
const INFO_PARENT_SUB = 0x20;
const CONTENT_MASK = 0x1f;
/** Yjs type refs: YArray, YMap, YText, YXmlElement, YXmlFragment, YXmlHook, YXmlText; two of them carry a name. */
const TYPE_REFS = 7;
const NAMED_TYPES = new Set([3, 5]);

/** Decodes and checks a V1 update; throws UpdateFormatError. */
export function decodeUpdate(update: Uint8Array, limits: FormatLimits): DecodedUpdate {
  const reader = new Reader(update, limits);
  try {
    const decoded = reader.readUpdate();
    if (decoding.hasContent(reader.decoder)) throw new UpdateFormatError('trailing bytes after the update');
    return decoded;
  } catch (err) {
    if (err instanceof UpdateFormatError) throw err;
    throw new UpdateFormatError(`malformed update: ${(err as Error).message}`);
  }
}

class Reader {
  readonly decoder: decoding.Decoder;
  private entries = 0;

  constructor(
    update: Uint8Array,
    private readonly limits: FormatLimits,
  ) {
    this.decoder = decoding.createDecoder(update);
  }

  readUpdate(): DecodedUpdate {
    const clients: ClientStructs[] = [];
    const seen = new Set<number>();
    const clientCount = this.uint();
    for (let i = 0; i < clientCount; i++) {
      const count = this.uint();
      const client = this.uint();
      if (seen.has(client)) throw new UpdateFormatError('a client appears twice in the update');
      seen.add(client);
      if (count === 0) throw new UpdateFormatError('a client without structs');
      this.count(count);
      let clock = this.uint();
      const structs: Struct[] = [];
      for (let j = 0; j < count; j++) {
        const struct = this.readStruct({ client, clock });
        structs.push(struct);
        clock = this.safe(clock + struct.length);
      }
      clients.push({ client, structs });
    }
    const structCount = this.entries;
    const deletes = this.readDeletes();
    return { clients, deletes, structCount, deleteRangeCount: this.entries - structCount };
  }

  private readStruct(id: Id): Struct {
    const info = this.byte();
    const content = info & CONTENT_MASK;
    const struct: Struct = { id, length: 0, content, origin: null, rightOrigin: null, parentKey: null, parentId: null, parentSub: null };
    if (content === Content.Gc || content === Content.Skip) {
      struct.length = this.positive(this.uint());
      return struct;
    }
    if (info & INFO_ORIGIN) struct.origin = this.id();
    if (info & INFO_RIGHT_ORIGIN) struct.rightOrigin = this.id();
    if ((info & (INFO_ORIGIN | INFO_RIGHT_ORIGIN)) === 0) {
      if (this.uint() === 1) struct.parentKey = this.string();
      else struct.parentId = this.id();
      if (info & INFO_PARENT_SUB) struct.parentSub = this.string();
    }
    struct.length = this.positive(this.readContent(content));
    return struct;
  }

  /** Reads an item's content and returns its length (what it adds to its client's clock). */
  private readContent(content: number): number {
    switch (content) {
      case Content.Deleted:
        return this.uint();
      case Content.Json: {
        const length = this.uint();
        for (let i = 0; i < length; i++) {
          const json = this.string();
          if (json !== 'undefined') this.json(json);
        }
        return length;
      }
      case Content.Binary:
        this.bytes();
        return 1;
      case Content.String:
        return this.string().length;
      case Content.Embed:
        this.json(this.string());
        return 1;
      case Content.Format:
        this.string();
        this.json(this.string());
        return 1;
      case Content.Type: {
        const ref = this.uint();
        if (ref >= TYPE_REFS) throw new UpdateFormatError(`unknown type ref ${ref}`);
        if (NAMED_TYPES.has(ref)) this.string();
        return 1;
      }
      case Content.Any: {
        const length = this.uint();
        for (let i = 0; i < length; i++) this.any(0);
        return length;
      }
      case Content.Doc:
        // Subdocuments: the editor has none, and each one would be a Y.Doc of its own on the server.
        throw new UpdateFormatError('subdocuments are not accepted');
      default:
        throw new UpdateFormatError(`unknown content ref ${content}`);
    }
  }

  private readDeletes(): Map<number, DeleteRange[]> {
    const deletes = new Map<number, DeleteRange[]>();
    const clientCount = this.uint();
    for (let i = 0; i < clientCount; i++) {
      const client = this.uint();
      const count = this.uint();
      if (deletes.has(client)) throw new UpdateFormatError('a client appears twice in the delete set');
      this.count(count);
      const ranges: DeleteRange[] = [];
      let end = 0;
      for (let j = 0; j < count; j++) {
        const clock = this.uint();
        const length = this.positive(this.uint());
        // Yjs writes delete sets sorted and merged, and splits an item once per range: descending single
        // clocks over one long item cost it a move of the whole struct array per range. Refused, not sorted.
        if (clock < end) throw new UpdateFormatError('delete ranges must be sorted by clock and disjoint');
        end = this.safe(clock + length);
        ranges.push({ clock, length });
      }
      if (count > 0) deletes.set(client, ranges);
    }
    return deletes;
  }

  /** Skips an `any` value (lib0 encoding.writeAny), refusing nesting deeper than the limit. */
  private any(depth: number): void {
    const tag = this.byte();
    switch (tag) {
      case 127: // undefined
      case 126: // null
      case 121: // false
      case 120: // true
        return;
      case 125:
        decoding.readVarInt(this.decoder);
        return;
      case 124:
        this.skip(4);
        return;
      case 123:
      case 122:
        this.skip(8);
        return;
      case 119:
        this.string();
        return;
      case 118: {
        this.deeper(depth);
        const length = this.uint();
        for (let i = 0; i < length; i++) {
          this.string();
          this.any(depth + 1);
        }
        return;
      }
      case 117: {
        this.deeper(depth);
        const length = this.uint();
        for (let i = 0; i < length; i++) this.any(depth + 1);
        return;
      }
      case 116:
        this.bytes();
        return;
      default:
        throw new UpdateFormatError(`unknown value tag ${tag}`);
    }
  }

  private deeper(depth: number): void {
    if (depth >= this.limits.maxDepth) throw new UpdateFormatError(`values nested deeper than ${this.limits.maxDepth} levels`);
  }

  /** Checks a JSON text the way Yjs reads it (JSON.parse), and its nesting. */
  private json(text: string): void {
    if (jsonDepth(text) > this.limits.maxDepth) {
      throw new UpdateFormatError(`values nested deeper than ${this.limits.maxDepth} levels`);
    }
    JSON.parse(text);
  }

  private count(n: number): void {
    this.entries += n;
    if (this.entries > this.limits.maxEntries) {
      throw new UpdateFormatError(`more than ${this.limits.maxEntries} structs and delete ranges in one update`, true);
    }
  }

  private id(): Id {
    return { client: this.uint(), clock: this.uint() };
  }

  private uint(): number {
    return decoding.readVarUint(this.decoder);
  }

  private byte(): number {
    this.need(1);
    return decoding.readUint8(this.decoder);
  }

  private string(): string {
    // lib0 would read a length past the end from whatever buffer the message shares.
    const start = this.decoder.pos;
    this.need(this.uint());
    this.decoder.pos = start;
    return decoding.readVarString(this.decoder);
  }

  private bytes(): void {
    const length = this.uint();
    this.skip(length);
  }

  private skip(n: number): void {
    this.need(n);
    this.decoder.pos += n;
  }

  private need(n: number): void {
    if (n > this.decoder.arr.length - this.decoder.pos) throw new UpdateFormatError('a length runs past the end of the update');
  }

  private positive(n: number): number {
    if (n <= 0) throw new UpdateFormatError('a struct or range of length zero');
    return n;
  }

  private safe(clock: number): number {
    if (!Number.isSafeInteger(clock)) throw new UpdateFormatError('clock out of range');
    return clock;
  }
}

/** The deepest nesting of arrays and objects in a JSON text, counted without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
