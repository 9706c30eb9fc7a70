import { StoreError } from '@collab/persistence';
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AccessDenied } from '../access/policy.js';
import { TokenError } from '../auth/tokens.js';
import { ExportBusyError } from '../export/export-pool.js';
import type { Logger } from '../observability.js';

/** Seconds a client is told to wait when every export worker is busy. */
const EXPORT_RETRY_AFTER_S = 5;

/** The app's single error handler: HTTP errors keep their status, anything else is logged and becomes 500. */
export function errorHandler(logger: Logger): ErrorHandler {
  return (err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    if (err instanceof ExportBusyError) {
      c.header('Retry-After', String(EXPORT_RETRY_AFTER_S));
      return c.json({ error: err.message }, 503);
    }
    if (err instanceof TokenError) {
      return c.json({ error: `token ${err.reason}` }, err.reason === 'other-doc' ? 403 : 401);
    }
    if (err instanceof AccessDenied) return c.json({ error: err.message }, err.kind === 'deleted' ? 404 : 401);
    if (err instanceof StoreError && err.code === 'io') {
      // The store is away (PostgreSQL or Redis down, a failing disk): worth trying again later.
      logger.warn({ err, method: c.req.method, path: c.req.path }, 'request failed: storage unavailable');
      return c.json({ error: 'storage unavailable; try again later' }, 503);
    }
    logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal server error' }, 500);
  };
}

export const notFound: NotFoundHandler = (c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404);
