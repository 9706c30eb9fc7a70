import type { AnyExtension, Extensions, JSONContent, MarkdownRendererHelpers } from '@tiptap/core';
import { Blockquote } from '@tiptap/extension-blockquote';
import { Bold } from '@tiptap/extension-bold';
import { Code } from '@tiptap/extension-code';
import { CodeBlock } from '@tiptap/extension-code-block';
import { Document } from '@tiptap/extension-document';
import { HardBreak } from '@tiptap/extension-hard-break';
import { Heading } from '@tiptap/extension-heading';
import { Highlight } from '@tiptap/extension-highlight';
import { HorizontalRule } from '@tiptap/extension-horizontal-rule';
import { Italic } from '@tiptap/extension-italic';
import { Link } from '@tiptap/extension-link';
import { BulletList, ListItem, ListKeymap, OrderedList, TaskItem, TaskList } from '@tiptap/extension-list';
import { Paragraph } from '@tiptap/extension-paragraph';
import { Strike } from '@tiptap/extension-strike';
import { TableCell } from '@tiptap/extension-table/cell';
import { TableHeader } from '@tiptap/extension-table/header';
import { TableRow } from '@tiptap/extension-table/row';
import { Table, renderTableToMarkdown } from '@tiptap/extension-table/table';
import { Text } from '@tiptap/extension-text';
import { TextAlign } from '@tiptap/extension-text-align';
import { Underline } from '@tiptap/extension-underline';
// Each from its own module: the package's root module holds all its extensions, and bundles them all.
import { Dropcursor } from '@tiptap/extensions/drop-cursor';
import { Gapcursor } from '@tiptap/extensions/gap-cursor';
import { ImageNode } from './image-node.js';

/**
 * GitHub-flavoured Markdown has no underline and no highlight: TipTap's own `++…++` and `==…==` would show as
 * literal signs there, so the export keeps the text and drops the formatting.
 */
const textOnlyInMarkdown = {
  renderMarkdown: (node: JSONContent, helpers: MarkdownRendererHelpers) => helpers.renderChildren(node),
};

/**
 * Every extension of a document but the table node itself (its rows and cells are here). StarterKit's extensions
 * (in its order) but two, listed one by one because the kit bundles them all: its undo/redo (the Collaboration
 * extension brings Yjs undo, which only undoes local changes) and its trailing-node plugin (it appends a paragraph
 * on every client at once: concurrent editors, and read-only viewers whose writes the server drops, would each
 * add their own).
 */
const allButTable: Extensions = [
  Bold,
  Blockquote,
  BulletList,
  Code,
  CodeBlock,
  Document,
  Dropcursor,
  Gapcursor,
  HardBreak,
  Heading,
  HorizontalRule,
  Italic,
  ListItem,
  ListKeymap,
  Link.configure({ openOnClick: false, autolink: true, defaultProtocol: 'https' }),
  OrderedList,
  Paragraph,
  Strike,
  Text,
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
 * The extensions that shape a document, with `table` as its table node: TipTap's Table, or TableShape (the same
 * schema without the table editing code), which an editor shows tables with until it has loaded that code.
 */
export function documentExtensionsWith(table: AnyExtension): Extensions {
  return [...allButTable, table];
}

/**
 * TipTap's Table, whose Markdown escapes `|` inside cells: GitHub-flavoured Markdown reads an unescaped one as a
 * cell border, also inside code spans.
 */
function withGfmTable(): Extensions {
  const table = Table.extend({
    renderMarkdown: (node, helpers) =>
      renderTableToMarkdown(node, {
        ...helpers,
        renderChildren: (nodes, separator) => helpers.renderChildren(nodes, separator).replace(/\|/g, '\\|'),
      }),
  });
  return documentExtensionsWith(table);
}

/**
 * The extensions that shape a document: its nodes, marks and their HTML/Markdown forms. The editor adds the
 * browser-only ones (Collaboration, CollaborationCaret, Placeholder) on top; the server's export uses this list
 * alone, so both always agree on the schema. Marked pure so that a bundle that does not use it (the editor's)
 * leaves the table editing code out.
 */
export const documentExtensions: Extensions = /* @__PURE__ */ withGfmTable();
