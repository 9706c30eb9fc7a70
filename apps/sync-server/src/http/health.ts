import { Hono } from 'hono';
import type { Metrics } from '../observability.js';

/** What the health and metrics endpoints report about the process. */
export interface Health {
  /** True while the store is open and writable. */
  ready(): boolean;
}

export function healthRoutes(health: Health, metrics: Metrics): Hono {
  return new Hono()
    .get('/healthz', (c) => (health.ready() ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503)))
    .get('/metrics', async (c) => {
      c.header('Content-Type', metrics.registry.contentType);
      return c.body(await metrics.registry.metrics());
    });
}
