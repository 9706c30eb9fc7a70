import { documentExtensions } from '@collab/schema';
import { getSchema } from '@tiptap/core';
import { EditorState } from '@tiptap/pm/state';
import { tableEditing } from '@tiptap/pm/tables';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import { localTableFixesOnly } from './table-editing';

const schema = getSchema(documentExtensions);
const cell = (text: string) => ({ type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
const row = (...texts: string[]) => ({ type: 'tableRow', content: texts.map(cell) });
const doc = schema.nodeFromJSON({ type: 'doc', content: [{ type: 'table', content: [row('a', 'b'), row('c', 'd')] }] });

/** Adds a cell at the end of the first row only: the table's rows come apart. */
function unevenRows(state: EditorState) {
  // Inside the table (+1) and inside its first row, after the row's content (its size less the closing token).
  const endOfFirstRow = 1 + (doc.firstChild?.firstChild?.nodeSize ?? 0) - 1;
  return state.tr.insert(endOfFirstRow, schema.nodeFromJSON(cell('new')));
}

const rowLengths = (state: EditorState) => {
  const lengths: number[] = [];
  state.doc.firstChild?.forEach((tableRow) => lengths.push(tableRow.childCount));
  return lengths;
};

describe('localTableFixesOnly', () => {
  const state = EditorState.create({ doc, plugins: [tableEditing(), localTableFixesOnly()] });

  it("lets prosemirror-tables even out a table after this editor's own change", () => {
    const { state: after, transactions } = state.applyTransaction(unevenRows(state));
    expect(transactions).toHaveLength(2);
    expect(rowLengths(after)).toEqual([3, 3]);
  });

  it('leaves a table as a remote change made it, since every other editor would repair it too', () => {
    const remote = unevenRows(state).setMeta(ySyncPluginKey, { isChangeOrigin: true });
    const { state: after, transactions } = state.applyTransaction(remote);
    expect(transactions).toHaveLength(1);
    expect(rowLengths(after)).toEqual([3, 2]);

    // The next local change in the table repairs it, in this editor only.
    // Position 4: in the text of the first cell (table, row, cell and paragraph open before it).
    const local = after.tr.insertText('!', 4);
    expect(rowLengths(after.applyTransaction(local).state)).toEqual([3, 3]);
  });
});
