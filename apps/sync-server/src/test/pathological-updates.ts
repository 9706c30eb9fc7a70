/**
 * fast-check arbitraries for Yjs updates that are well-formed and mostly valid, but costly or dangerous to
 * integrate: delete sets in any order, a long item split into single characters, values and types nested
 * deep, many items at one place, items whose neighbours lie far apart. Each is either refused (4400 when it
 * breaks a rule, 4413 over a budget) or integrated like any other; none may stall or break the server.
 *
 * They expect a document whose root text `t` starts with one item of `length` characters by client `owner`.
 */
import fc from 'fast-check';
import { type HandStruct, type HandUpdate, encodeHandUpdate, nested } from './update-bytes.js';

export interface LongItem {
  owner: number;
  length: number;
}

/** A fresh author id per update: writing under a connected client's id is refused on its own grounds. */
const author = fc.integer({ min: 1_000_000, max: 2 ** 31 });

const text = (content: string): HandStruct['content'] => ({ ref: 'string', text: content });

function deletions({ owner, length }: LongItem): fc.Arbitrary<HandUpdate> {
  return fc
    .record({
      count: fc.integer({ min: 1, max: Math.floor(length / 2) }),
      stride: fc.integer({ min: 2, max: 5 }),
      order: fc.constantFrom('ascending', 'descending', 'shuffled'),
    })
    .chain(({ count, stride, order }) => {
      const ranges = Array.from({ length: Math.min(count, Math.floor(length / stride)) }, (_, i) => ({ clock: i * stride, length: 1 }));
      const ordered = order === 'shuffled' ? fc.shuffledSubarray(ranges, { minLength: ranges.length }) : fc.constant(order === 'descending' ? ranges.reverse() : ranges);
      return ordered.map((r) => ({ clients: [], deletes: [{ client: owner, ranges: r }] }));
    });
}

function deepValue(): fc.Arbitrary<HandUpdate> {
  return fc.tuple(author, fc.integer({ min: 1, max: 200 })).map(([client, depth]) => ({
    clients: [{ client, clock: 0, structs: [{ content: { ref: 'any', values: [nested(depth)] }, parent: { key: 'meta' }, parentSub: 'deep' }] }],
  }));
}

function deepTypes(): fc.Arbitrary<HandUpdate> {
  return fc.tuple(author, fc.integer({ min: 1, max: 300 })).map(([client, depth]) => ({
    clients: [
      {
        client,
        clock: 0,
        structs: Array.from({ length: depth }, (_, i) => ({
          content: { ref: 'type', typeRef: 3, name: 'blockquote' } as const,
          parent: i === 0 ? { key: 'default' } : { id: { client, clock: i - 1 } },
        })),
      },
    ],
  }));
}

/** `siblings` items after the same character, each followed by a chain of `chain` more. */
function siblingFlood({ owner, length }: LongItem): fc.Arbitrary<HandUpdate> {
  return fc
    .record({ client: author, at: fc.nat({ max: length - 1 }), siblings: fc.integer({ min: 1, max: 60 }), chain: fc.integer({ min: 0, max: 400 }) })
    .map(({ client, at, siblings, chain }) => {
      const structs: HandStruct[] = [];
      for (let s = 0; s < siblings; s++) {
        structs.push({ content: text('s'), origin: { client: owner, clock: at } });
        for (let c = 0; c < chain; c++) structs.push({ content: text('c'), origin: { client, clock: structs.length - 1 } });
      }
      return { clients: [{ client, clock: 0, structs }] };
    });
}

/** Characters typed backwards at the start: each its own item. */
function backwards(): fc.Arbitrary<HandUpdate> {
  return fc.tuple(author, fc.integer({ min: 1, max: 5_000 })).map(([client, count]) => ({
    clients: [
      {
        client,
        clock: 0,
        structs: Array.from({ length: count }, (_, i) => ({ content: text('b'), rightOrigin: i === 0 ? null : { client, clock: i - 1 }, parent: { key: 't' } })),
      },
    ],
  }));
}

/** One item whose origin and right origin are any two characters of the long item, in either order. */
function farApart({ owner, length }: LongItem): fc.Arbitrary<HandUpdate> {
  return fc.tuple(author, fc.nat({ max: length - 1 }), fc.option(fc.nat({ max: length - 1 }), { nil: null })).map(([client, left, right]) => ({
    clients: [
      {
        client,
        clock: 0,
        structs: [{ content: text('f'), origin: { client: owner, clock: left }, rightOrigin: right === null ? null : { client: owner, clock: right } }],
      },
    ],
  }));
}

export function pathologicalUpdate(item: LongItem): fc.Arbitrary<Uint8Array> {
  return fc
    .oneof(deletions(item), deepValue(), deepTypes(), siblingFlood(item), backwards(), farApart(item))
    .map(encodeHandUpdate);
}
