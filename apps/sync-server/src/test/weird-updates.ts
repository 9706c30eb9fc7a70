/**
 * fast-check arbitraries for Yjs updates that are well-formed bytes but describe impossible structures:
 * parents and origins that do not exist or are not types, overlapping clocks, deletions of unknown ranges.
 * Encoded by update-bytes.ts, like the hand-written ones.
 */
import fc from 'fast-check';
import { type HandStruct, encodeHandUpdate } from './update-bytes.js';

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
    fc.record({ ref: fc.constant('deleted' as const), length: fc.integer({ min: 1, max: 2 ** 20 }) }),
    fc.record({ ref: fc.constant('string' as const), text: fc.string({ maxLength: 6 }) }),
    fc.record({ ref: fc.constant('any' as const), values: fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 3 }) }),
  );
  const struct: fc.Arbitrary<HandStruct> = fc.record({
    content,
    origin: fc.option(ref, { nil: null }),
    rightOrigin: fc.option(ref, { nil: null }),
    parent: fc.oneof(fc.record({ key: fc.constantFrom('t', 'default', 'meta', 'x') }), fc.record({ id: ref })),
    parentSub: fc.option(fc.constantFrom('title', 'a', ''), { nil: null }),
  });
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
  return update.map(encodeHandUpdate);
}
