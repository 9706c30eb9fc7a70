import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type CreatedDoc,
  type TestClient,
  type TestServer,
  connectClient,
  startTestServer,
  untilUpdated,
  waitFor,
  waitForSync,
} from './helpers.js';
import { ManualClock } from './manual-clock.js';

const INTERVAL_S = 300;
const HOUR_MS = 3_600_000;

interface ListedVersion {
  id: string;
  createdAt: string;
  name: string | null;
  kind: string;
  authors: Array<{ name: string; color: string }>;
}

/** Replaces the document's content with one paragraph per line, as the editor lays it out. */
function writeParagraphs(doc: Y.Doc, ...lines: string[]): void {
  doc.transact(() => {
    const fragment = doc.getXmlFragment('default');
    fragment.delete(0, fragment.length);
    fragment.insert(
      0,
      lines.map((line) => {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText(line)]);
        return paragraph;
      }),
    );
  });
}

const contentOf = (client: TestClient) => client.doc.getXmlFragment('default').toString();

describe('version history', { timeout: 30_000 }, () => {
  let t: TestServer;
  let clock: ManualClock;
  const cleanups: Array<() => unknown> = [];

  async function setup(): Promise<CreatedDoc> {
    clock = new ManualClock();
    t = await startTestServer({ HISTORY_INTERVAL_S: String(INTERVAL_S) }, { historyClock: clock });
    cleanups.push(() => t.cleanup());
    return t.createDoc();
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function writer(doc: CreatedDoc, user?: { name: string; color: string }, token = doc.editToken): Promise<TestClient> {
    const client = connectClient(t.collabUrl, doc.id, token);
    if (user) client.provider.awareness.setLocalStateField('user', user);
    cleanups.push(() => client.destroy());
    await waitForSync(client);
    return client;
  }

  const api = (doc: CreatedDoc, path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${t.server.url}/api/docs/${doc.id}/versions${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${init.token ?? doc.editToken}`, 'Content-Type': 'application/json' },
    });

  async function list(doc: CreatedDoc): Promise<ListedVersion[]> {
    const res = await api(doc, '');
    expect(res.status).toBe(200);
    return (await res.json()) as ListedVersion[];
  }

  const untilVersions = (doc: CreatedDoc, count: number) =>
    waitFor(`${count} versions`, async () => (await list(doc)).length === count);

  /** An interval's timer: it starts once a round stored a write (the event that shows the write was stored). */
  const intervalsRunning = () => clock.dueWithin(INTERVAL_S * 1000);
  const untilIntervalStarted = () => waitFor('the interval to start', () => intervalsRunning() > 0);

  it('cuts one version per interval of editing, naming the authors from presence, and none while idle', async () => {
    const doc = await setup();
    const ada = await writer(doc, { name: 'Ada', color: '#ff0000' });
    writeParagraphs(ada.doc, 'first');
    await untilIntervalStarted();
    clock.advance(INTERVAL_S * 1000 - 1);
    expect(intervalsRunning()).toBe(1);
    clock.advance(1);
    await untilVersions(doc, 1);
    const [first] = await list(doc);
    expect(first).toMatchObject({ kind: 'auto', name: null, authors: [{ name: 'Ada', color: '#ff0000' }] });
    expect(await (await api(doc, `/${first!.id}?format=text`)).text()).toBe('first\n');

    // Idle: no write stored, so no interval runs and nothing can be cut.
    expect(intervalsRunning()).toBe(0);
    writeParagraphs(ada.doc, 'second');
    await untilIntervalStarted();
    clock.advance(INTERVAL_S * 1000);
    await untilVersions(doc, 2);
    const [second] = await list(doc);
    expect(Number(second!.id)).toBeGreaterThan(Number(first!.id));
    expect(Date.parse(second!.createdAt) - Date.parse(first!.createdAt)).toBe(INTERVAL_S * 1000);
  });

  it('cuts a version when the last writer leaves, with every writer as author, and none on unload after it', async () => {
    const doc = await setup();
    const ada = await writer(doc, { name: 'Ada', color: '#ff0000' });
    const bob = await writer(doc, { name: 'Bob', color: '#00ff00' });
    writeParagraphs(ada.doc, 'from ada');
    await untilUpdated(bob, 'ada’s text', () => contentOf(bob).includes('from ada'));
    writeParagraphs(bob.doc, 'from ada', 'from bob');
    await untilUpdated(ada, 'bob’s text', () => contentOf(ada).includes('from bob'));
    ada.destroy();
    bob.destroy();
    await untilVersions(doc, 1);
    const [left] = await list(doc);
    expect(left!.authors.map((a) => a.name).sort()).toEqual(['Ada', 'Bob']);
    expect(await (await api(doc, `/${left!.id}?format=text`)).text()).toBe('from ada\n\nfrom bob\n');
    // The document unloads (a restart unloads everything): it did not change since, so no version.
    await waitFor('the room to unload', () => t.server.roomsLoaded() === 0);
    await t.restart();
    expect(await list(doc)).toHaveLength(1);
  });

  it('cuts a version when the document unloads while its writer is still connected', async () => {
    const doc = await setup();
    const ada = await writer(doc, { name: 'Ada', color: '#ff0000' });
    writeParagraphs(ada.doc, 'unsaved');
    await untilIntervalStarted();
    await t.restart();
    expect((await list(doc)).map((v) => v.kind)).toEqual(['auto']);
  });

  it('thins old automatic versions on a schedule of the clock and keeps named ones', async () => {
    const doc = await setup();
    const ada = await writer(doc, { name: 'Ada', color: '#ff0000' });
    for (let i = 1; i <= 4; i++) {
      writeParagraphs(ada.doc, `draft ${i}`);
      await untilIntervalStarted();
      clock.advance(INTERVAL_S * 1000);
      await untilVersions(doc, i);
    }
    const named = await api(doc, '', { method: 'POST', body: JSON.stringify({ name: 'Keep me' }) });
    expect(named.status).toBe(201);
    // Two days on: the first five versions fall within one hour, of which thinning keeps one.
    clock.advance(48 * HOUR_MS);
    writeParagraphs(ada.doc, 'much later');
    await untilIntervalStarted();
    clock.advance(INTERVAL_S * 1000);
    await waitFor('thinning', async () => (await list(doc)).length === 3);
    const kept = await list(doc);
    expect(kept.map((v) => v.name)).toEqual([null, 'Keep me', null]);
    expect(kept[2]!.kind).toBe('auto');
  });

  it('names, renames and shows versions through the API, for edit tokens only', async () => {
    const doc = await setup();
    const ada = await writer(doc);
    ada.doc.getMap('meta').set('title', 'Plan');
    writeParagraphs(ada.doc, 'hello');
    await untilIntervalStarted();

    const created = await api(doc, '', { method: 'POST', body: JSON.stringify({ name: 'First draft' }) });
    expect(created.status).toBe(201);
    const version = (await created.json()) as ListedVersion;
    expect(version).toMatchObject({ name: 'First draft', kind: 'named', authors: [] });
    expect(await list(doc)).toEqual([version]);

    const markdown = await api(doc, `/${version.id}?format=markdown`);
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(await markdown.text()).toBe('hello\n');
    expect(await (await api(doc, `/${version.id}?format=html`)).text()).toContain('<p>hello</p>');
    expect(((await (await api(doc, `/${version.id}`)).json()) as { type: string }).type).toBe('doc');

    const renamed = await api(doc, `/${version.id}`, { method: 'PATCH', body: JSON.stringify({ name: 'Final' }) });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as ListedVersion).name).toBe('Final');
    expect((await list(doc))[0]!.name).toBe('Final');

    const refusals: Array<[Promise<Response>, number, RegExp]> = [
      [api(doc, '', { token: doc.viewToken }), 403, /view link/],
      [api(doc, `/${version.id}?format=text`, { token: doc.viewToken }), 403, /view link/],
      [api(doc, '', { method: 'POST', body: '{"name":"x"}', token: doc.viewToken }), 403, /view link/],
      [api(doc, `/${version.id}/restore`, { method: 'POST', token: doc.viewToken }), 403, /view link/],
      [api(doc, '', { token: 'not-a-token' }), 401, /token/],
      [api(doc, '/99999?format=text'), 404, /no such version/],
      [api(doc, '/99999', { method: 'PATCH', body: '{"name":"x"}' }), 404, /no such version/],
      [api(doc, '/99999/restore', { method: 'POST' }), 404, /no such version/],
      [api(doc, `/${version.id}?format=pdf`), 400, /format/],
      [api(doc, '', { method: 'POST', body: '{"name":""}' }), 400, /name/],
      [api(doc, '', { method: 'POST', body: 'not json' }), 400, /JSON/],
      [api(doc, `/${version.id}`, { method: 'PATCH', body: '{"title":"x"}' }), 400, /.+/],
    ];
    for (const [pending, status, error] of refusals) {
      const res = await pending;
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    }
    expect(await list(doc)).toHaveLength(1);
    // The owner's token is an editor's too.
    expect((await api(doc, '', { token: doc.ownerToken })).status).toBe(200);
  });

  it('restores a version as a new change that connected stock clients receive, keeping the state before it', async () => {
    const doc = await setup();
    const ada = await writer(doc, { name: 'Ada', color: '#ff0000' });
    const bob = await writer(doc, { name: 'Bob', color: '#00ff00' });
    writeParagraphs(ada.doc, 'precious words', 'and more');
    await untilUpdated(bob, 'ada’s text', () => contentOf(bob).includes('and more'));
    const named = (await (await api(doc, '', { method: 'POST', body: '{"name":"good"}' })).json()) as ListedVersion;

    writeParagraphs(bob.doc, 'vandalised');
    await untilUpdated(ada, 'the vandalism', () => contentOf(ada) === '<paragraph>vandalised</paragraph>');

    const res = await api(doc, `/${named.id}/restore`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { saved } = (await res.json()) as { saved: ListedVersion };
    expect(saved).toMatchObject({ kind: 'restore', authors: [{ name: 'Bob', color: '#00ff00' }] });
    const restored = '<paragraph>precious words</paragraph><paragraph>and more</paragraph>';
    await untilUpdated(ada, 'the restore', () => contentOf(ada) === restored);
    await untilUpdated(bob, 'the restore', () => contentOf(bob) === restored);
    expect(await (await api(doc, `/${saved.id}?format=text`)).text()).toBe('vandalised\n');
    expect((await list(doc)).map((v) => v.kind)).toEqual(['restore', 'named']);

    // The restore is an ordinary change: it is stored, and a client that joins afterwards gets it.
    await t.restart();
    const late = await writer(doc);
    expect(contentOf(late)).toBe(restored);
  });
});
