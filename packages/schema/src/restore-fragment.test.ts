import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeFragmentEqual } from './restore-fragment.js';

/** A node of a random document: an element with attributes and children, or a run of marked text. */
type Tree = { name: string; attrs: Record<string, string | number>; children: Tree[] } | { text: string; bold: boolean };

const text = fc.record({ text: fc.constantFrom('', 'a', 'ab', 'hello', 'x😀y', 'é'), bold: fc.boolean() });
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.record({
      name: fc.constantFrom('paragraph', 'heading', 'bulletList', 'listItem'),
      attrs: fc.dictionary(fc.constantFrom('level', 'textAlign'), fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom('left', 'center'))),
      children: fc.array(tie('node'), { maxLength: 3 }),
    }),
  ),
})).node;
const trees = fc.array(tree, { maxLength: 5 });

/** Writes `nodes` into `parent`, texts of one parent run into one Y.XmlText as y-prosemirror keeps them. */
function write(parent: Y.XmlFragment | Y.XmlElement, nodes: Tree[]): void {
  let pendingText: Y.XmlText | null = null;
  for (const node of nodes) {
    if ('text' in node) {
      if (!pendingText) {
        pendingText = new Y.XmlText();
        parent.push([pendingText]);
      }
      if (node.text) pendingText.insert(pendingText.length, node.text, node.bold ? { bold: true } : {});
      continue;
    }
    pendingText = null;
    const element = new Y.XmlElement(node.name);
    for (const [key, value] of Object.entries(node.attrs)) element.setAttribute(key, value as never);
    parent.push([element]);
    write(element, node.children);
  }
}

/** The content as plain data: what a client renders. */
function shape(parent: Y.XmlFragment | Y.XmlElement): unknown[] {
  return parent.toArray().map((child) => {
    if (child instanceof Y.XmlText) return child.toDelta();
    const element = child as Y.XmlElement;
    return { name: element.nodeName, attrs: element.getAttributes(), children: shape(element) };
  });
}

function docOf(nodes: Tree[]): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => write(doc.getXmlFragment('default'), nodes));
  return doc;
}

/** Restores `version` into `live` as the server does (one transaction), and returns the update it made. */
function restore(live: Y.Doc, version: Y.Doc): Uint8Array {
  const updates: Uint8Array[] = [];
  live.on('update', (update: Uint8Array) => updates.push(update));
  live.transact(() => makeFragmentEqual(live.getXmlFragment('default'), version.getXmlFragment('default')));
  return Y.mergeUpdates(updates);
}

// Hundreds of random documents each: the limit stops a hung run on a loaded machine, it measures nothing.
describe('makeFragmentEqual', { timeout: 60_000 }, () => {
  it('makes any document equal to any other, and a replica that receives the change agrees', () => {
    fc.assert(
      fc.property(trees, trees, (before, wanted) => {
        const live = docOf(before);
        const replica = new Y.Doc();
        Y.applyUpdate(replica, Y.encodeStateAsUpdate(live));
        const version = docOf(wanted);
        Y.applyUpdate(replica, restore(live, version));
        expect(shape(live.getXmlFragment('default'))).toEqual(shape(version.getXmlFragment('default')));
        expect(shape(replica.getXmlFragment('default'))).toEqual(shape(version.getXmlFragment('default')));
      }),
      { numRuns: 300 },
    );
  });

  it('brings back an earlier version of the same document, and an edit made meanwhile elsewhere survives', () => {
    fc.assert(
      fc.property(trees, trees, fc.string({ maxLength: 4 }), (first, later, typed) => {
        const live = docOf(first);
        const version = new Y.Doc();
        Y.applyUpdate(version, Y.encodeStateAsUpdate(live));
        // Everything after the version: the old content deleted, new content written.
        live.transact(() => {
          const fragment = live.getXmlFragment('default');
          fragment.delete(0, fragment.length);
          write(fragment, later);
        });
        // A peer types at the end of the document while the restore is made (concurrently).
        const peer = new Y.Doc();
        Y.applyUpdate(peer, Y.encodeStateAsUpdate(live));
        const peerText = new Y.XmlText(typed);
        peer.getXmlFragment('default').push([peerText]);
        const peerEdit = Y.encodeStateAsUpdate(peer, Y.encodeStateVector(live));

        Y.applyUpdate(live, restore(live, version));
        expect(shape(live.getXmlFragment('default'))).toEqual(shape(version.getXmlFragment('default')));
        Y.applyUpdate(live, peerEdit);
        // The version, with the peer's text somewhere in it.
        const merged = shape(live.getXmlFragment('default'));
        const wanted = shape(version.getXmlFragment('default'));
        const withoutPeer = merged.map((_, i) => merged.filter((__, j) => j !== i));
        expect(merged).toHaveLength(wanted.length + 1);
        expect(withoutPeer).toContainEqual(wanted);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps what is equal: restoring one changed word deletes and inserts only that word', () => {
    const live = docOf([
      { name: 'heading', attrs: { level: 1 }, children: [{ text: 'Title', bold: false }] },
      { name: 'paragraph', attrs: {}, children: [{ text: 'keep this word', bold: false }] },
      { name: 'paragraph', attrs: {}, children: [{ text: 'and this one', bold: true }] },
    ]);
    const version = docOf([
      { name: 'heading', attrs: { level: 1 }, children: [{ text: 'Title', bold: false }] },
      { name: 'paragraph', attrs: {}, children: [{ text: 'keep that word', bold: false }] },
      { name: 'paragraph', attrs: {}, children: [{ text: 'and this one', bold: true }] },
    ]);
    const heading = live.getXmlFragment('default').get(0);
    const update = restore(live, version);
    expect(shape(live.getXmlFragment('default'))).toEqual(shape(version.getXmlFragment('default')));
    // The same elements, edited in place.
    expect(live.getXmlFragment('default').get(0)).toBe(heading);
    const { structs, ds } = Y.decodeUpdate(update);
    const inserted = structs.flatMap((s) => (s instanceof Y.Item && s.content instanceof Y.ContentString ? [s.content.str] : []));
    expect(inserted.join('')).toBe('at');
    expect([...ds.clients.values()].flat().reduce((sum, item) => sum + item.len, 0)).toBe(2);
  });

  it('never splits a surrogate pair', () => {
    const live = docOf([{ name: 'paragraph', attrs: {}, children: [{ text: 'a😀b', bold: false }] }]);
    const version = docOf([{ name: 'paragraph', attrs: {}, children: [{ text: 'a😃b', bold: false }] }]);
    restore(live, version);
    expect(live.getXmlFragment('default').toString()).toBe('<paragraph>a😃b</paragraph>');
    expect(live.getXmlFragment('default').toString()).not.toContain('\uFFFD');
  });
});
