import { Hono } from 'hono';
import type { Health } from '../health.js';
import type { Metrics } from '../observability.js';

export function healthRoutes(health: Health, metrics: Metrics): Hono {
  return new Hono()
    .get('/healthz', (c) => {
      const report = health.report();
      return c.json(report, report.status === 'ok' ? 200 : 503);
    })
    .get('/metrics', async (c) => {
      c.header('Content-Type', metrics.registry.contentType);
      return c.body(await metrics.registry.metrics());
    });
}
