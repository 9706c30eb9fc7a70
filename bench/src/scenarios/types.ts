import type { ServerName } from '../servers.js';

/** One measured number of one run. `better` says which way is good, for the "ours / best peer" ratio. */
export interface Figure {
  /** Row label, unique within the whole table, e.g. "fanout 100 · p99 latency (ms)". */
  row: string;
  value: number;
  better: 'lower' | 'higher';
}

export interface RunContext {
  /** Scratch directory for data dirs and logs of this bench run. */
  workDir: string;
  quick: boolean;
}

/** One scenario variant, run once per server per round. */
export interface Scenario {
  /** Group name for `--only` (fanout, throughput, connections, coldload, durability, cluster). */
  group: string;
  name: string;
  servers: ServerName[];
  run(server: ServerName, ctx: RunContext): Promise<Figure[]>;
  /** Run in the first round only: a search that is long and whose result is one size, not a sample. */
  once?: boolean;
  /** Figures that do not depend on the server (the in-process floor), measured once per round. */
  floor?(ctx: RunContext): Promise<Figure[]>;
}
