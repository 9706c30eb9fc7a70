import { getSchema, getText, getTextSerializersFromSchema, type Extensions } from '@tiptap/core';
// The package root resolves to happy-dom's server renderer under Node (the `node` export condition) and to a
// DOM-based one in browsers, so importing this module from the editor never pulls happy-dom into a bundle.
import { generateHTML } from '@tiptap/html';
import { MarkdownManager } from '@tiptap/markdown';
import type { JSONContent } from '@tiptap/core';
import type { Node as ProseMirrorNode, Schema } from '@tiptap/pm/model';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import type { ExportFormat } from './export-formats.js';
import { documentExtensions } from './extensions.js';
import { ExportImageNode, FILE_SHA, ImageNode } from './image-node.js';
import { markdownExtensions } from './markdown-safety.js';
import { CONTENT_FIELD, readTitle } from './y-doc-layout.js';


export interface ExportedDocument {
  body: string;
  contentType: string;
  /** Suggested file extension, without the dot. */
  fileExtension: string;
}


/** Where the export finds an image's file: a data: URI (HTML) or an absolute URL (Markdown); undefined if missing. */
export interface ImageSources {
  src(sha: string): string | undefined;
}

// Built on first use, not at import: the editor imports this package for its extension list only.
let renderers: { schema: Schema; markdown: MarkdownManager; html: Extensions } | undefined;
function getRenderers() {
  renderers ??= {
    schema: getSchema(documentExtensions),
    // Link targets and code fences come from content any Yjs client can write: see markdown-safety.ts.
    markdown: new MarkdownManager({ extensions: markdownExtensions() }),
    // HTML goes through the schema, which would drop the `src` the export adds: its image node renders one.
    html: documentExtensions.map((extension) => (extension === ImageNode ? ExportImageNode : extension)),
  };
  return renderers;
}

/**
 * The document holds content the editor's schema cannot represent at all (text straight in the fragment, say),
 * which only a Yjs client other than the editor can write.
 */
export class UnexportableContentError extends Error {
  override readonly name = 'UnexportableContentError';
}

/**
 * Renders the document's content (the `default` fragment) in one format. Pure: reads the Y.Doc, changes nothing.
 * JSON is ProseMirror JSON (what TipTap's setContent accepts); HTML is a standalone page titled with the
 * document's title; text separates blocks with blank lines. Images: JSON keeps their file hashes, HTML and
 * Markdown take their `src` from `images` (HTML embeds data: URIs, Markdown links), text shows their alt text.
 */
export function exportDocument(doc: Y.Doc, format: ExportFormat, images?: ImageSources): ExportedDocument {
  const { schema, markdown, html } = getRenderers();
  const root = toProseMirror(doc, schema);
  const json = root.toJSON() as JSONContent;
  switch (format) {
    case 'json':
      return { body: JSON.stringify(json, null, 2), contentType: 'application/json; charset=utf-8', fileExtension: 'json' };
    case 'html':
      return {
        body: htmlPage(readTitle(doc), generateHTML(withImageSources(json, images), html)),
        contentType: 'text/html; charset=utf-8',
        fileExtension: 'html',
      };
    case 'markdown':
      return {
        body: withFinalNewline(markdown.serialize(withImageSources(json, images))),
        contentType: 'text/markdown; charset=utf-8',
        fileExtension: 'md',
      };
    case 'text':
      return { body: withFinalNewline(plainText(root, schema)), contentType: 'text/plain; charset=utf-8', fileExtension: 'txt' };
  }
}

/** The distinct file hashes of the document's images, for the export to fetch before it renders. */
export function imageFiles(doc: Y.Doc): string[] {
  const shas = new Set<string>();
  const walker = doc.getXmlFragment(CONTENT_FIELD).createTreeWalker((type) => type instanceof Y.XmlElement && type.nodeName === ImageNode.name);
  for (const element of walker) {
    const sha = (element as Y.XmlElement).getAttribute('sha');
    if (typeof sha === 'string' && FILE_SHA.test(sha)) shas.add(sha);
  }
  return [...shas];
}

/** A copy of the content whose images carry the `src` the export renders. */
function withImageSources(node: JSONContent, images: ImageSources | undefined): JSONContent {
  if (node.type === ImageNode.name) {
    const sha = node.attrs?.sha as string | undefined;
    return { ...node, attrs: { ...node.attrs, src: (sha && images?.src(sha)) ?? null } };
  }
  return node.content ? { ...node, content: node.content.map((child) => withImageSources(child, images)) } : node;
}

/**
 * The content as a ProseMirror node, read from a copy: y-tiptap deletes from the Y.Doc it reads whatever the
 * schema cannot hold (as the editor does when it renders), and reading the server's live document that way
 * would change it behind the clients' and the store's back. Elements of unknown types are left out of the
 * export; content that breaks the conversion altogether is an UnexportableContentError.
 */
function toProseMirror(doc: Y.Doc, schema: Schema): ProseMirrorNode {
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    return yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(CONTENT_FIELD), schema);
  } catch (err) {
    throw new UnexportableContentError('the document holds content the editor cannot represent', { cause: err });
  } finally {
    copy.destroy();
  }
}

/**
 * Each non-empty textblock (paragraph, heading, list item's paragraph, code block) and each image's alt text on
 * its own, separated by a blank line; a table as one block, a line per row with its cells separated by tabs (as
 * spreadsheets paste them). getText's blockSeparator is not used because it also fires between nested containers (list, item,
 * paragraph), which would stack up several blank lines.
 */
function plainText(root: ProseMirrorNode, schema: Schema): string {
  const textSerializers = getTextSerializersFromSchema(schema);
  const blocksOf = (parent: ProseMirrorNode): string[] => {
    const blocks: string[] = [];
    parent.descendants((node) => {
      if (node.type.name === ImageNode.name) {
        if (node.attrs.alt) blocks.push(String(node.attrs.alt));
        return false;
      }
      if (node.type.name === 'table') {
        const rows: string[] = [];
        node.forEach((row) => rows.push(cellsOf(row).join('\t')));
        blocks.push(rows.join('\n'));
        return false;
      }
      if (!node.isTextblock) return true;
      const text = getText(node, { textSerializers });
      if (text !== '') blocks.push(text);
      return false;
    });
    return blocks;
  };
  const cellsOf = (row: ProseMirrorNode): string[] => {
    const cells: string[] = [];
    row.forEach((cell) => cells.push(blocksOf(cell).join(' ')));
    return cells;
  };
  return blocksOf(root).join('\n\n');
}

function htmlPage(title: string, bodyHtml: string): string {
  return [
    '<!doctype html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title || 'Untitled')}</title>`,
    '</head>',
    `<body>${bodyHtml}</body>`,
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function withFinalNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
