import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isSharedToken } from '../auth/shared-token.js';
import type { Health } from '../health.js';
import type { Metrics } from '../observability.js';
import { bearerToken } from './bearer.js';

/** `/healthz` for load balancers, `/metrics` for Prometheus: behind METRICS_TOKEN (a Bearer token) when set. */
export function healthRoutes(health: Health, metrics: Metrics, metricsToken: string | undefined): Hono {
  return new Hono()
    .get('/healthz', (c) => {
      const report = health.report();
      return c.json(report, report.status === 'ok' ? 200 : 503);
    })
    .get('/metrics', async (c) => {
      if (metricsToken !== undefined && !isSharedToken(bearerToken(c.req.header('authorization')), metricsToken)) {
        c.header('WWW-Authenticate', 'Bearer');
        throw new HTTPException(401, { message: 'metrics need the METRICS_TOKEN (Authorization: Bearer)' });
      }
      c.header('Content-Type', metrics.registry.contentType);
      return c.body(await metrics.registry.metrics());
    });
}
