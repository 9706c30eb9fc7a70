import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Hono } from 'hono';
import { WebSocket, WebSocketServer } from 'ws';
import type { AccessControl } from '../access/access-control.js';
import type { Grant, Tokens } from '../auth/tokens.js';
import { Refusal, admit } from '../collab/admission.js';
import { Connection, type ConnectionDeps } from '../collab/connection.js';
import type { ConnectionLimits } from '../collab/connection-limits.js';
import type { Heartbeat } from '../collab/heartbeat.js';
import { CloseCode } from '../collab/protocol.js';
import { Revocable } from '../collab/revocable.js';
import type { ClientInfo } from './client.js';

export interface CollabDeps extends ConnectionDeps {
  tokens: Tokens;
  access: AccessControl;
  heartbeat: Heartbeat;
  client: ClientInfo;
  connectionLimits: ConnectionLimits;
}

const PREFIX = '/collab/';
/** RFC 6455's "message too big", which `ws` closes with when a message exceeds its `maxPayload`. */
const MESSAGE_TOO_BIG = 1009;

/**
 * A socket that closes with 4413 where `ws` would close with 1009.
 *
 * `ws` enforces MAX_MESSAGE_BYTES itself, as `maxPayload`: it reads a frame's length from its header and
 * refuses the message before buffering any of its payload, which is the only place a 64 MiB frame can be
 * refused without holding it. But it closes with 1009, which the stock client takes as "reconnect": it
 * would come back and send the same oversized state for ever. `ws` has no option for that close code; it
 * does let the server choose the class of its sockets (the `WebSocket` option) and closes through their
 * public `close` method, so this subclass turns that one code into ours. Checking sizes after `ws` instead
 * would mean a ceiling above ours and a frame up to that ceiling buffered in full.
 */
class CollabSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (code === MESSAGE_TOO_BIG) super.close(CloseCode.TooLarge, 'message too large');
    else super.close(code, data);
  }
}

/** The WebSocket server of the sync endpoint; messages over `maxMessageBytes` close with 4413. */
export function createCollabSocketServer(maxMessageBytes: number): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, WebSocket: CollabSocket });
}

/** `GET /collab/...` without an upgrade: say what the endpoint is for. */
export function collabRoutes(): Hono {
  return new Hono().get('/collab/*', (c) =>
    c.json({ error: 'this endpoint speaks WebSocket: connect with a y-websocket client' }, 426),
  );
}

/**
 * `GET /collab/:id?token=T` upgraded to a WebSocket: the y-websocket endpoint, on the HTTP server's
 * 'upgrade' event with `ws` directly. Hono's upgradeWebSocket kept each socket's IncomingMessage, Request
 * and Context alive for as long as it was open (most of the heap an idle connection cost), and wrapped every
 * message in a MessageEvent over a copied ArrayBuffer.
 *
 * Admission happens before the upgrade completes; browsers cannot read an upgrade's HTTP status, so a
 * refused socket is opened and closed at once with the reason's close code. An admitted socket's grant stays
 * watched until the socket closes: a link reset, turned off or deleted closes it (see access/access-control.ts).
 */
export function acceptCollabSockets(server: Server, wss: WebSocketServer, deps: CollabDeps): void {
  const { client, logger, connectionLimits, heartbeat } = deps;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', ignore);
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(PREFIX)) return refuseUpgrade(socket, '404 Not Found');
    const docId = decodedOrEmpty(url.pathname.slice(PREFIX.length));
    const revocable = new Revocable();
    const address = client.address({ env: { incoming: request }, req: { header: (name) => firstValue(request.headers[name]) } });
    // Checked before admission, which costs a signature check: a flood from one address stops here.
    if (connectionLimits.addressFull(address)) {
      return upgrade((ws) => ws.close(CloseCode.Unavailable, 'too many connections from this address'));
    }
    const admitted = client.originAllowed(request.headers.origin)
      ? admit(deps, docId, url.searchParams.get('token') ?? undefined, revocable.revoke)
      : Promise.reject(new Refusal(CloseCode.Forbidden, 'origin not allowed'));
    admitted.then(
      ({ grant, release }) => {
        // Whatever ends the socket (a refused upgrade, a limit, the peer, a revocation), the grant is no longer held.
        if (socket.destroyed) return release();
        socket.once('close', release);
        upgrade((ws) => open(ws, grant, revocable, address));
      },
      (err: unknown) => {
        if (!(err instanceof Refusal)) {
          logger.error({ err, docId: docId.slice(0, 140) }, 'admission failed');
          return refuseUpgrade(socket, '500 Internal Server Error');
        }
        logger.info({ docId: docId.slice(0, 140), code: err.code, reason: err.reason }, 'connection refused');
        upgrade((ws) => ws.close(err.code, err.reason));
      },
    );

    function upgrade(then: (ws: WebSocket) => void): void {
      if (socket.destroyed) return;
      wss.handleUpgrade(request, socket, head, (ws) => {
        socket.off('error', ignore);
        // Without a listener, an error (a frame that breaks the protocol, or one too large) would be thrown:
        // ws closes the socket itself, with 1002, or 4413 (see CollabSocket).
        ws.on('error', ignore);
        then(ws);
      });
    }
  });

  function open(ws: WebSocket, grant: Grant, revocable: Revocable, address: string): void {
    const { docId } = grant;
    const full = connectionLimits.acquire(docId, address);
    if (full) return ws.close(CloseCode.Unavailable, full);
    heartbeat.watch(ws);
    const connection = new Connection(ws, docId, grant.role, address, deps, grant.name);
    revocable.attach(connection);
    ws.on('error', (err: Error) => connection.socketFailed(err));
    ws.on('message', (data: Buffer, isBinary: boolean) => connection.receive(isBinary ? data : data.toString()));
    ws.once('close', (code: number) => {
      connectionLimits.release(docId, address);
      connection.closedBySocket(code);
    });
  }
}

/** The path segment as the id it names; a malformed escape gives '' (refused as an invalid id). */
function decodedOrEmpty(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function refuseUpgrade(socket: Duplex, status: string): void {
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

function ignore(): void {}
