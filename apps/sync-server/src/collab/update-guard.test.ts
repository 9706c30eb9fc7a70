import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeHandUpdate, nested, type HandUpdate } from '../test/update-bytes.js';
import { weirdUpdate } from '../test/weird-updates.js';
import { type GuardLimits, checkUpdate, countItems } from './update-guard.js';
import { decodeUpdate } from './update-format.js';

const LIMITS: GuardLimits & { maxEntries: number; maxDepth: number } = {
  maxDocItems: 100_000,
  maxWork: 200_000,
  maxTypeDepth: 20,
  maxEntries: 200_000,
  maxDepth: 16,
};

/** 'ok', or the reason the update is refused (format or guard). */
function judge(doc: Y.Doc, update: Uint8Array, limits = LIMITS): string {
  try {
    checkUpdate(doc, decodeUpdate(update, limits), limits);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

/** Applies `update` and tells whether Yjs took all of it (nothing left waiting for missing data). */
function appliesCleanly(doc: Y.Doc, update: Uint8Array): boolean {
  Y.applyUpdate(doc, update);
  return doc.store.pendingStructs === null && doc.store.pendingDs === null;
}

const textDoc = (text: string, clientID = 1) => {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return doc;
};

describe('updates from Yjs clients editing', () => {
  type Op = { client: number; kind: 'text' | 'delete' | 'format' | 'xml' | 'map' | 'deliver' | 'sync'; at: number; n: number };
  const op = fc.record({
    client: fc.nat({ max: 2 }),
    kind: fc.constantFrom('text', 'delete', 'format', 'xml', 'map', 'deliver', 'sync'),
    at: fc.nat(),
    n: fc.integer({ min: 1, max: 5 }),
  }) as fc.Arbitrary<Op>;

  function edit(doc: Y.Doc, { kind, at, n }: Op): void {
    const text = doc.getText('t');
    const fragment = doc.getXmlFragment('default');
    if (kind === 'text') text.insert(at % (text.length + 1), 'abcdefgh'.slice(0, n));
    if (kind === 'delete' && text.length > 0) text.delete(at % text.length, Math.min(n, text.length - (at % text.length)));
    if (kind === 'format' && text.length > 0) text.format(at % text.length, n, { bold: at % 2 === 0 ? true : null });
    if (kind === 'xml') {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText('p'.repeat(n))]);
      fragment.insert(at % (fragment.length + 1), [paragraph]);
    }
    if (kind === 'map') doc.getMap('meta').set(`k${at % 3}`, { n, list: [at, [n]] });
  }

  it('always pass, in any order the server receives them', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const server = new Y.Doc();
        const clients = [1, 2, 3].map((id) => {
          const doc = new Y.Doc();
          doc.clientID = 1000 + id;
          const outbox: Uint8Array[] = [];
          doc.on('update', (update: Uint8Array, origin: unknown) => origin !== 'server' && outbox.push(update));
          return { doc, outbox };
        });
        for (const o of ops) {
          const client = clients[o.client]!;
          if (o.kind === 'deliver') {
            for (const update of client.outbox.splice(0)) {
              expect(judge(server, update)).toBe('ok');
              expect(appliesCleanly(server, update)).toBe(true);
            }
          } else if (o.kind === 'sync') {
            Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client.doc)), 'server');
          } else edit(client.doc, o);
        }
        // What a client sends in its sync step 2 when it comes back with edits the server never got.
        for (const { doc } of clients) {
          const step2 = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server));
          expect(judge(server, step2)).toBe('ok');
          expect(appliesCleanly(server, step2)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('pass as a whole document sent to an empty one', () => {
    const doc = textDoc('hello world');
    doc.getText('t').delete(2, 5);
    doc.getXmlFragment('default').insert(0, [new Y.XmlElement('heading')]);
    expect(judge(new Y.Doc(), Y.encodeStateAsUpdate(doc))).toBe('ok');
  });
});

describe('refusing what would break or swamp a document', () => {
  it('refuses an item whose origin is its own missing clock (12 bytes that made Yjs throw)', () => {
    const update = encodeHandUpdate({ clients: [{ client: 7, clock: 0, structs: [{ content: { ref: 'string', text: 'x' }, origin: { client: 7, clock: 5 } }] }] });
    expect(update.byteLength).toBeLessThanOrEqual(12);
    expect(judge(new Y.Doc(), update)).toMatch(/own client’s clock/);
  });

  it('refuses references to items nobody has, circles and gaps', () => {
    const doc = textDoc('abc');
    const s = (origin: { client: number; clock: number }) => ({ content: { ref: 'string', text: 'x' }, origin }) as const;
    expect(judge(doc, encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: [s({ client: 1, clock: 3 })] }] }))).toMatch(/does not have/);
    expect(judge(doc, encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: [s({ client: 44, clock: 0 })] }] }))).toMatch(/does not have/);
    const circle: HandUpdate = {
      clients: [
        { client: 8, clock: 0, structs: [s({ client: 9, clock: 0 })] },
        { client: 9, clock: 0, structs: [s({ client: 8, clock: 0 })] },
      ],
    };
    expect(judge(doc, encodeHandUpdate(circle))).toMatch(/circle/);
    expect(judge(doc, encodeHandUpdate({ clients: [{ client: 1, clock: 5, structs: [s({ client: 1, clock: 2 })] }] }))).toMatch(/does not have/);
  });

  it('refuses an origin right of its right origin, or in another list', () => {
    const doc = textDoc('abcdef');
    doc.getText('t').insert(3, 'X'); // splits the text into three items
    const other = new Y.Doc();
    other.clientID = 2;
    other.getText('u').insert(0, 'zz');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    const item = (origin: { client: number; clock: number }, rightOrigin: { client: number; clock: number }) =>
      encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: [{ content: { ref: 'string', text: 'y' }, origin, rightOrigin }] }] });
    // The text is a b c X d e f, X being clock 6.
    expect(judge(doc, item({ client: 1, clock: 2 }, { client: 1, clock: 6 }))).toBe('ok');
    expect(judge(doc, item({ client: 1, clock: 6 }, { client: 1, clock: 3 }))).toBe('ok');
    expect(judge(doc, item({ client: 1, clock: 5 }, { client: 1, clock: 0 }))).toMatch(/not left of/);
    // Neighbours that never were: c and X lie between b and d, and whoever knew d knew them.
    expect(judge(doc, item({ client: 1, clock: 1 }, { client: 1, clock: 3 }))).toMatch(/were not neighbours/);
    expect(judge(doc, item({ client: 1, clock: 0 }, { client: 1, clock: 2 }))).toMatch(/were not neighbours/);
    expect(judge(doc, item({ client: 1, clock: 1 }, { client: 2, clock: 0 }))).toMatch(/different lists/);
  });

  it('refuses a parent that is not a type, and types nested too deep', () => {
    const doc = textDoc('abc');
    const child = encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: [{ content: { ref: 'string', text: 'x' }, parent: { id: { client: 1, clock: 0 } } }] }] });
    expect(judge(doc, child)).toMatch(/not a type/);
    const deep = Array.from({ length: 30 }, (_, i) => ({
      content: { ref: 'type', typeRef: 3, name: 'div' } as const,
      parent: i === 0 ? { key: 'default' } : { id: { client: 9, clock: i - 1 } },
    }));
    expect(judge(new Y.Doc(), encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: deep.slice(0, 10) }] }))).toBe('ok');
    expect(judge(new Y.Doc(), encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: deep }] }))).toMatch(/nested deeper/);
  });

  it('refuses unsorted or overlapping delete ranges, and deletions of what the document lacks', () => {
    const doc = textDoc('abcdef');
    const deleting = (ranges: Array<{ clock: number; length: number }>) => encodeHandUpdate({ clients: [], deletes: [{ client: 1, ranges }] });
    expect(judge(doc, deleting([{ clock: 0, length: 1 }, { clock: 2, length: 1 }]))).toBe('ok');
    expect(judge(doc, deleting([{ clock: 4, length: 1 }, { clock: 2, length: 1 }]))).toMatch(/sorted/);
    expect(judge(doc, deleting([{ clock: 0, length: 3 }, { clock: 2, length: 1 }]))).toMatch(/sorted/);
    expect(judge(doc, deleting([{ clock: 5, length: 2 }]))).toMatch(/does not have/);
  });

  it('refuses zero-length structs, deep values, subdocuments and trailing bytes', () => {
    const one = (content: HandUpdate['clients'][number]['structs'][number]['content']) =>
      encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: [{ content }] }] });
    const doc = new Y.Doc();
    expect(judge(doc, one({ ref: 'string', text: '' }))).toMatch(/length zero/);
    expect(judge(doc, one({ ref: 'any', values: [nested(10)] }))).toBe('ok');
    expect(judge(doc, one({ ref: 'any', values: [nested(17)] }))).toMatch(/nested deeper/);
    expect(judge(doc, one({ ref: 'json', texts: [JSON.stringify(nested(17))] }))).toMatch(/nested deeper/);
    expect(judge(doc, one({ ref: 'doc', guid: 'sub' }))).toMatch(/subdocuments/);
    expect(judge(doc, Uint8Array.of(...one({ ref: 'string', text: 'a' }), 0))).toMatch(/trailing/);
  });

  it('refuses an update that would split one long item into single characters (memory amplification)', () => {
    const doc = textDoc('x'.repeat(50_000));
    const ranges = Array.from({ length: 25_000 }, (_, i) => ({ clock: 2 * i, length: 1 }));
    const update = encodeHandUpdate({ clients: [], deletes: [{ client: 1, ranges }] });
    expect(judge(doc, update, { ...LIMITS, maxDocItems: 40_000 })).toMatch(/more than 40000 items/);
    expect(judge(doc, update)).toBe('ok');
  });

  it('counts the walk from an item’s origin to its right origin as work', () => {
    // "a", then 2,000 items of another client after it, each inserted right after "a": none of them was
    // known to an author who saw only "a", and Yjs walks past all of them.
    const doc = textDoc('a');
    const other = new Y.Doc();
    other.clientID = 2;
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    for (let i = 0; i < 2_000; i++) other.getText('t').insert(1, 'b');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    const farApart = encodeHandUpdate({
      clients: [{ client: 9, clock: 0, structs: [{ content: { ref: 'string', text: 'y' }, origin: { client: 1, clock: 0 }, rightOrigin: null }] }],
    });
    expect(judge(doc, farApart, { ...LIMITS, maxWork: 1_000 })).toMatch(/more than 1000 items of work/);
    expect(judge(doc, farApart)).toBe('ok');
  });

  it('charges items that share an origin for what the update put into their list before', () => {
    const doc = textDoc('ab');
    // One chain of 1,000 items after "a", then 50 more items that all start from "a" again.
    const chain = Array.from({ length: 1_000 }, (_, i) => ({ content: { ref: 'string', text: 'c' } as const, origin: i === 0 ? { client: 1, clock: 0 } : { client: 9, clock: i - 1 } }));
    const siblings = Array.from({ length: 50 }, () => ({ content: { ref: 'string', text: 's' } as const, origin: { client: 1, clock: 0 } }));
    const update = encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: [...chain, ...siblings] }] });
    expect(judge(doc, update, { ...LIMITS, maxWork: 20_000 })).toMatch(/items of work/);
    expect(judge(doc, encodeHandUpdate({ clients: [{ client: 9, clock: 0, structs: chain }] }), { ...LIMITS, maxWork: 20_000 })).toBe('ok');
  });

  it('counts the items a document holds', () => {
    const doc = textDoc('abc');
    doc.getText('t').insert(1, 'X');
    expect(countItems(doc)).toBe(1 + 3);
  });
});

describe('anything the guard lets through', () => {
  it('applies without Yjs throwing or waiting for missing data', () => {
    const base = textDoc('hello');
    base.getMap('meta').set('title', 'T');
    const state = Y.encodeStateAsUpdate(base);
    let accepted = 0;
    fc.assert(
      fc.property(weirdUpdate([1]), (update) => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, state);
        if (judge(doc, update) !== 'ok') return;
        accepted++;
        expect(appliesCleanly(doc, update)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('converges whatever order two accepted updates arrive in (YATA’s invariants hold)', () => {
    const base = textDoc('hello');
    base.getText('t').insert(2, 'XY');
    base.getText('t').insert(6, 'Z');
    const state = Y.encodeStateAsUpdate(base);
    const fresh = () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      return doc;
    };
    // Items anywhere in the text: mostly between two neighbours (the text's order of clocks is
    // h0 e1 X5 Y6 l2 l3 Z7 o4), sometimes with any origin and right origin.
    const order = [0, 1, 5, 6, 2, 3, 7, 4];
    const at = (clock: number | undefined) => (clock === undefined ? null : { client: 1, clock });
    const ref = fc.option(fc.record({ client: fc.constant(1), clock: fc.nat({ max: 7 }) }), { nil: null });
    const neighbours = fc.oneof(
      { arbitrary: fc.nat({ max: 8 }).map((gap) => ({ origin: at(order[gap - 1]), rightOrigin: at(order[gap]) })), weight: 4 },
      { arbitrary: fc.record({ origin: ref, rightOrigin: ref }), weight: 1 },
    );
    const item = (author: number) =>
      fc
        .array(fc.tuple(neighbours, fc.string({ minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 })
        .map((items) =>
          encodeHandUpdate({
            clients: items.map(([{ origin, rightOrigin }, text], i) => ({
              client: author + i,
              clock: 0,
              structs: [{ content: { ref: 'string', text }, origin, rightOrigin }],
            })),
          }),
        );
    let compared = 0;
    fc.assert(
      fc.property(item(100), item(200), (a, b) => {
        const ab = fresh();
        const ba = fresh();
        if (judge(ab, a) !== 'ok' || judge(ba, b) !== 'ok') return;
        Y.applyUpdate(ab, a);
        Y.applyUpdate(ba, b);
        expect(judge(ab, b)).toBe('ok');
        expect(judge(ba, a)).toBe('ok');
        Y.applyUpdate(ab, b);
        Y.applyUpdate(ba, a);
        compared++;
        expect(ab.getText('t').toString()).toBe(ba.getText('t').toString());
      }),
      { numRuns: 3_000 },
    );
    expect(compared).toBeGreaterThan(500);
  });
});
