import { CONTENT_FIELD } from '@collab/schema';
import { waitFor } from '@collab/test-services';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ExportBusyError, ExportFailedError, type ExportPool, UnexportableError, createExportPool } from './export-pool.js';

/** The state of a document of `paragraphs` paragraphs of text. */
function documentState(paragraphs: number, text = 'Some words in a paragraph.'): Uint8Array {
  const doc = new Y.Doc();
  const content = Array.from({ length: paragraphs }, () => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    return paragraph;
  });
  doc.getXmlFragment(CONTENT_FIELD).insert(0, content);
  return Y.encodeStateAsUpdate(doc);
}

const request = (state: Uint8Array, format: 'html' | 'markdown' | 'text' | 'json' = 'html') => ({
  state,
  format,
  imageBase: 'https://x.test/files/',
  loadImages: async () => [],
});

describe('the export pool', () => {
  let pool: ExportPool;
  afterEach(() => pool.close());

  it('renders in a worker thread and reuses it for the next export', async () => {
    pool = createExportPool({ size: 1 });
    const first = await pool.render(request(documentState(3), 'text'));
    expect(first).toMatchObject({ contentType: 'text/plain; charset=utf-8', fileExtension: 'txt' });
    expect(first.body.split('\n\n')).toHaveLength(3);
    const second = await pool.render(request(documentState(1), 'html'));
    expect(second.body).toContain('<p>Some words in a paragraph.</p>');
  }, 60_000);

  it('refuses an export past its size while the others render', async () => {
    pool = createExportPool({ size: 1 });
    const state = documentState(2_000);
    const running = pool.render(request(state));
    await expect(pool.render(request(state))).rejects.toBeInstanceOf(ExportBusyError);
    await expect(running).resolves.toMatchObject({ fileExtension: 'html' });
  }, 60_000);

  it('ends only the worker when a document is too big for its heap, and renders the next one', async () => {
    pool = createExportPool({ size: 1, heapMb: 128 });
    const huge = documentState(40_000, 'x'.repeat(200));
    await expect(pool.render(request(huge))).rejects.toMatchObject({ constructor: ExportFailedError, status: 413 });
    await expect(pool.render(request(documentState(1), 'markdown'))).resolves.toMatchObject({ body: 'Some words in a paragraph.\n' });
  }, 120_000);

  it('stops a worker that rendered a large document at once, and an idle one after a while', async () => {
    const small = documentState(1);
    pool = createExportPool({ size: 1, retireAfterBytes: small.byteLength + 1, idleMs: 100 });
    await pool.render(request(documentState(50)));
    expect(pool.workers).toBe(0);
    await pool.render(request(small));
    expect(pool.workers).toBe(1);
    await waitFor('the idle worker to stop', () => pool.workers === 0);
  }, 60_000);

  it('reports content the schema cannot represent', async () => {
    pool = createExportPool({ size: 1 });
    const doc = new Y.Doc();
    doc.getXmlFragment(CONTENT_FIELD).insert(0, [new Y.XmlText('text straight in the fragment')]);
    await expect(pool.render(request(Y.encodeStateAsUpdate(doc), 'json'))).rejects.toBeInstanceOf(UnexportableError);
  }, 60_000);
});
