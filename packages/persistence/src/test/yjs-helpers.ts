import * as Y from 'yjs';

/** A Y.Doc whose every `update` event is collected, in order, as a client would send them. */
export function recordingDoc(): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, updates };
}

/** A fresh Y.Doc holding a loaded state; `null` gives an empty doc. */
export function docFrom(update: Uint8Array | null): Y.Doc {
  const doc = new Y.Doc();
  if (update !== null) Y.applyUpdate(doc, update);
  return doc;
}

/** Everything a test compares: the text and the map, as plain values. */
export function contentOf(doc: Y.Doc): { text: string; map: Record<string, unknown> } {
  return { text: doc.getText('text').toString(), map: doc.getMap('map').toJSON() };
}

/** Types, deletes and sets map entries, one transaction (one update) per edit, like a user would. */
export function typeSomeText(doc: Y.Doc, edits: number, seed = 1): void {
  const text = doc.getText('text');
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = 0; i < edits; i++) {
    const roll = random();
    if (roll < 0.15 && text.length > 0) {
      const at = Math.floor(random() * text.length);
      text.delete(at, Math.min(1 + Math.floor(random() * 3), text.length - at));
    } else if (roll < 0.2) {
      doc.getMap('map').set(`key${i % 7}`, i);
    } else {
      text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + (i % 26)));
    }
  }
}
