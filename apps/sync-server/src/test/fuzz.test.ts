/**
 * Property-based fuzzing of the message handler against a real server and real LevelDB. FUZZ_RUNS scales
 * the run (`npm run test:soak` raises it).
 */
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeAwareness, encodeSyncStep1, encodeUpdate } from '../collab/protocol.js';
import {
  type CreatedDoc,
  type TestClient,
  type TestServer,
  awarenessWithRawState,
  connectClient,
  openRawSocket,
  startTestServer,
  waitFor,
  waitForSync,
} from './helpers.js';
import { pathologicalUpdate } from './pathological-updates.js';
import { encodeHandUpdate } from './update-bytes.js';
import { weirdUpdate } from './weird-updates.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);

const concat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => [...Array.from(p)]));
const varUint = (n: number) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, n);
  return encoding.toUint8Array(e);
};
const yjsRejects = (update: Uint8Array) => {
  try {
    Y.decodeUpdate(update);
    return false;
  } catch {
    return true;
  }
};
const isObjectOrNullJson = (text: string) => {
  try {
    const value: unknown = JSON.parse(text);
    return value === null || (typeof value === 'object' && !Array.isArray(value));
  } catch {
    return false;
  }
};
/** Messages that are malformed by construction, each judged by an oracle other than the server's decoder. */
function malformedMessages(sample: Y.Doc): fc.Arbitrary<Uint8Array | string> {
  const update = Y.encodeStateAsUpdate(sample);
  const awareness = new awarenessProtocol.Awareness(sample);
  awareness.setLocalStateField('user', { name: 'Sample' });
  const valid = [
    encodeSyncStep1(sample),
    encodeUpdate(update),
    encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [sample.clientID])),
    Uint8Array.of(3),
  ];
  awareness.destroy();
  return fc.oneof(
    fc.tuple(fc.integer({ min: 4, max: 2 ** 31 }), fc.uint8Array({ maxLength: 32 })).map(([type, rest]) => concat(varUint(type), rest)),
    fc.tuple(fc.integer({ min: 3, max: 2 ** 31 }), fc.uint8Array({ maxLength: 32 })).map(([sub, rest]) => concat([0], varUint(sub), rest)),
    fc.tuple(fc.constantFrom(...valid), fc.nat()).map(([frame, n]) => frame.slice(0, n % frame.length)),
    fc.tuple(fc.constantFrom(...valid), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([frame, junk]) => concat(frame, junk)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).filter(yjsRejects).map(encodeUpdate),
    fc
      .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([at, junk]) => {
        const corrupt = update.slice();
        corrupt.set(junk.subarray(0, corrupt.length - (at % corrupt.length)), at % corrupt.length);
        return corrupt;
      })
      .filter(yjsRejects)
      .map(encodeUpdate),
    fc.string().filter((s) => !isObjectOrNullJson(s)).map((json) => awarenessWithRawState(json)),
    fc.string({ maxLength: 64 }),
  );
}

describe('fuzzing the message handler', () => {
  let t: TestServer;
  let doc: CreatedDoc;
  let honest: TestClient[];
  let marks = 0;

  /** One more edit from each honest client, and wait until they all agree. */
  async function honestRound() {
    for (const client of honest) client.text.insert(client.text.length, `<${marks++}>`);
    await waitFor(
      'the honest clients to converge',
      () => honest.every((c) => c.provider.synced && c.text.toString() === honest[0]!.text.toString() && c.text.toString().includes(`<${marks - 1}>`)),
      20_000,
    );
  }

  /** Restarts the server: fresh clients load exactly what the honest ones show live, and keep editing. */
  async function expectReloadEqualsLive() {
    await honestRound();
    const live = honest[0]!.text.toString();
    await t.restart();
    const fresh = [connectClient(t.collabUrl, doc.id, doc.editToken), connectClient(t.collabUrl, doc.id, doc.editToken)];
    try {
      await Promise.all(fresh.map((c) => waitForSync(c, 20_000)));
      for (const c of fresh) expect(c.text.toString()).toBe(live);
      await honestRound();
      const mark = `<${marks - 1}>`;
      await waitFor('the newest edit to reach the reloaded clients', () => fresh.every((c) => c.text.toString().includes(mark)));
    } finally {
      for (const c of fresh) c.destroy();
    }
  }

  beforeAll(async () => {
    t = await startTestServer({ MAX_MESSAGE_BYTES: '4096' });
    doc = await t.createDoc();
    honest = [connectClient(t.collabUrl, doc.id, doc.editToken), connectClient(t.collabUrl, doc.id, doc.editToken)];
    await Promise.all(honest.map((c) => waitForSync(c)));
    await honestRound();
  });
  afterAll(async () => {
    for (const c of honest) c.destroy();
    await t.cleanup();
  });

  it('closes each malformed message’s connection with 4400 and stores nothing', async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(malformedMessages(honest[0]!.doc), { minLength: 1, maxLength: 30 }), async (messages) => {
        const codes = await Promise.all(
          messages.map(async (message) => {
            const raw = openRawSocket(`${t.collabUrl}/${doc.id}?token=${doc.editToken}`);
            await raw.opened;
            raw.socket.send(message);
            return (await raw.closed).code;
          }),
        );
        tried += messages.length;
        expect(codes.every((code) => code === 4400 || code === 4413), `close codes ${codes}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
    // The server handles a connection's frames in order and stores in rounds, one at a time: once an honest
    // round made after every malformed connection closed has reached everyone, anything they slipped in is
    // stored. The store holds the honest marks, each once, and nothing else.
    await honestRound();
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await t.server.store.load(doc.id))!);
    const text = stored.getText('t').toString();
    expect(text).toBe(honest[0]!.text.toString());
    expect(text.replace(/<\d+>/g, '')).toBe('');
    expect(text.match(/<\d+>/g)!.sort()).toEqual(Array.from({ length: marks }, (_, i) => `<${i}>`).sort());
    console.log(`fuzz: ${tried} malformed messages, each closed its own connection; the document is unchanged`);
  }, 300_000);

  it('never lets an update with impossible structures poison the stored document', async () => {
    let tried = 0;
    let refused = 0;
    const known = honest.map((c) => c.doc.clientID);
    await fc.assert(
      fc.asyncProperty(weirdUpdate(known), async (update) => {
        const raw = openRawSocket(`${t.collabUrl}/${doc.id}?token=${doc.editToken}`);
        await raw.opened;
        raw.socket.send(encodeUpdate(update));
        // The answer to a sync step 1 comes only once the update has been applied and stored.
        raw.socket.send(encodeSyncStep1(new Y.Doc()));
        const answered = waitFor('the sync answer', () => raw.messages.some((m) => m[0] === 0 && m[1] === 1));
        const outcome = await Promise.race([answered.then(() => 'stored'), raw.closed.then(({ code }) => code)]);
        tried++;
        if (outcome !== 'stored') {
          expect(outcome).toBe(4400);
          refused++;
        }
        raw.socket.close();
      }),
      { numRuns: RUNS * 2 },
    );
    // What the server let through keeps YATA's invariants, so a copy reloaded from the store is exactly the
    // live one, and new edits reach everyone.
    await expectReloadEqualsLive();
    console.log(`fuzz: ${tried} updates with impossible structures, ${refused} refused with 4400; the document reloads exactly`);
  }, 300_000);

  it('refuses or integrates pathological but well-formed updates without stalling, and reloads them exactly', async () => {
    const big = await startTestServer({ MAX_DOC_ITEMS: '60000', MAX_UPDATE_WORK: '40000' });
    const target = await big.createDoc();
    const url = `${big.collabUrl}/${target.id}?token=${target.editToken}`;
    const item = { owner: 424_242, length: 4_000 };
    const owner = openRawSocket(url);
    await owner.opened;
    owner.socket.send(encodeUpdate(encodeHandUpdate({ clients: [{ client: item.owner, clock: 0, structs: [{ content: { ref: 'string', text: 'x'.repeat(item.length) } }] }] })));
    const watchers = [connectClient(big.collabUrl, target.id, target.editToken), connectClient(big.collabUrl, target.id, target.editToken)];
    const outcomes = new Map<string, number>();
    try {
      await Promise.all(watchers.map((c) => waitForSync(c)));
      await waitFor('the long item', () => watchers.every((c) => c.text.length >= item.length));
      await fc.assert(
        fc.asyncProperty(pathologicalUpdate(item), async (update) => {
          const raw = openRawSocket(url);
          await raw.opened;
          raw.socket.send(encodeUpdate(update));
          raw.socket.send(encodeSyncStep1(new Y.Doc()));
          const answered = waitFor('the sync answer', () => raw.messages.some((m) => m[0] === 0 && m[1] === 1), 60_000);
          const outcome = await Promise.race([answered.then(() => 'stored'), raw.closed.then(({ code }) => String(code))]);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          // 4409: an author id an earlier run's connection used, reserved for it (fast-check repeats them when shrinking).
          expect(['stored', '4400', '4409', '4413']).toContain(outcome);
          raw.socket.close();
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
      // The watchers, on the same document the whole time, still converge with each other and the store.
      watchers[0]!.text.insert(0, '<last>');
      await waitFor('the watchers to converge', () => watchers[1]!.text.toString() === watchers[0]!.text.toString());
      const live = watchers[0]!.text.toString();
      await big.restart();
      const fresh = connectClient(big.collabUrl, target.id, target.editToken);
      try {
        await waitForSync(fresh, 30_000);
        expect(fresh.text.toString()).toBe(live);
      } finally {
        fresh.destroy();
      }
    } finally {
      for (const c of watchers) c.destroy();
      owner.socket.close();
      await big.cleanup();
    }
    console.log(`fuzz: pathological updates ${JSON.stringify(Object.fromEntries(outcomes))}; the document reloads exactly`);
  }, 600_000);
});
