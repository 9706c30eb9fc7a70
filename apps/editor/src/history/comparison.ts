import * as Y from 'yjs';

/** Two states of a document in one Yjs document, for y-prosemirror to render the changes between them. */
export interface Comparison {
  doc: Y.Doc;
  before: Y.Snapshot;
  after: Y.Snapshot;
}

/**
 * Loads `before` (null: an empty document) and then `after` into one document that never collects garbage:
 * `before` carries the content of what `after` deleted (kept versions are collected states, which hold no
 * deleted content), so the text removed in between can still be shown, struck through. A snapshot (state
 * vector and delete set) is taken after each.
 */
export function compare(before: Uint8Array | null, after: Uint8Array): Comparison {
  const doc = new Y.Doc({ gc: false });
  if (before) Y.applyUpdate(doc, before);
  const beforeSnapshot = Y.snapshot(doc);
  Y.applyUpdate(doc, after);
  return { doc, before: beforeSnapshot, after: Y.snapshot(doc) };
}
