/** The real editing traces in shared/data/traces (see its README for the format). */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface Trace {
  startContent: string;
  endContent: string;
  txns: Array<{ patches: Array<[position: number, deleteCount: number, inserted: string]> }>;
}

const TRACES = new URL('../../../../../shared/data/traces/', import.meta.url);

export function loadTrace(name: string): Trace {
  return JSON.parse(gunzipSync(readFileSync(new URL(`${name}.json.gz`, TRACES))).toString('utf8')) as Trace;
}
