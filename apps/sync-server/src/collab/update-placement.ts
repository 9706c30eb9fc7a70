/**
 * Follows the items of an update, in the order Yjs integrates them, into the lists they will join, the
 * way Yjs's Item.getMissing and Item.integrate (yjs src/structs/Item.js) find their place, without
 * changing the document: what each refers to, which list it joins, whether YATA's invariants hold, and
 * what it costs. Used by `update-guard.ts`.
 */
import * as Y from 'yjs';
import { type DecodedUpdate, type Id, type Struct, Content } from './update-format.js';

/** An update the document must not take. `tooLarge`: a budget, not a broken structure (4413, not 4400). */
export class UpdateRefused extends Error {
  override readonly name = 'UpdateRefused';
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

export interface PlacementLimits {
  maxWork: number;
  maxTypeDepth: number;
}

/** Any Yjs type, as the document's share map holds them. */
type YType = Y.Doc['share'] extends Map<string, infer T> ? T : never;

const START = Symbol('start of the list');
const END = Symbol('end of the list');
/** Where an item's neighbourhood begins or ends among the document's items. */
type Anchor = Y.Item | typeof START | typeof END;

interface List {
  /** Unique per parent type and map key. */
  key: string;
  /** The parent type when the document has it already (its items can be walked), else null. */
  docType: YType | null;
  parentSub: string | null;
  /** Nesting depth of the parent type (a root type is 1). */
  depth: number;
}

/** An update struct once placed: null `list` for one Yjs will turn into a GC struct. */
export interface Placed {
  struct: Struct;
  list: List | null;
  leftAnchor: Anchor;
  rightAnchor: Anchor;
}

type Resolved = { doc: Y.Item | Y.GC } | { placed: Placed };

export class UpdatePlacement {
  work = 0;
  addedItems = 0;
  /** Each client's placed structs in clock order, and the structs alone for lookups by clock. */
  private readonly placedByClient = new Map<number, { placed: Placed[]; structs: Struct[] }>();
  private readonly splitPoints = new Set<string>();
  private readonly typeKeys = new Map<YType, string>();
  private readonly depths = new Map<YType, number>();
  private readonly newRoots = new Set<string>();
  /** The last item of this update placed after each origin, and how many of its items each list received. */
  private readonly lastWithOrigin = new Map<string, Id>();
  private readonly listSizes = new Map<string, number>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly limits: PlacementLimits,
  ) {}

  /** Places the next struct in integration order (see `integrationOrder`). */
  place(struct: Struct): void {
    this.charge(1);
    this.addedItems++;
    const placed: Placed =
      struct.content === Content.Gc ? { struct, list: null, leftAnchor: START, rightAnchor: END } : this.placeItem(struct);
    let ofClient = this.placedByClient.get(struct.id.client);
    if (!ofClient) this.placedByClient.set(struct.id.client, (ofClient = { placed: [], structs: [] }));
    ofClient.placed.push(placed);
    ofClient.structs.push(struct);
  }

  /** The clock after the last struct of `client` placed, or 0. */
  endOf(client: number): number {
    const last = this.placedByClient.get(client)?.structs.at(-1);
    return last ? last.id.clock + last.length : 0;
  }

  /** How many placed structs of `client` overlap [from, to). */
  structsCovered(client: number, from: number, to: number): number {
    const structs = this.placedByClient.get(client)?.structs ?? [];
    const last = structs.at(-1);
    if (!last || from >= last.id.clock + last.length || to <= structs[0]!.id.clock) return 0;
    const first = indexOf(structs, Math.max(from, structs[0]!.id.clock));
    return indexOf(structs, Math.min(to, last.id.clock + last.length) - 1) - first + 1;
  }

  private placeItem(struct: Struct): Placed {
    const { client, clock } = struct.id;
    const known = Y.getState(this.doc.store, client);
    const left = struct.origin ? this.resolve(struct.origin, 'end') : null;
    const right = struct.rightOrigin ? this.resolve(struct.rightOrigin, 'start') : null;
    // The part of a struct the document has already is cut off: the rest goes right of it.
    const effectiveLeft = clock < known ? this.resolve({ client, clock: known - 1 }, 'end') : left;
    const list = isGc(left) || isGc(right) || isGc(effectiveLeft) ? null : this.listOf(struct, left, right);
    if (!list) return { struct, list, leftAnchor: START, rightAnchor: END };
    if (struct.content === Content.Type && list.depth + 1 > this.limits.maxTypeDepth) {
      throw new UpdateRefused(`types nested deeper than ${this.limits.maxTypeDepth} levels`);
    }
    const placed: Placed = { struct, list, leftAnchor: anchorOf(effectiveLeft, 'left'), rightAnchor: anchorOf(right, 'right') };
    const direct = (!left || 'doc' in left) && (!right || 'doc' in right) && effectiveLeft === left;
    if (list.docType) this.walk(list, placed, struct, direct);
    this.chargeSiblings(struct, list);
    return placed;
  }

  /** The list the item joins: its explicit parent's, or the one of the neighbour it was inserted next to. */
  private listOf(struct: Struct, left: Resolved | null, right: Resolved | null): List | null {
    if (!left && !right) {
      if (struct.parentKey !== null) return this.rootList(struct.parentKey, struct.parentSub);
      return this.childList(this.resolve(struct.parentId!, 'none'), struct.parentSub);
    }
    const list = this.listOfNeighbour((left ?? right)!);
    if (left && right && this.listOfNeighbour(right)?.key !== list?.key) {
      throw new UpdateRefused('an item’s origin and right origin are in different lists');
    }
    return list;
  }

  private listOfNeighbour(neighbour: Resolved): List | null {
    if ('placed' in neighbour) return neighbour.placed.list;
    const item = neighbour.doc as Y.Item;
    const parent = item.parent as YType | null;
    return parent ? this.typeList(parent, item.parentSub) : null;
  }

  private rootList(name: string, parentSub: string | null): List {
    const existing = this.doc.share.get(name);
    if (existing) return this.typeList(existing, parentSub);
    if (!this.newRoots.has(name)) {
      this.newRoots.add(name);
      this.addedItems++;
    }
    return { key: `root:${name}|${parentSub ?? ''}`, docType: null, parentSub, depth: 1 };
  }

  /** The list inside the type an item with an explicit parent id goes into; null if Yjs will drop the item. */
  private childList(parent: Resolved, parentSub: string | null): List | null {
    if ('placed' in parent) {
      const { struct, list } = parent.placed;
      if (!list || struct.content === Content.Deleted) return null;
      if (struct.content !== Content.Type) throw new UpdateRefused('an item’s parent is not a type');
      return { key: `new:${struct.id.client}:${struct.id.clock}|${parentSub ?? ''}`, docType: null, parentSub, depth: list.depth + 1 };
    }
    const item = parent.doc;
    // A parent deleted and collected: Yjs keeps the new item as a GC struct.
    if (item instanceof Y.GC || item.content instanceof Y.ContentDeleted) return null;
    if (!(item.content instanceof Y.ContentType)) throw new UpdateRefused('an item’s parent is not a type');
    return this.typeList(item.content.type as YType, parentSub);
  }

  private typeList(type: YType, parentSub: string | null): List {
    let key = this.typeKeys.get(type);
    if (key === undefined) this.typeKeys.set(type, (key = `doc:${this.typeKeys.size}`));
    return { key: `${key}|${parentSub ?? ''}`, docType: type, parentSub, depth: this.depthOf(type) };
  }

  private depthOf(type: YType): number {
    let depth = this.depths.get(type);
    if (depth === undefined) {
      const holder = type._item?.parent as YType | null | undefined;
      depth = holder ? this.depthOf(holder) + 1 : 1;
      this.depths.set(type, depth);
    }
    return depth;
  }

  /**
   * Walks the document's list from the item's left neighbourhood to its right one, as Yjs's conflict loop
   * will, counting every step as work. YATA's invariant: when the item was made, its origin and right
   * origin were neighbours. So the right one comes after the left one, and whatever lies between them now
   * must be news to the item's author: nothing it provably knew of (an earlier clock of a client it
   * refers to). Checked where both neighbours are in the document; items whose neighbours are items of
   * the same update are only walked (their place is not known before Yjs integrates them).
   */
  private walk(list: List, placed: Placed, struct: Struct, direct: boolean): void {
    const { leftAnchor, rightAnchor } = placed;
    const { origin, rightOrigin } = struct;
    if (leftAnchor === rightAnchor) {
      if (direct && origin && rightOrigin && rightOrigin.clock !== origin.clock + 1) throw notNeighbours();
      return;
    }
    const known = direct ? knownClocks(struct, leftAnchor, rightAnchor) : null;
    if (known) {
      // An origin inside an item leaves the rest of that item between the two, and a right origin inside
      // one the first part of it: clocks next to the ones the author refers to.
      const left = leftAnchor === START ? null : (leftAnchor as Y.Item);
      if (left && origin && origin.clock + 1 < left.id.clock + left.length && origin.clock + 1 < (known.get(origin.client) ?? 0)) {
        throw notNeighbours();
      }
      if (rightOrigin && rightAnchor !== END && rightOrigin.clock > (rightAnchor as Y.Item).id.clock) throw notNeighbours();
    }
    let item = leftAnchor === START ? this.firstOf(list) : (leftAnchor as Y.Item).right;
    while (item !== null && item !== rightAnchor) {
      this.charge(1);
      if (known && item.id.clock < (known.get(item.id.client) ?? 0)) throw notNeighbours();
      item = item.right;
    }
    if (item === null && rightAnchor !== END) throw new UpdateRefused('an item’s origin is not left of its right origin');
  }

  private firstOf({ docType, parentSub }: List): Y.Item | null {
    if (parentSub === null) return docType!._start;
    let item = docType!._map.get(parentSub) ?? null;
    while (item?.left) {
      this.charge(1);
      item = item.left;
    }
    return item;
  }

  /**
   * Yjs's conflict loop only walks past items with the same origin as the new one and what was inserted
   * after those: within one update, at most the items it put into the same list so far, for an item whose
   * origin an earlier item of the update used already. Not when the new item goes right before the last
   * of those (its right origin), as repeated insertions at one place do: then there is nothing to walk.
   * Honest updates have next to no such items.
   */
  private chargeSiblings(struct: Struct, list: List): void {
    const origin = struct.origin ? `${struct.origin.client}:${struct.origin.clock}` : `start:${list.key}`;
    const size = this.listSizes.get(list.key) ?? 0;
    const last = this.lastWithOrigin.get(origin);
    if (last && !(struct.rightOrigin?.client === last.client && struct.rightOrigin.clock === last.clock)) this.charge(size);
    this.lastWithOrigin.set(origin, struct.id);
    this.listSizes.set(list.key, size + 1);
  }

  /** The struct holding `id`, in the document or placed already; `cut` splits it as Yjs will. */
  private resolve(id: Id, cut: 'end' | 'start' | 'none'): Resolved {
    const at = cut === 'end' ? id.clock + 1 : id.clock;
    if (id.clock < Y.getState(this.doc.store, id.client)) {
      const structs = this.doc.store.clients.get(id.client)! as Array<Y.Item | Y.GC>;
      const index = indexOf(structs, id.clock);
      const struct = structs[index]!;
      if (cut !== 'none' && struct instanceof Y.Item) this.split(id.client, at, struct, structs.length - index);
      return { doc: struct };
    }
    const ofClient = this.placedByClient.get(id.client);
    if (!ofClient) throw new UpdateRefused('the update refers to data the document does not have');
    const found = ofClient.placed[indexOf(ofClient.structs, id.clock)]!;
    if (cut !== 'none' && found.list) this.split(id.client, at, found.struct, 0);
    return { placed: found };
  }

  private split(client: number, at: number, struct: { id: Id; length: number }, tail: number): void {
    if (at <= struct.id.clock || at >= struct.id.clock + struct.length) return;
    const point = `${client}:${at}`;
    if (this.splitPoints.has(point)) return;
    this.splitPoints.add(point);
    this.addedItems++;
    this.charge(1 + splitWork(tail));
  }

  /** Adds `work`; refuses the update once the total passes the budget. */
  charge(work: number): void {
    this.work += work;
    if (this.work > this.limits.maxWork) {
      throw new UpdateRefused(`integrating this update would cost more than ${this.limits.maxWork} items of work`, true);
    }
  }
}

const notNeighbours = () => new UpdateRefused('an item’s origin and right origin were not neighbours when it was made');

/**
 * Clocks the item's author must have known, per client: everything before each clock it refers to (clocks
 * of a client come in order), its own earlier ones, and what its two neighbours refer to in turn.
 */
function knownClocks(struct: Struct, left: Anchor, right: Anchor): Map<number, number> {
  const known = new Map<number, number>();
  const add = (id: Id | null) => id && known.set(id.client, Math.max(known.get(id.client) ?? 0, id.clock + 1));
  known.set(struct.id.client, struct.id.clock);
  for (const id of [struct.origin, struct.rightOrigin, struct.parentId]) add(id);
  for (const neighbour of [left, right]) {
    if (neighbour instanceof Y.Item) {
      add(neighbour.origin);
      add(neighbour.rightOrigin);
    }
  }
  return known;
}

function isGc(resolved: Resolved | null): boolean {
  if (!resolved) return false;
  return 'placed' in resolved ? resolved.placed.list === null : resolved.doc instanceof Y.GC;
}

function anchorOf(neighbour: Resolved | null, side: 'left' | 'right'): Anchor {
  if (!neighbour) return side === 'left' ? START : END;
  if ('placed' in neighbour) return side === 'left' ? neighbour.placed.leftAnchor : neighbour.placed.rightAnchor;
  return neighbour.doc as Y.Item;
}

/** Inserting into a client's struct array moves everything after the insertion point. */
export const splitWork = (tail: number) => Math.ceil(tail / 1024);

/** Index of the struct holding `clock` in a client's structs sorted by clock; refused if none does. */
export function indexOf(structs: ReadonlyArray<{ id: Id; length: number }>, clock: number): number {
  let low = 0;
  let high = structs.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const struct = structs[mid]!;
    if (clock < struct.id.clock) high = mid - 1;
    else if (clock >= struct.id.clock + struct.length) low = mid + 1;
    else return mid;
  }
  throw new UpdateRefused('the update refers to data the document does not have');
}

export type { DecodedUpdate };
