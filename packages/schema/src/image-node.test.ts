import { generateJSON } from '@tiptap/html';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { CONTENT_FIELD, documentExtensions, exportDocument, imageFiles } from './index.js';

const SHA = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);
const image = (sha: string, alt: string | null, width = 640, height = 480) => ({ type: 'image', attrs: { sha, alt, width, height } });
const paragraph = (value: string) => ({ type: 'paragraph', content: [{ type: 'text', text: value }] });

function docFrom(json: object): Y.Doc {
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(getSchema(documentExtensions), json, doc.getXmlFragment(CONTENT_FIELD));
  return doc;
}

const withImages = docFrom({ type: 'doc', content: [paragraph('Before'), image(SHA, 'A [red] chart'), image(OTHER, null, 10, 20), image(SHA, 'again')] });

describe('the image node', () => {
  it('holds only the file hash, size and alt text: JSON export shows exactly those', () => {
    const json = JSON.parse(exportDocument(withImages, 'json').body);
    expect(json.content[1]).toEqual({ type: 'image', attrs: { sha: SHA, alt: 'A [red] chart', width: 640, height: 480 } });
  });

  it('lists the distinct files a document shows', () => {
    expect(imageFiles(withImages).sort()).toEqual([SHA, OTHER].sort());
    expect(imageFiles(new Y.Doc())).toEqual([]);
  });

  it('embeds images in HTML with the source the export gives, and leaves it out for a missing file', () => {
    const { body } = exportDocument(withImages, 'html', { src: (sha) => (sha === SHA ? 'data:image/png;base64,iVBORw0=' : undefined) });
    expect(body).toContain(`<img data-file-sha="${SHA}" alt="A [red] chart" width="640" height="480" src="data:image/png;base64,iVBORw0=">`);
    expect(body).toContain(`<img data-file-sha="${OTHER}" width="10" height="20">`);
  });

  it('links images in Markdown by the URL the export gives, with escaped alt text', () => {
    const { body } = exportDocument(withImages, 'markdown', { src: (sha) => `https://docs.example.org/api/docs/d/files/${sha}` });
    expect(body).toContain(`![A \\[red\\] chart](https://docs.example.org/api/docs/d/files/${SHA})`);
    expect(body).toContain(`![](https://docs.example.org/api/docs/d/files/${OTHER})`);
  });

  it('shows the alt text in plain text', () => {
    expect(exportDocument(withImages, 'text').body).toBe('Before\n\nA [red] chart\n\nagain\n');
  });

  it('parses our own images from HTML (the clipboard) and no other <img>, data: URIs included', () => {
    const html = `<img data-file-sha="${SHA}" alt="x" width="3" height="4"><img src="data:image/png;base64,iVBORw0="><img src="https://example.com/a.png"><img data-file-sha="nope">`;
    const json = generateJSON(html, documentExtensions);
    const images = (json.content ?? []).filter((node: { type: string }) => node.type === 'image');
    expect(images).toEqual([{ type: 'image', attrs: { sha: SHA, alt: 'x', width: 3, height: 4 } }]);
  });
});
