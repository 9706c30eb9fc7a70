/**
 * "How far does one process go": the largest size (users in a room, documents) at which a measurement still
 * passes. Grows the size geometrically from `start` until a probe fails (or `max` passes), then halves the
 * gap between the last pass and the first failure `refine` times. Every probe runs on a fresh server, and a
 * size fails only if it fails twice: one stall of a shared machine should not end the search.
 */
export interface SearchOptions {
  start: number;
  /** Growth per step before the first failure. */
  factor: number;
  /** The largest size tried; a server that passes it is reported as at least this. */
  max: number;
  /** Bisection steps after the first failure. */
  refine: number;
  /** Runs one probe at `size`; true if it passed. */
  probe(size: number): Promise<boolean>;
}

export interface SearchResult {
  /** The largest size that passed; 0 if even `start` failed. */
  largest: number;
  /** Whether `max` passed, i.e. the real limit lies beyond what was tried. */
  capped: boolean;
}

export async function searchLargest({ start, factor, max, refine, probe: once }: SearchOptions): Promise<SearchResult> {
  const probe = async (size: number) => (await once(size)) || (await once(size));
  let passed = 0;
  let failed = 0;
  for (let size = start; ; size = Math.min(max, Math.round(size * factor))) {
    if (!(await probe(size))) {
      failed = size;
      break;
    }
    passed = size;
    if (size >= max) return { largest: passed, capped: true };
  }
  for (let step = 0; step < refine && failed - passed > 1; step++) {
    const size = Math.round((passed + failed) / 2);
    if (await probe(size)) passed = size;
    else failed = size;
  }
  return { largest: passed, capped: false };
}
