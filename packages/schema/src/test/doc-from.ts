import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { documentExtensions } from '../extensions.js';
import { CONTENT_FIELD, META_MAP, TITLE_KEY } from '../y-doc-layout.js';

/** A Y.Doc laid out like the editor's, holding this ProseMirror JSON (and title). */
export function docFrom(json: object, title?: string): Y.Doc {
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(getSchema(documentExtensions), json, doc.getXmlFragment(CONTENT_FIELD));
  if (title !== undefined) doc.getMap(META_MAP).set(TITLE_KEY, title);
  return doc;
}

export const text = (value: string, marks?: object[]) => (marks ? { type: 'text', text: value, marks } : { type: 'text', text: value });
export const paragraph = (...content: object[]) => ({ type: 'paragraph', content });
