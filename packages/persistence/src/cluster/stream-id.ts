/*
 * Redis stream entry ids, "<milliseconds>-<sequence>", both unsigned 64-bit. They order entries, so they are
 * compared as numbers, never as strings ("9-0" < "10-0").
 */

/** Lower than every id Redis hands out. */
export const ZERO_ID = '0-0';

function parse(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

/** Negative if `a` comes before `b`, positive if after, 0 if equal. */
export function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = parse(a);
  const [bMs, bSeq] = parse(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

export function laterId(a: string, b: string): string {
  return compareIds(a, b) >= 0 ? a : b;
}

/** The smallest id after `id`: `XTRIM MINID` keeps ids at or above its argument, so this drops `id` itself. */
export function idAfter(id: string): string {
  const [ms, seq] = parse(id);
  return `${ms}-${seq + 1n}`;
}

/** When Redis added the entry, in milliseconds since the epoch. */
export function idTime(id: string): number {
  return Number(parse(id)[0]);
}
