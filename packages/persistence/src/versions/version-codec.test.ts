import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentOf, docFrom } from '../test/yjs-helpers.js';
import { planRemoval } from './chain-plan.js';
import { subtractDeleteSet } from './delete-sets.js';
import { cutVersion, needsKeyframe, pack, stateOfChain, unpack } from './version-codec.js';

/** One step of an editing session: an edit by the server's copy or by a peer, or a version cut. */
type Step =
  | { op: 'insert'; at: number; text: string; peer: boolean }
  | { op: 'delete'; at: number; len: number; peer: boolean }
  | { op: 'set'; key: string; value: number }
  | { op: 'cut' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 8 }), peer: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }), peer: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.constantFrom('a', 'b', 'c'), value: fc.integer() }) },
  { weight: 2, arbitrary: fc.constant({ op: 'cut' as const }) },
);

interface Version {
  id: string;
  keyframe: boolean;
  content: Uint8Array;
  expected: ReturnType<typeof contentOf>;
}

/**
 * Replays `steps`: the server's doc and a peer's doc edit and sync with each other after each edit; every
 * 'cut' cuts a version of the server's doc the way a store does. Returns the versions, oldest first.
 */
async function replayAndCut(steps: readonly Step[], every: number): Promise<Version[]> {
  const server = new Y.Doc();
  const peer = new Y.Doc();
  const versions: Version[] = [];
  let head: Uint8Array | null = null;
  let editedSinceCut = true;
  for (const s of steps) {
    if (s.op === 'cut') {
      const keyframe = needsKeyframe(versions.map((v) => v.keyframe).reverse(), every);
      const previous: Version | undefined = versions[versions.length - 1];
      const cut = cutVersion(server, head, keyframe);
      expect(cut.changed).toBe(editedSinceCut || head === null);
      if (keyframe) expect(cut.full).not.toBeNull();
      if (!keyframe && previous) expectOnlyNewDeletions(cut.delta, head!, server);
      versions.push({
        id: String(versions.length),
        keyframe,
        content: await pack(keyframe ? cut.full! : cut.delta),
        expected: contentOf(server),
      });
      head = cut.head;
      editedSinceCut = false;
      continue;
    }
    const doc = 'peer' in s && s.peer ? peer : server;
    const text = doc.getText('text');
    if (s.op === 'insert') text.insert(s.at % (text.length + 1), s.text);
    else if (s.op === 'delete') {
      if (text.length === 0) continue;
      const at = s.at % text.length;
      text.delete(at, Math.min(s.len, text.length - at));
    } else doc.getMap('map').set(s.key, s.value);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(server)));
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(server, Y.encodeStateVector(peer)));
    editedSinceCut = true;
  }
  return versions;
}

/** The delta's delete set holds exactly the deletions made since the previous version. */
function expectOnlyNewDeletions(delta: Uint8Array, previousHead: Uint8Array, doc: Y.Doc): void {
  const fresh = subtractDeleteSet(Y.snapshot(doc).ds, Y.decodeSnapshot(previousHead).ds);
  expect(Y.equalDeleteSets(Y.decodeUpdate(delta).ds, fresh)).toBe(true);
}

/** The chain of `versions[index]`: from the last keyframe at or before it. */
function chainOf(versions: readonly Version[], index: number): Version[] {
  let start = index;
  while (!versions[start]!.keyframe) start -= 1;
  return versions.slice(start, index + 1);
}

async function expectEachOpens(versions: readonly Version[], every: number): Promise<void> {
  for (let i = 0; i < versions.length; i++) {
    const chain = chainOf(versions, i);
    expect(chain.length).toBeLessThanOrEqual(every);
    const state = await stateOfChain(chain.map((v) => v.content));
    expect(contentOf(docFrom(state))).toEqual(versions[i]!.expected);
  }
}

/** Removes versions the way a store's thinning does: plan, merge the rewritten contents, drop the rest. */
async function remove(versions: readonly Version[], ids: ReadonlySet<string>): Promise<Version[]> {
  const byId = new Map(versions.map((v) => [v.id, v]));
  for (const rewrite of planRemoval(versions, ids)) {
    const state = await stateOfChain([...rewrite.from, rewrite.id].map((id) => byId.get(id)!.content));
    byId.set(rewrite.id, { ...byId.get(rewrite.id)!, keyframe: rewrite.keyframe, content: await pack(state) });
  }
  return versions.filter((v) => !ids.has(v.id)).map((v) => byId.get(v.id)!);
}

const session = fc.array(step, { minLength: 1, maxLength: 120 }).map((steps) => [...steps, { op: 'cut' as const }]);

describe('version codec (properties over random editing sessions, insertions and deletions)', () => {
  it('opens every version to the state it was cut from', async () => {
    await fc.assert(
      fc.asyncProperty(session, fc.integer({ min: 1, max: 5 }), async (steps, every) => {
        await expectEachOpens(await replayAndCut(steps, every), every);
      }),
      { numRuns: 150 },
    );
  });

  it('still opens every kept version after removing any versions but the newest', async () => {
    await fc.assert(
      fc.asyncProperty(session, fc.integer({ min: 1, max: 5 }), fc.infiniteStream(fc.boolean()), async (steps, every, coin) => {
        const versions = await replayAndCut(steps, every);
        const ids = new Set(versions.slice(0, -1).filter(() => coin.next().value).map((v) => v.id));
        await expectEachOpens(await remove(versions, ids), every);
      }),
      { numRuns: 150 },
    );
  });

  it('removing in several rounds equals removing at once', async () => {
    await fc.assert(
      fc.asyncProperty(session, fc.infiniteStream(fc.integer({ min: 0, max: 2 })), async (steps, round) => {
        const versions = await replayAndCut(steps, 4);
        const rounds = versions.slice(0, -1).map((v) => [v.id, round.next().value] as const);
        let left = versions;
        for (const r of [1, 2]) left = await remove(left, new Set(rounds.filter(([, n]) => n === r).map(([id]) => id)));
        await expectEachOpens(left, 4);
        expect(left.map((v) => v.id)).toEqual(versions.filter((v) => !rounds.some(([id, n]) => id === v.id && n > 0)).map((v) => v.id));
      }),
      { numRuns: 100 },
    );
  });
});

describe('cutVersion', () => {
  it('keeps the union when cut from a copy behind the previous version, and sees no change in an older copy', () => {
    const ahead = new Y.Doc();
    ahead.getText('text').insert(0, 'hello world');
    const behind = docFrom(Y.encodeStateAsUpdate(ahead));
    ahead.getText('text').delete(0, 6);
    const first = cutVersion(ahead, null, true);

    expect(cutVersion(behind, first.head, false).changed).toBe(false);
    behind.getText('text').insert(0, '> ');
    const second = cutVersion(behind, first.head, true);
    expect(second.changed).toBe(true);
    // `behind` lacks the deletion: no whole state from it, and the delta on top of the first keeps it.
    expect(second.full).toBeNull();
    const merged = docFrom(Y.mergeUpdates([first.full!, second.delta]));
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(behind));
    expect(contentOf(merged)).toEqual(contentOf(ahead));
    expect(contentOf(merged).text).toBe('> world');
  });

  it('cuts a document with pending updates (missing dependencies) and opens it to what it shows', () => {
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'abc');
    const first = cutVersion(doc, null, true);
    doc.getText('text').delete(0, 1);
    const remote = docFrom(Y.encodeStateAsUpdate(doc));
    remote.getText('text').insert(0, 'x');
    const beforeY = Y.encodeStateVector(remote);
    remote.getText('text').insert(0, 'y');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, beforeY)); // 'y' without the 'x' it is placed by: pending
    expect(doc.store.pendingStructs).not.toBeNull();

    const second = cutVersion(doc, first.head, false);
    expect(contentOf(docFrom(Y.mergeUpdates([first.full!, second.delta])))).toEqual({ text: 'bc', map: {} });
  });

  it('stores a named version of an unchanged document as an empty delta', () => {
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'x'.repeat(10_000));
    const first = cutVersion(doc, null, true);
    const again = cutVersion(doc, first.head, false);
    expect(again.changed).toBe(false);
    expect(again.delta.byteLength).toBeLessThanOrEqual(2);
  });
});

describe('stored content', () => {
  it('round-trips through pack and reports what does not inflate as corrupt', async () => {
    const update = Y.encodeStateAsUpdate(docFrom(null));
    expect(await unpack(await pack(update))).toEqual(update);
    await expect(unpack(new Uint8Array([1, 2, 3, 4]))).rejects.toMatchObject({ code: 'corrupt' });
  });
});
