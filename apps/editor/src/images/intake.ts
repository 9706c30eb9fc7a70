import type { Editor } from '@tiptap/core';
import type * as Y from 'yjs';
import type { ImageSession } from './image-session';
import { ImageRefused, type PreparedImage, dataUriBlob, prepareImage } from './prepare-image';
import { createUploadQueue } from './upload-queue';
import { deleteElement } from './y-images';

/** Adding images to the document: loaded on first use (see ImageSession.intake). */
export interface Intake {
  /** Inserts the images among `files` at `at` (or the selection), refusing the others with a message. */
  insertFiles(editor: Editor, files: File[], at?: number): Promise<void>;
  /** Pastes HTML whose data: images are uploaded and replaced by file hashes first. */
  pasteHtml(editor: Editor, html: string): Promise<void>;
  /** Uploads data: images another client put in the document and puts their hashes in their place. */
  replaceDataImages(elements: Y.XmlElement[]): Promise<void>;
  /** Uploads what an earlier visit left waiting in IndexedDB. */
  resumeUploads(): void;
}

export function createIntake(session: ImageSession): Intake {
  const queue = createUploadQueue(session);

  /** The prepared image, kept for upload; null (with the reason shown) when it cannot be added. */
  async function accept(blob: Blob, name: string): Promise<PreparedImage | null> {
    try {
      const image = await prepareImage(blob, name);
      await queue.add(image.sha, image.blob);
      return image;
    } catch (err) {
      if (!(err instanceof ImageRefused)) throw err;
      session.message.set(err.message);
      return null;
    }
  }

  return {
    async insertFiles(editor, files, at) {
      session.message.set(null);
      const images = (await Promise.all(files.map((file) => accept(file, `“${file.name || 'The image'}”`)))).filter((image) => image !== null);
      if (images.length === 0) return;
      const nodes = images.map(({ sha, width, height }) => ({ type: 'image', attrs: { sha, width, height, alt: null } }));
      editor.chain().focus().insertContentAt(at ?? editor.state.selection, nodes).run();
      queue.kick();
    },

    async pasteHtml(editor, html) {
      session.message.set(null);
      const page = new DOMParser().parseFromString(html, 'text/html');
      for (const img of page.querySelectorAll('img')) {
        const blob = img.src.startsWith('data:') ? dataUriBlob(img.src) : null;
        const image = blob && (await accept(blob, 'A pasted image'));
        if (!image) {
          if (blob) img.remove();
          continue;
        }
        const replacement = page.createElement('img');
        replacement.setAttribute('data-file-sha', image.sha);
        replacement.setAttribute('width', String(image.width));
        replacement.setAttribute('height', String(image.height));
        if (img.alt) replacement.setAttribute('alt', img.alt);
        img.replaceWith(replacement);
      }
      editor.view.pasteHTML(page.body.innerHTML);
      queue.kick();
    },

    async replaceDataImages(elements) {
      for (const element of elements) {
        const blob = dataUriBlob(String(element.getAttribute('src')));
        const image = blob && (await accept(blob, 'An image added by another program'));
        if (!element.doc) continue; // deleted meanwhile
        element.doc.transact(() => {
          element.removeAttribute('src');
          if (!image) return deleteElement(element);
          element.setAttribute('sha', image.sha);
          element.setAttribute('width', image.width as unknown as string);
          element.setAttribute('height', image.height as unknown as string);
        });
      }
      queue.kick();
    },

    resumeUploads: () => queue.kick(),
  };
}
