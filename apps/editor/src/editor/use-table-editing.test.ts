import { CONTENT_FIELD, documentExtensions } from '@collab/schema';
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { containsTable } from './use-table-editing';

const paragraph = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] });
const table = { type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [paragraph('cell')] }] }] };

function fragmentOf(...content: object[]): Y.XmlFragment {
  const fragment = new Y.Doc().getXmlFragment(CONTENT_FIELD);
  prosemirrorJSONToYXmlFragment(getSchema(documentExtensions), { type: 'doc', content }, fragment);
  return fragment;
}

describe('containsTable', () => {
  it('finds a table at the top level or nested in other blocks', () => {
    expect(containsTable(fragmentOf(paragraph('before'), table))).toBe(true);
    expect(containsTable(fragmentOf({ type: 'blockquote', content: [table] }))).toBe(true);
  });

  it('finds none in a document without one, empty or not', () => {
    expect(containsTable(fragmentOf(paragraph('only text'), { type: 'bulletList', content: [{ type: 'listItem', content: [paragraph('item')] }] }))).toBe(false);
    expect(containsTable(new Y.Doc().getXmlFragment(CONTENT_FIELD))).toBe(false);
  });
});
