import { Node } from '@tiptap/core';

/**
 * The `table` node as a shape only: TipTap's Table has the same name, content and (no) attributes, plus the
 * table editing code (prosemirror-tables: cell selection, Tab between cells, column resizing, commands).
 * Every editor must know the table node, because y-prosemirror deletes from the shared document whatever its
 * schema cannot hold; with this shape an editor shows and keeps tables (their cells are edited like any text)
 * without loading that code, and swaps in the Table extension once a document has a table (documentExtensionsWith).
 */
export const TableShape = Node.create({
  name: 'table',
  group: 'block',
  content: 'tableRow+',
  isolating: true,
  parseHTML: () => [{ tag: 'table' }],
  renderHTML: ({ HTMLAttributes }) => ['table', HTMLAttributes, ['tbody', 0]],
});
