import * as Y from 'yjs';

/*
 * How a version is restored: the live document's content fragment is made equal to the version's with
 * ordinary Yjs edits, so the restore is one more change that every client merges like any other. The server
 * does it for `POST .../restore`; the editor does it as the user's own edit, which the user can undo.
 *
 * A diff at the Yjs level rather than through ProseMirror (y-prosemirror's updateYFragment): it needs no
 * schema, so the server never loads TipTap for it, and it restores exactly what the version holds, elements an
 * editor's schema would not know included. Like updateYFragment it keeps what is equal at both ends of each
 * list of children and edits elements of the same name in place, so a restore touches only what differs and
 * an edit made elsewhere at the same time survives it.
 */

type Child = Y.XmlElement | Y.XmlText | Y.XmlHook;

/** Makes `target`'s children equal to `source`'s (another document's fragment), in the current transaction. */
export function makeFragmentEqual(target: Y.XmlFragment | Y.XmlElement, source: Y.XmlFragment | Y.XmlElement): void {
  const have = target.toArray() as Child[];
  const want = source.toArray() as Child[];
  const shorter = Math.min(have.length, want.length);
  let start = 0;
  while (start < shorter && sameNode(have[start]!, want[start]!)) start++;
  let end = 0;
  while (end < shorter - start && sameNode(have[have.length - 1 - end]!, want[want.length - 1 - end]!)) end++;
  // In the middle, nodes of the same kind are edited in place; from the first that is not, replaced.
  let index = start;
  while (index < have.length - end && index < want.length - end && updateInPlace(have[index]!, want[index]!)) index++;
  const removed = have.length - end - index;
  if (removed > 0) target.delete(index, removed);
  // Yjs types the insertion without hooks, which it inserts all the same.
  const added = want.slice(index, want.length - end).map((node) => node.clone()) as Array<Y.XmlElement | Y.XmlText>;
  if (added.length > 0) target.insert(index, added);
}

/** Whether two nodes hold the same content (elements: name, attributes and children; text: text and marks). */
function sameNode(a: Child, b: Child): boolean {
  if (a instanceof Y.XmlText && b instanceof Y.XmlText) return sameJson(a.toDelta(), b.toDelta());
  if (a instanceof Y.XmlHook || b instanceof Y.XmlHook) {
    return a instanceof Y.XmlHook && b instanceof Y.XmlHook && sameJson(a.toJSON(), b.toJSON());
  }
  if (!(a instanceof Y.XmlElement && b instanceof Y.XmlElement)) return false;
  if (a.nodeName !== b.nodeName || a.length !== b.length || !sameJson(a.getAttributes(), b.getAttributes())) return false;
  const ac = a.toArray() as Child[];
  const bc = b.toArray() as Child[];
  return ac.every((child, i) => sameNode(child, bc[i]!));
}

/** Edits `have` into `want` if they are of one kind (texts, or elements of one name); false otherwise. */
function updateInPlace(have: Child, want: Child): boolean {
  if (have instanceof Y.XmlText && want instanceof Y.XmlText) {
    makeTextEqual(have, want);
    return true;
  }
  if (!(have instanceof Y.XmlElement && want instanceof Y.XmlElement)) return false;
  if (have.nodeName !== want.nodeName) return false;
  const wanted = want.getAttributes();
  for (const key of Object.keys(have.getAttributes())) if (!(key in wanted)) have.removeAttribute(key);
  for (const [key, value] of Object.entries(wanted)) {
    if (!sameJson(have.getAttribute(key), value)) have.setAttribute(key, value as never);
  }
  makeFragmentEqual(have, want);
  return true;
}

/** One UTF-16 code unit of text, or one embed, with its formatting (marks). */
interface Unit {
  insert: string | object;
  attributes: Record<string, unknown> | undefined;
  key: string;
}

/** Makes `target`'s text and formatting equal to `source`'s, keeping the common start and end. */
function makeTextEqual(target: Y.XmlText, source: Y.XmlText): void {
  const have = units(target);
  const want = units(source);
  const shorter = Math.min(have.length, want.length);
  let start = 0;
  while (start < shorter && have[start]!.key === want[start]!.key) start++;
  let end = 0;
  while (end < shorter - start && have[have.length - 1 - end]!.key === want[want.length - 1 - end]!.key) end++;
  // Never cut between the two halves of a surrogate pair: Yjs would turn each half into U+FFFD.
  if (start > 0 && isHighSurrogate(have[start - 1]!.insert)) start--;
  if (end > 0 && isLowSurrogate(have[have.length - end]!.insert)) end--;
  const removed = have.length - end - start;
  if (removed > 0) target.delete(start, removed);
  let at = start;
  for (const run of runs(want.slice(start, want.length - end))) {
    // Explicit attributes ({} for none), so that the insertion does not take on its neighbour's marks.
    const attributes = (run.attributes ?? {}) as Record<string, never>;
    if (typeof run.insert === 'string') target.insert(at, run.insert, attributes);
    else target.insertEmbed(at, run.insert, attributes);
    at += typeof run.insert === 'string' ? run.insert.length : 1;
  }
}

function units(text: Y.XmlText): Unit[] {
  const out: Unit[] = [];
  for (const op of text.toDelta() as Array<{ insert: string | object; attributes?: Record<string, unknown> }>) {
    const marks = JSON.stringify(op.attributes ?? {});
    if (typeof op.insert === 'string') {
      for (const char of op.insert.split('')) out.push({ insert: char, attributes: op.attributes, key: `${marks}${char}` });
    } else {
      out.push({ insert: op.insert, attributes: op.attributes, key: `${marks}${JSON.stringify(op.insert)}` });
    }
  }
  return out;
}

/** Consecutive characters of equal formatting joined into one insertion; an embed is a run of its own. */
function runs(list: Unit[]): Array<{ insert: string | object; attributes: Record<string, unknown> | undefined }> {
  const out: Array<{ insert: string | object; attributes: Record<string, unknown> | undefined; marks: string }> = [];
  for (const unit of list) {
    const marks = JSON.stringify(unit.attributes ?? {});
    const last = out[out.length - 1];
    if (typeof unit.insert === 'string' && typeof last?.insert === 'string' && last.marks === marks) last.insert += unit.insert;
    else out.push({ insert: unit.insert, attributes: unit.attributes, marks });
  }
  return out;
}

const isHighSurrogate = (unit: string | object) => typeof unit === 'string' && /[\uD800-\uDBFF]/.test(unit);
const isLowSurrogate = (unit: string | object) => typeof unit === 'string' && /[\uDC00-\uDFFF]/.test(unit);
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
