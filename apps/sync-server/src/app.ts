import type { DocStore, FileStore } from '@collab/persistence';
import { Hono } from 'hono';
import type { AccessControl } from './access/access-control.js';
import type { Tokens } from './auth/tokens.js';
import type { Rooms } from './collab/rooms.js';
import type { Access } from './config.js';
import type { ExportPool } from './export/export-pool.js';
import type { Health } from './health.js';
import type { ClientInfo } from './http/client.js';
import { collabRoutes } from './http/collab.js';
import { docsRoutes } from './http/docs.js';
import { editorRoutes } from './http/editor.js';
import { errorHandler, notFound } from './http/errors.js';
import { createRenderer, exportRoutes } from './http/export.js';
import { historyRoutes } from './history/routes.js';
import { filesRoutes } from './http/files.js';
import { healthRoutes } from './http/health.js';
import { lifecycleRoutes } from './http/lifecycle.js';
import { linksRoutes } from './http/links.js';
import type { RateLimiter } from './http/rate-limit.js';
import { securityHeaders } from './http/security-headers.js';
import type { Logger, Metrics } from './observability.js';

export interface AppDeps {
  store: DocStore;
  files: FileStore;
  rooms: Rooms;
  tokens: Tokens;
  access: AccessControl;
  /** The clock of link expiries and deletions. */
  now: () => number;
  health: Health;
  logger: Logger;
  metrics: Metrics;
  docsLimiter: RateLimiter;
  filesLimiter: RateLimiter;
  maxFileBytes: number;
  client: ClientInfo;
  /** Who may create documents and read metrics (the configuration's `access`). */
  accessConfig: Access;
  exports: ExportPool;
  publicUrl: string;
  /** Directory of the built editor (index.html and assets). */
  editorDir: string;
}

/** The HTTP surface as a Hono app; `start.ts` binds it to a port beside the WebSocket endpoint (`http/collab.ts`). */
export function createApp(deps: AppDeps): Hono {
  return new Hono()
    .use('*', securityHeaders())
    .route('/', healthRoutes(deps.health, deps.metrics, deps.accessConfig.metricsToken))
    .route('/', docsRoutes(deps))
    .route('/', linksRoutes(deps))
    .route('/', lifecycleRoutes(deps))
    .route('/', exportRoutes(deps))
    .route('/', filesRoutes(deps))
    .route('/', historyRoutes({ ...deps, render: createRenderer(deps) }))
    .route('/', collabRoutes())
    .route('/', editorRoutes(deps.editorDir))
    .notFound(notFound)
    .onError(errorHandler(deps.logger));
}
