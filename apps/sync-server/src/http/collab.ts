import { upgradeWebSocket } from '@hono/node-server';
import { Hono } from 'hono';
import type { WebSocket } from 'ws';
import type { Tokens } from '../auth/tokens.js';
import { Refusal, admit } from '../collab/admission.js';
import { Connection, type ConnectionDeps } from '../collab/connection.js';
import type { ConnectionLimits } from '../collab/connection-limits.js';
import type { Heartbeat } from '../collab/heartbeat.js';
import { CloseCode } from '../collab/protocol.js';
import type { ClientInfo } from './client.js';

export interface CollabDeps extends ConnectionDeps {
  tokens: Tokens;
  heartbeat: Heartbeat;
  client: ClientInfo;
  connectionLimits: ConnectionLimits;
}

/** `GET /collab/:id?token=T`: the y-websocket endpoint. Admission happens before the upgrade's socket opens. */
export function collabRoutes(deps: CollabDeps): Hono {
  const { tokens, heartbeat, logger, client, connectionLimits } = deps;
  return (
    new Hono()
      // `{.+}` takes ids with slashes too, so that they are refused with 4400 like any other bad id.
      .get(
        '/collab/:id{.+}',
        upgradeWebSocket(async (c) => {
          const docId = c.req.param('id') ?? '';
          try {
            if (!client.originAllowed(c.req.header('origin'))) throw new Refusal(CloseCode.Forbidden, 'origin not allowed');
            const { role } = await admit(tokens, docId, c.req.query('token'));
            let connection: Connection | undefined;
            return {
              onOpen(_event, ws) {
                const full = connectionLimits.acquire(docId);
                if (full) return ws.close(CloseCode.Unavailable, full);
                const socket = ws.raw as WebSocket;
                heartbeat.watch(socket);
                connection = new Connection(socket, docId, role, deps);
              },
              onMessage(event) {
                const data: unknown = event.data;
                connection?.receive(data instanceof ArrayBuffer ? new Uint8Array(data) : String(data));
              },
              onClose(event) {
                if (!connection) return;
                connectionLimits.release(docId);
                connection.closedBySocket(event.code);
              },
            };
          } catch (err) {
            if (!(err instanceof Refusal)) throw err;
            logger.info({ docId: docId.slice(0, 140), code: err.code, reason: err.reason }, 'connection refused');
            return { onOpen: (_event, ws) => ws.close(err.code, err.reason) };
          }
        }),
      )
      .get('/collab/*', (c) => c.json({ error: 'this endpoint speaks WebSocket: connect with a y-websocket client' }, 426))
  );
}
