import { type DestinationStream, pino, type Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LogLevel } from './config.js';

export type { Logger };

/** JSON logs on stdout. Callers log ids and roles, never tokens or URLs that carry them. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'sync-server' } }, destination);
}

/** The server's Prometheus metrics, on a registry of their own so that tests can build several apps. */
export interface Metrics {
  registry: Registry;
  connections: Gauge;
  documentsLoaded: Gauge;
  updates: Counter;
  updateBytes: Counter;
  persistSeconds: Histogram;
  storeErrors: Counter<'operation'>;
  rejectedMessages: Counter<'reason'>;
  memoryReclaims: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    connections: new Gauge({ name: 'collab_connections', help: 'Open WebSocket connections', registers: [registry] }),
    documentsLoaded: new Gauge({
      name: 'collab_documents_loaded',
      help: 'Documents loaded in memory',
      registers: [registry],
    }),
    updates: new Counter({
      name: 'collab_updates_total',
      help: 'Document updates stored and relayed',
      registers: [registry],
    }),
    updateBytes: new Counter({
      name: 'collab_update_bytes_total',
      help: 'Bytes of document updates stored and relayed',
      registers: [registry],
    }),
    persistSeconds: new Histogram({
      name: 'collab_persist_seconds',
      help: 'Time to write a batch of updates to the store',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'collab_store_errors_total',
      help: 'Failed store operations',
      labelNames: ['operation'],
      registers: [registry],
    }),
    rejectedMessages: new Counter({
      name: 'collab_rejected_messages_total',
      help: 'WebSocket messages that closed their connection',
      labelNames: ['reason'],
      registers: [registry],
    }),
    memoryReclaims: new Counter({
      name: 'collab_memory_reclaims_total',
      help: 'Full garbage collections asked for after the open connections fell by half',
      registers: [registry],
    }),
  };
}
