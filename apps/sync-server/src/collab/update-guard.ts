/**
 * Decides, before Yjs applies an update to a document, whether it may: everything it refers to must exist
 * (in the document or earlier in the same update), its items must keep YATA's invariants (an item's origin
 * and right origin in one list, the origin to the left), and what integrating it costs (items created,
 * split, walked past or deleted) and leaves behind must fit the budgets. Reject, never repair: a refused
 * update changes nothing. Pure: reads the Y.Doc, changes nothing, no I/O.
 *
 * Why: Yjs trusts its peers. An origin that does not exist makes it throw halfway through an update; one
 * placed right of its right origin makes it scan to the end of the list, and integrate the item
 * differently depending on what arrived before; deletions that split one long item into single characters
 * make a few megabytes of update hold hundreds of megabytes of items.
 */
import * as Y from 'yjs';
import { type DecodedUpdate, type Id, type Struct, Content } from './update-format.js';
import { UpdatePlacement, UpdateRefused, indexOf, splitWork } from './update-placement.js';

export { UpdateRefused };

export interface GuardLimits {
  /** Items (Yjs structs and root types) a document may hold. */
  maxDocItems: number;
  /** Work integrating one update may cost, in items created, split, walked past or deleted. */
  maxWork: number;
  /** Deepest nesting of Yjs types (a paragraph in a list item in a list...). */
  maxTypeDepth: number;
}

export interface Verdict {
  /** What integrating the update costs, in the units of `maxWork`. */
  work: number;
  /** Items the document may hold more once it is applied (an upper bound). */
  addedItems: number;
}

/** Checks `update` against `doc` as it is now; throws UpdateRefused. */
export function checkUpdate(doc: Y.Doc, update: DecodedUpdate, limits: GuardLimits): Verdict {
  const placement = new UpdatePlacement(doc, limits);
  for (const struct of integrationOrder(doc, update)) placement.place(struct);
  const splits = chargeDeletes(doc, update, placement);
  const work = Math.ceil(placement.work);
  const addedItems = placement.addedItems + splits;
  if (countItems(doc) + addedItems > limits.maxDocItems) {
    throw new UpdateRefused(`the document would hold more than ${limits.maxDocItems} items`, true);
  }
  return { work, addedItems };
}

/** Structs and root types a document holds: what its memory grows with. */
export function countItems(doc: Y.Doc): number {
  let items = doc.share.size;
  for (const structs of doc.store.clients.values()) items += structs.length;
  return items;
}

/**
 * The structs of `update` in an order Yjs can integrate them: each after what it refers to. Structs the
 * document has already are left out (Yjs skips them). Follows Yjs's own order (integrateStructs in
 * src/utils/encoding.js): a client's structs in clock order, switching to another client when a struct
 * depends on it. Throws if something is missing or the references go round in a circle, where Yjs would
 * keep the update waiting for data that never comes.
 */
export function integrationOrder(doc: Y.Doc, update: DecodedUpdate): Struct[] {
  const byClient = new Map(update.clients.map((c) => [c.client, { structs: c.structs, next: 0 }]));
  const state = new Map<number, number>();
  const clockOf = (client: number) => state.get(client) ?? Y.getState(doc.store, client);
  const order: Struct[] = [];

  /** The first reference of `struct` to another client's clock not integrated yet, or null. */
  const missing = (struct: Struct): Id | null => {
    for (const ref of [struct.origin, struct.rightOrigin, struct.parentId]) {
      if (!ref) continue;
      if (ref.client === struct.id.client) {
        if (ref.clock >= struct.id.clock) throw new UpdateRefused('an item refers to its own client’s clock at or after itself');
      } else if (ref.clock >= clockOf(ref.client)) return ref;
    }
    return null;
  };

  for (const { client } of update.clients) {
    const stack: number[] = [client];
    const stacked = new Set(stack);
    while (stack.length > 0) {
      const current = stack[stack.length - 1]!;
      const reader = byClient.get(current)!;
      const struct = reader.structs[reader.next];
      if (!struct) {
        // Only the client this pass started with runs out by itself; any other was needed by the one below.
        if (stack.length > 1) throw new UpdateRefused('the update depends on data the document does not have');
        stack.pop();
        continue;
      }
      const known = clockOf(current);
      if (struct.content === Content.Skip || struct.id.clock + struct.length <= known) {
        reader.next++;
        continue;
      }
      if (struct.id.clock > known) throw new UpdateRefused('the update depends on data the document does not have');
      const needed = missing(struct);
      if (needed) {
        if (!byClient.has(needed.client)) throw new UpdateRefused('the update depends on data the document does not have');
        if (stacked.has(needed.client)) throw new UpdateRefused('the update’s references go round in a circle');
        stack.push(needed.client);
        stacked.add(needed.client);
        continue;
      }
      state.set(current, struct.id.clock + struct.length);
      reader.next++;
      order.push(struct);
      if (stack.length > 1) stacked.delete(stack.pop()!);
    }
  }
  return order;
}

/**
 * Charges what applying the delete set costs: Yjs visits every struct a range covers (one still to delete
 * costs it far more than one deleted already), and splits an item where a range starts or ends inside it,
 * moving the rest of that client's struct array each time. Ranges must stay within what the document will
 * hold. Returns the number of splits (each one more item).
 */
function chargeDeletes(doc: Y.Doc, update: DecodedUpdate, placement: UpdatePlacement): number {
  let splits = 0;
  for (const [client, ranges] of update.deletes) {
    const structs = (doc.store.clients.get(client) ?? []) as Array<Y.Item | Y.GC>;
    const docEnd = Y.getState(doc.store, client);
    const end = Math.max(docEnd, placement.endOf(client));
    for (const { clock, length } of ranges) {
      const rangeEnd = clock + length;
      if (rangeEnd > end) throw new UpdateRefused('the update deletes content the document does not have');
      placement.charge(placement.structsCovered(client, clock, rangeEnd));
      if (clock >= docEnd) continue;
      const first = indexOf(structs, clock);
      const last = indexOf(structs, Math.min(rangeEnd, docEnd) - 1);
      for (let i = first; i <= last; i++) placement.charge(isDeleted(structs[i]!) ? DELETED_WORK : 1);
      for (const [index, at] of [[first, clock], [last, rangeEnd]] as const) {
        const struct = structs[index]!;
        if (!isDeleted(struct) && at > struct.id.clock && at < struct.id.clock + struct.length) {
          splits++;
          placement.charge(1 + splitWork(structs.length - index));
        }
      }
    }
  }
  return splits;
}

/** Visiting a struct deleted already costs Yjs a check of a flag. */
const DELETED_WORK = 1 / 8;
const isDeleted = (struct: Y.Item | Y.GC) => struct instanceof Y.GC || struct.deleted;
