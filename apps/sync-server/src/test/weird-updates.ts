/**
 * fast-check arbitraries for Yjs updates that are well-formed bytes but describe impossible structures:
 * parents and origins that do not exist or are not types, overlapping clocks, deletions of unknown ranges.
 * Encoded by hand in the V1 update format (yjs src/utils/UpdateEncoder.js, Item.write).
 */
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';

const CONTENT_DELETED = 1;
const CONTENT_STRING = 4;
const CONTENT_ANY = 8;

interface Ref {
  client: number;
  clock: number;
}
interface Struct {
  content: { ref: typeof CONTENT_DELETED; length: number } | { ref: typeof CONTENT_STRING; text: string } | { ref: typeof CONTENT_ANY; values: unknown[] };
  origin: Ref | null;
  rightOrigin: Ref | null;
  parent: { key: string } | { id: Ref };
  parentSub: string | null;
}
interface WeirdUpdate {
  clients: Array<{ client: number; clock: number; structs: Struct[] }>;
  deletes: Array<{ client: number; ranges: Array<{ clock: number; length: number }> }>;
}

/**
 * `knownClients` are ids of clients that really wrote to the document, so that references and deletions
 * can hit their content. The structs themselves are authored under other ids: writing under a connected
 * client's own id makes Yjs give that client a new id, which the stock y-websocket client does not survive
 * (a client-side limitation, not a server one).
 */
export function weirdUpdate(knownClients: number[]): fc.Arbitrary<Uint8Array> {
  const client = fc.oneof(
    { arbitrary: fc.constantFrom(...knownClients), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 2 ** 32 }), weight: 1 },
  );
  const author = fc.integer({ min: 0, max: 2 ** 32 }).filter((id) => !knownClients.includes(id));
  const ref = fc.record({ client, clock: fc.nat({ max: 12 }) });
  const content = fc.oneof(
    fc.record({ ref: fc.constant(CONTENT_DELETED), length: fc.integer({ min: 1, max: 2 ** 20 }) }),
    fc.record({ ref: fc.constant(CONTENT_STRING), text: fc.string({ maxLength: 6 }) }),
    fc.record({ ref: fc.constant(CONTENT_ANY), values: fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 3 }) }),
  );
  const struct = fc.record({
    content,
    origin: fc.option(ref, { nil: null }),
    rightOrigin: fc.option(ref, { nil: null }),
    parent: fc.oneof(fc.record({ key: fc.constantFrom('t', 'default', 'meta', 'x') }), fc.record({ id: ref })),
    parentSub: fc.option(fc.constantFrom('title', 'a', ''), { nil: null }),
  }) as fc.Arbitrary<Struct>;
  const update = fc.record({
    // Mostly clock 0: a first struct past the author's clock leaves a gap Yjs can never fill.
    clients: fc.array(fc.record({ client: author, clock: fc.oneof(fc.constant(0), fc.nat({ max: 40 })), structs: fc.array(struct, { minLength: 1, maxLength: 4 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    deletes: fc.array(
      fc.record({ client, ranges: fc.array(fc.record({ clock: fc.nat({ max: 60 }), length: fc.integer({ min: 1, max: 50 }) }), { maxLength: 3 }) }),
      { maxLength: 2 },
    ),
  });
  return update.map(encodeWeirdUpdate);
}

function encodeWeirdUpdate({ clients, deletes }: WeirdUpdate): Uint8Array {
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

function writeStruct(e: encoding.Encoder, { content, origin, rightOrigin, parent, parentSub }: Struct): void {
  const copiesParent = origin === null && rightOrigin === null;
  const info =
    content.ref | (origin ? 0x80 : 0) | (rightOrigin ? 0x40 : 0) | (copiesParent && parentSub !== null ? 0x20 : 0);
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
  switch (content.ref) {
    case CONTENT_DELETED:
      encoding.writeVarUint(e, content.length);
      break;
    case CONTENT_STRING:
      encoding.writeVarString(e, content.text);
      break;
    case CONTENT_ANY:
      encoding.writeVarUint(e, content.values.length);
      for (const value of content.values) encoding.writeAny(e, value as Parameters<typeof encoding.writeAny>[1]);
      break;
  }
}
