import type { DocStore } from '@collab/persistence';
import { Hono } from 'hono';
import type { Tokens } from './auth/tokens.js';
import type { Heartbeat } from './collab/heartbeat.js';
import type { Rooms } from './collab/rooms.js';
import { collabRoutes } from './http/collab.js';
import { docsRoutes } from './http/docs.js';
import { editorRoutes } from './http/editor.js';
import { errorHandler, notFound } from './http/errors.js';
import { exportRoutes } from './http/export.js';
import { type Health, healthRoutes } from './http/health.js';
import type { Logger, Metrics } from './observability.js';

export interface AppDeps {
  store: DocStore;
  rooms: Rooms;
  tokens: Tokens;
  heartbeat: Heartbeat;
  health: Health;
  logger: Logger;
  metrics: Metrics;
  publicUrl: string;
  maxMessageBytes: number;
  /** Directory of the built editor (index.html and assets). */
  editorDir: string;
}

/** The whole HTTP surface as a Hono app; `start.ts` binds it to a port. */
export function createApp(deps: AppDeps): Hono {
  return new Hono()
    .route('/', healthRoutes(deps.health, deps.metrics))
    .route('/', docsRoutes(deps))
    .route('/', exportRoutes(deps))
    .route('/', collabRoutes(deps))
    .route('/', editorRoutes(deps.editorDir))
    .notFound(notFound)
    .onError(errorHandler(deps.logger));
}
