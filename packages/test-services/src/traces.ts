import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The sequential editing traces in the repository's `data/traces/` (format, source and licence in its README). */
export type TraceName = 'automerge-paper' | 'seph-blog1';

/** A recorded editing history: applying every patch in order to `startContent` gives `endContent`. */
export interface Trace {
  startContent: string;
  endContent: string;
  txns: { patches: [position: number, deleteCount: number, inserted: string][] }[];
}

// From src/ (tests, through the `source` condition) and from dist/ alike, three levels up is the repository root.
const TRACES = new URL('../../../data/traces/', import.meta.url);

/** Reads and unzips one trace; synchronous, so a test can load it where it needs it. */
export function loadTrace(name: TraceName): Trace {
  const file = new URL(`${name}.json.gz`, TRACES);
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Trace;
}
