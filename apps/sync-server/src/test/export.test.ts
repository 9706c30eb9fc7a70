import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { imageBytes, sha256 } from './file-bytes.js';
import { type CreatedDoc, type TestServer, connectClient, startTestServer, waitFor, waitForSync } from './helpers.js';

/** Writes "# Plan / Ship **it**" the way TipTap's Collaboration extension lays it out in the Y.Doc. */
function writeContent(doc: Y.Doc) {
  doc.transact(() => {
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', 1 as unknown as string);
    heading.insert(0, [new Y.XmlText('Plan')]);
    const text = new Y.XmlText();
    text.insert(0, 'Ship ');
    text.insert(5, 'it', { bold: {} });
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [text]);
    doc.getXmlFragment('default').insert(0, [heading, paragraph]);
    doc.getMap('meta').set('title', 'Launch plan');
  });
}

describe('GET /api/docs/:id/export', () => {
  let t: TestServer;
  let doc: CreatedDoc;
  const get = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${t.server.url}/api/docs/${doc.id}/export${query}`, { headers });

  beforeAll(async () => {
    t = await startTestServer();
    doc = await t.createDoc();
    const writer = connectClient(t.collabUrl, doc.id, doc.editToken);
    await waitForSync(writer);
    writeContent(writer.doc);
    const witness = connectClient(t.collabUrl, doc.id, doc.viewToken);
    await waitFor('the content to be stored', () => witness.doc.getXmlFragment('default').length === 2);
    writer.destroy();
    witness.destroy();
  });
  afterAll(() => t.cleanup());

  it('renders markdown, html, text and json with the editor’s schema', async () => {
    const markdown = await get(`?format=markdown&token=${doc.viewToken}`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(markdown.headers.get('content-disposition')).toBe('attachment; filename="Launch plan.md"');
    expect(await markdown.text()).toMatch(/^# Plan\n\nShip \*\*it\*\*\n$/);

    const html = await (await get(`?format=html&token=${doc.viewToken}`)).text();
    expect(html).toContain('<h1>Plan</h1>');
    expect(html).toContain('<strong>it</strong>');
    expect(await (await get(`?format=text&token=${doc.editToken}`)).text()).toBe('Plan\n\nShip it\n');
    const json = (await (await get('?format=json', { Authorization: `Bearer ${doc.editToken}` })).json()) as {
      type: string;
      content: Array<{ type: string }>;
    };
    expect(json.type).toBe('doc');
    expect(json.content.map((node) => node.type)).toEqual(['heading', 'paragraph']);
  });

  it('reads a document nobody has open straight from the store', async () => {
    await waitFor('the room to unload', () => t.server.roomsLoaded() === 0);
    expect(await (await get(`?format=text&token=${doc.viewToken}`)).text()).toBe('Plan\n\nShip it\n');
  });

  it('leaves the live document as it is when its content does not fit the schema, and refuses what cannot be read', async () => {
    const odd = await t.createDoc();
    const writer = connectClient(t.collabUrl, odd.id, odd.editToken);
    await waitForSync(writer);
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('kept')]);
    writer.doc.getXmlFragment('default').insert(0, [new Y.XmlElement('blink'), paragraph]);
    const exportOdd = (format: string) => fetch(`${t.server.url}/api/docs/${odd.id}/export?format=${format}&token=${odd.viewToken}`);
    await waitFor('the content to be stored', async () => (await (await exportOdd('text')).text()) === 'kept\n');
    // The export read a copy: the room's document, and so every client's, still holds the unknown element.
    const fresh = connectClient(t.collabUrl, odd.id, odd.viewToken);
    await waitForSync(fresh);
    expect(fresh.doc.getXmlFragment('default').length).toBe(2);
    fresh.destroy();

    writer.doc.getXmlFragment('default').insert(0, [new Y.XmlText('text straight in the fragment')]);
    await waitFor('the text to be stored', async () => (await exportOdd('json')).status === 422);
    expect(await (await exportOdd('markdown')).json()).toEqual({ error: 'the document holds content the editor cannot represent' });
    writer.destroy();
  });

  it('refuses missing and foreign tokens and unknown formats with JSON errors', async () => {
    const other = await t.createDoc();
    const cases: Array<[string, number]> = [
      ['?format=text', 401],
      ['?format=text&token=nonsense', 401],
      [`?format=text&token=${other.editToken}`, 403],
      [`?format=docx&token=${doc.viewToken}`, 400],
    ];
    for (const [query, status] of cases) {
      const res = await get(query);
      expect(res.status, query).toBe(status);
      expect(await res.json(), query).toMatchObject({ error: expect.any(String) });
    }
    const badId = await fetch(`${t.server.url}/api/docs/bad.id/export?token=${doc.viewToken}`);
    expect(badId.status).toBe(400);
  });
});

describe('export of a document with images', () => {
  it('embeds the files as data: URIs in HTML, links them by absolute URL in Markdown, and gives alt text in text', async () => {
    const t = await startTestServer({ PUBLIC_URL: 'https://docs.example.org' });
    try {
      const doc = await t.createDoc();
      const bytes = imageBytes('image/png', 2_000);
      const uploaded = await fetch(`${t.server.url}/api/docs/${doc.id}/files`, {
        method: 'POST',
        body: bytes,
        headers: { authorization: `Bearer ${doc.editToken}` },
      });
      expect(uploaded.status).toBe(201);
      const sha = sha256(bytes);

      const writer = connectClient(t.collabUrl, doc.id, doc.editToken);
      await waitForSync(writer);
      writer.doc.transact(() => {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText('Results')]);
        const image = new Y.XmlElement('image');
        image.setAttribute('sha', sha);
        image.setAttribute('alt', 'Sales chart');
        image.setAttribute('width', 320 as unknown as string);
        image.setAttribute('height', 200 as unknown as string);
        writer.doc.getXmlFragment('default').insert(0, [paragraph, image]);
      });
      const exported = (format: string) =>
        fetch(`${t.server.url}/api/docs/${doc.id}/export?format=${format}`, { headers: { authorization: `Bearer ${doc.viewToken}` } }).then((r) => r.text());
      await waitFor('the image to be stored', async () => (await exported('text')) === 'Results\n\nSales chart\n');
      writer.destroy();

      expect(await exported('html')).toContain(`src="data:image/png;base64,${bytes.toString('base64')}"`);
      expect(await exported('markdown')).toContain(`![Sales chart](https://docs.example.org/api/docs/${doc.id}/files/${sha})`);
      expect(JSON.parse(await exported('json')).content[1]).toEqual({ type: 'image', attrs: { sha, alt: 'Sales chart', width: 320, height: 200 } });
    } finally {
      await t.cleanup();
    }
  });
});
