import { Node } from '@tiptap/core';

/** A file's id in the document: the lowercase hex SHA-256 of its bytes (the server's file store names it so). */
export const FILE_SHA = /^[0-9a-f]{64}$/;

const positiveInteger = (value: string | null) => {
  const number = Number(value);
  return value !== null && Number.isInteger(number) && number > 0 ? number : null;
};

/**
 * An uploaded image. The document holds only the file's SHA-256, its pixel size and its alt text: never the
 * bytes and never a URL (a data: URI in a Yjs document makes it huge for everyone; a URL would carry a host
 * and a document id). The file is `GET /api/docs/:id/files/:sha` of whichever document shows it. The editor
 * renders it through its own node view; the HTML here is the export's and the clipboard's.
 *
 * The same node as TipTap's Image extension (name, block group, HTML and Markdown forms), written out because
 * that extension's resizable node view, which this node never uses, would add 11 kB to every document page.
 */
export const ImageNode = Node.create({
  name: 'image',
  group: 'block',
  atom: true,
  draggable: true,

  addAttributes() {
    return {
      sha: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-file-sha'),
        renderHTML: (attributes) => (attributes.sha ? { 'data-file-sha': attributes.sha } : {}),
      },
      alt: { default: null },
      width: { default: null, parseHTML: (element) => positiveInteger(element.getAttribute('width')) },
      height: { default: null, parseHTML: (element) => positiveInteger(element.getAttribute('height')) },
    };
  },

  renderHTML({ HTMLAttributes }) {
    return ['img', HTMLAttributes];
  },

  // Only images of our file store: a pasted <img src="https://…"> or data: image is not taken as is (the
  // editor uploads pasted image data itself and inserts the result).
  parseHTML() {
    return [{ tag: 'img[data-file-sha]', getAttrs: (element) => FILE_SHA.test(element.getAttribute('data-file-sha') ?? '') && null }];
  },

  // `src` is set on the export's copy of the content only (see export-document.ts).
  renderMarkdown: (node) => {
    const alt = String(node.attrs?.alt ?? '').replace(/[[\]\\]/g, '\\$&');
    return `![${alt}](${String(node.attrs?.src ?? '')})`;
  },
});

/** The export's variant: the same node with a `src` to render, which the export fills in from the file store. */
export const ExportImageNode = ImageNode.extend({
  addAttributes() {
    return { ...this.parent?.(), src: { default: null } };
  },
});
