/**
 * The results table: one row per figure, one column per server (median, min–max over rounds), the floor
 * where there is one, and the ratios ours / best peer (the better of y-websocket-server and Hocuspocus), for
 * our server with DURABILITY=fsync (the default) and with DURABILITY=os.
 */
import { type ServerName, serverLabel } from './servers.js';
import type { Figure } from './scenarios/types.js';

export interface Row {
  row: string;
  better: Figure['better'];
  values: Partial<Record<ServerName | 'floor', number[]>>;
}

const COLUMNS: Array<ServerName | 'floor'> = ['ours', 'ours-os', 'ours-history', 'y-websocket', 'hocuspocus', 'floor'];
const OURS: ServerName[] = ['ours', 'ours-os'];
const PEERS: ServerName[] = ['y-websocket', 'hocuspocus'];

export function median(values: number[]): number {
  const ok = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (ok.length === 0) return NaN;
  const mid = Math.floor(ok.length / 2);
  return ok.length % 2 ? ok[mid]! : (ok[mid - 1]! + ok[mid]!) / 2;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cell(values: number[] | undefined): string {
  if (!values || values.length === 0) return '';
  const ok = values.filter((v) => Number.isFinite(v));
  if (ok.length === 0) return 'failed';
  const m = fmt(median(values));
  const failed = values.length - ok.length;
  const range = ok.length > 1 ? ` (${fmt(Math.min(...ok))}–${fmt(Math.max(...ok))})` : '';
  return `${m}${range}${failed ? ` [${failed} failed]` : ''}`;
}

function ratio(row: Row, server: ServerName): string {
  const ours = median(row.values[server] ?? []);
  const peers = PEERS.map((p) => median(row.values[p] ?? [])).filter((v) => Number.isFinite(v));
  if (!Number.isFinite(ours) || peers.length === 0) return '';
  // A ratio of negative numbers (memory that grew instead of being released) would read backwards.
  if (ours < 0 || peers.some((p) => p < 0)) return 'n/a';
  const best = row.better === 'lower' ? Math.min(...peers) : Math.max(...peers);
  if (best === 0) return ours === 0 ? '1.00×' : '∞';
  return `${(ours / best).toFixed(2)}×`;
}

/** A Markdown table (also readable in a terminal). */
export function renderTable(rows: Row[]): string {
  const header = [
    'figure',
    ...COLUMNS.map((c) => (c === 'floor' ? 'floor (relay / in-process)' : serverLabel(c))),
    ...OURS.map((server) => `${serverLabel(server)} / best peer`),
  ];
  const lines = rows.map((row) => [
    `${row.row} ${row.better === 'lower' ? '↓' : '↑'}`,
    ...COLUMNS.map((c) => cell(row.values[c])),
    ...OURS.map((server) => ratio(row, server)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}
