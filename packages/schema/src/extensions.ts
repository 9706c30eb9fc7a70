import type { Extensions, JSONContent, MarkdownRendererHelpers } from '@tiptap/core';
import { Highlight } from '@tiptap/extension-highlight';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { TableCell } from '@tiptap/extension-table/cell';
import { TableHeader } from '@tiptap/extension-table/header';
import { TableRow } from '@tiptap/extension-table/row';
import { Table, renderTableToMarkdown } from '@tiptap/extension-table/table';
import { TextAlign } from '@tiptap/extension-text-align';
import { Underline } from '@tiptap/extension-underline';
import { StarterKit } from '@tiptap/starter-kit';
import { ImageNode } from './image-node.js';
import { TableShape } from './table-shape.js';

/**
 * GitHub-flavoured Markdown has no underline and no highlight: TipTap's own `++…++` and `==…==` would show as
 * literal signs there, so the export keeps the text and drops the formatting.
 */
const textOnlyInMarkdown = {
  renderMarkdown: (node: JSONContent, helpers: MarkdownRendererHelpers) => helpers.renderChildren(node),
};

/** Every extension of a document but the table node itself (its rows and cells are here). */
const allButTable: Extensions = [
  StarterKit.configure({
    // Undo/redo comes from the Collaboration extension (Yjs UndoManager), which only undoes local changes.
    undoRedo: false,
    // The trailing-node plugin appends a paragraph on every client at once: concurrent editors (and read-only
    // viewers, whose writes the server drops) would each add their own.
    trailingNode: false,
    link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
    underline: false,
  }),
  Underline.extend(textOnlyInMarkdown),
  Highlight.extend(textOnlyInMarkdown),
  TextAlign.configure({ types: ['heading', 'paragraph'] }),
  TaskList,
  TaskItem.configure({ nested: true }),
  ImageNode,
  TableRow,
  TableHeader,
  TableCell,
];

/**
 * The list with TipTap's Table, whose Markdown escapes `|` inside cells: GitHub-flavoured Markdown reads an
 * unescaped one as a cell border, also inside code spans.
 */
function withTable(extensions: Extensions): Extensions {
  const table = Table.extend({
    renderMarkdown: (node, helpers) =>
      renderTableToMarkdown(node, {
        ...helpers,
        renderChildren: (nodes, separator) => helpers.renderChildren(nodes, separator).replace(/\|/g, '\\|'),
      }),
  });
  return [...extensions, table];
}

/**
 * The extensions that shape a document: its nodes, marks and their HTML/Markdown forms. The editor adds the
 * browser-only ones (Collaboration, CollaborationCaret, Placeholder) on top; the server's export uses this list
 * alone, so both always agree on the schema. Marked pure so that a bundle which only uses
 * lightDocumentExtensions (the editor's) leaves the table editing code out.
 */
export const documentExtensions: Extensions = /* @__PURE__ */ withTable(allButTable);

/**
 * The same schema with tables as a shape only (TableShape): what the editor starts with, so that a document
 * without tables never loads the table editing code.
 */
export const lightDocumentExtensions: Extensions = [...allButTable, TableShape];
