/**
 * A worker thread that renders exports (`export-pool.ts` starts it): TipTap, ProseMirror and happy-dom run
 * here, with a heap of their own, so that rendering a big document neither stalls the event loop every
 * document shares nor grows its heap.
 *
 * One request at a time: `render` with the document's state; for HTML with images, the worker asks for
 * their data (`images`), which the main thread reads from the file store, and renders once it has them.
 */
import { parentPort } from 'node:worker_threads';
import { type ExportFormat, type ImageSources, UnexportableContentError, exportDocument, imageFiles, readTitle } from '@collab/schema';
import * as Y from 'yjs';
import type { FromWorker, ToWorker } from './export-messages.js';

const port = parentPort!;
/** The document of the request waiting for its images. */
let waiting: { doc: Y.Doc; format: ExportFormat } | null = null;

port.on('message', (message: ToWorker) => {
  try {
    if (message.kind === 'render') return start(message.state, message.format, message.imageBase);
    const { doc, format } = waiting!;
    waiting = null;
    const images = new Map(message.images);
    finish(doc, format, { src: (sha) => images.get(sha) });
  } catch (err) {
    reply({ kind: 'failed', message: (err as Error).message });
  }
});

function start(state: Uint8Array, format: ExportFormat, imageBase: string): void {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  if (format === 'html') {
    const shas = imageFiles(doc);
    if (shas.length > 0) {
      waiting = { doc, format };
      return reply({ kind: 'images', shas });
    }
  }
  finish(doc, format, format === 'markdown' ? { src: (sha) => `${imageBase}${sha}` } : undefined);
}

function finish(doc: Y.Doc, format: ExportFormat, images: ImageSources | undefined): void {
  try {
    reply({ kind: 'done', ...exportDocument(doc, format, images), title: readTitle(doc) });
  } catch (err) {
    if (!(err instanceof UnexportableContentError)) throw err;
    reply({ kind: 'unexportable', message: err.message });
  } finally {
    doc.destroy();
  }
}

function reply(message: FromWorker): void {
  port.postMessage(message);
}
