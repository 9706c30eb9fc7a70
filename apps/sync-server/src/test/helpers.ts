/**
 * The sync server's test kit: a real server on port 0, stock clients, raw sockets, its metrics and messages.
 * What other workspaces need too (free ports, `waitFor`, child processes) is in @collab/test-services.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { waitFor } from '@collab/test-services';
import * as encoding from 'lib0/encoding';
import { afterEach } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MessageType, encodeAwareness, encodeAwarenessEntries, encodeSyncStep2 } from '../collab/protocol.js';
import { type LogLevel, loadConfig } from '../config.js';
import { type Logger, createLogger } from '../observability.js';
import { type RunningServer, type StartOptions, startServer } from '../start.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  /** Base of the WebSocket endpoint, as a stock client takes it: `ws://127.0.0.1:port/collab`. */
  collabUrl: string;
  createDoc(): Promise<CreatedDoc>;
  /** Closes the server gracefully and starts a new one on the same data directory and port. */
  restart(): Promise<void>;
  /** Closes the server and removes its data directory. */
  cleanup(): Promise<void>;
}

export interface CreatedDoc {
  id: string;
  editToken: string;
  viewToken: string;
  ownerToken: string;
  editUrl: string;
  viewUrl: string;
}

export { waitFor };

export const makeTempDir = (prefix = 'collab-test-') => mkdtemp(path.join(os.tmpdir(), prefix));

export async function startTestServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dataDir = await makeTempDir();
  const start = (port: string) =>
    startServer(
      loadConfig({ PORT: port, DATA_DIR: dataDir, COLLAB_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', ...env }),
      { logger: createLogger('silent'), unloadGraceMs: 50, editorDir: path.join(dataDir, 'no-editor'), ...options },
    );
  const handle: TestServer = {
    server: await start('0'),
    dataDir,
    get collabUrl() {
      return `ws://127.0.0.1:${handle.server.port}/collab`;
    },
    createDoc: () => createDocOn(handle.server.url),
    async restart() {
      const port = String(handle.server.port);
      await handle.server.close();
      handle.server = await start(port);
    },
    async cleanup() {
      await handle.server.close().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** `start` runs startTestServer for the enclosing describe's tests; each server is closed and removed after its test. */
export function useTestServers(): { start: typeof startTestServer } {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.cleanup();
  });
  return {
    async start(env, options) {
      const server = await startTestServer(env, options);
      servers.push(server);
      return server;
    },
  };
}

/** Creates a document through `POST /api/docs` of the server at `url`. */
export async function createDocOn(url: string): Promise<CreatedDoc> {
  const res = await fetch(`${url}/api/docs`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`POST /api/docs answered ${res.status}`);
  return (await res.json()) as CreatedDoc;
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  text: Y.Text;
  destroy(): void;
}

/** The stock clients a describe's tests open, each destroyed after its test. */
export interface TestClients {
  /** A stock client on `docId` at `server` (see connectClient). */
  connect(server: { collabUrl: string }, docId: string, token: string, doc?: Y.Doc): TestClient;
  /** The same, once it has synced. */
  connected(server: { collabUrl: string }, docId: string, token: string): Promise<TestClient>;
  /** Destroys the clients opened so far, before the test ends (to restart the server under none, say). */
  destroyAll(): void;
}

/**
 * Registers the after-each hook that destroys the enclosing describe's clients. Call it after the hooks that
 * stop the server: vitest runs after-hooks last registered first, so the clients go before their server.
 */
export function useClients(): TestClients {
  const clients: TestClient[] = [];
  const destroyAll = () => {
    for (const client of clients.splice(0)) client.destroy();
  };
  afterEach(destroyAll);
  const connect: TestClients['connect'] = (server, docId, token, doc) => {
    const client = connectClient(server.collabUrl, docId, token, doc);
    clients.push(client);
    return client;
  };
  return {
    connect,
    async connected(server, docId, token) {
      const client = connect(server, docId, token);
      await waitForSync(client);
      return client;
    },
    destroyAll,
  };
}

/** A stock y-websocket client, exactly as an app would create it (BroadcastChannel off: see README). */
export function connectClient(collabUrl: string, docId: string, token: string, doc = new Y.Doc()): TestClient {
  const provider = new WebsocketProvider(collabUrl, docId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return {
    doc,
    provider,
    text: doc.getText('t'),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** A server logger at `level` that keeps what it writes, for tests that check the server's logs. */
export function capturingLogger(level: LogLevel): { logger: Logger; logs(): string; clear(): void } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: createLogger(level, sink), logs: () => text, clear: () => void (text = '') };
}

/** One series' value from the server's /metrics (`name` or `name{labels}`), NaN while it does not exist. */
export async function readMetric(baseUrl: string, series: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

/**
 * Resolves once `check` holds, looking again each time `client`'s document changes, so that it answers as soon
 * as the update that makes it true arrives; fails with `what` after `timeoutMs`.
 */
export function untilUpdated(client: TestClient, what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const look = () => {
      if (!check()) return;
      finish();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      client.doc.off('update', look);
    };
    client.doc.on('update', look);
    look();
  });
}

export const waitForSync = (client: TestClient, timeoutMs?: number) =>
  waitFor('the client to sync', () => client.provider.synced, timeoutMs);

/** A raw socket on the endpoint, for sending what no stock client would. */
export interface RawSocket {
  socket: WebSocket;
  messages: Uint8Array[];
  opened: Promise<void>;
  /**
   * Resolves with the server's first sync message: the connection was admitted and joined its document. A
   * refused connection opens too (browsers cannot read an upgrade's status) but closes before any message:
   * then this rejects with the close code.
   */
  accepted: Promise<void>;
  /** Resolves with the close code once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
}

export interface RawSocketOptions {
  /** Answer the server's sync step 1 at once, as every real client does (default true). */
  answerSync?: boolean;
  headers?: Record<string, string>;
}

/**
 * Opens a raw socket. Like every real client it answers the server's sync step 1 at once (with nothing
 * new), unless `answerSync` is false: the server holds a client's updates until that answer.
 */
export function openRawSocket(url: string, { answerSync = true, headers }: RawSocketOptions = {}): RawSocket {
  const socket = new WebSocket(url, { headers });
  if (answerSync) socket.once('open', () => socket.send(encodeSyncStep2(new Y.Doc(), new Uint8Array([0]))));
  const messages: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  socket.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const accepted = new Promise<void>((resolve, reject) => {
    socket.on('message', (data: Buffer) => data[0] === MessageType.Sync && resolve());
    void closed.then(({ code }) => reject(new Error(`closed with ${code} before the server's first sync message`)));
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    void closed.then(() => reject(new Error('closed before opening')));
  });
  // Either may go unawaited when the socket is meant to be refused.
  accepted.catch(() => {});
  opened.catch(() => {});
  return { socket, messages, opened, accepted, closed };
}

/**
 * A bare TCP connection upgraded to a WebSocket on `path` (`/collab/<id>?token=...`), for a peer no WebSocket
 * library plays: one that stops reading, or sends a frame that breaks the protocol. Resolves once the server
 * has answered 101 (from then on it watches the socket and sends it frames).
 */
export async function upgradeOverTcp(port: number, path: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
  if (!head.startsWith('HTTP/1.1 101 ')) throw new Error(`the upgrade was answered ${head.split('\r\n')[0]}`);
  return socket;
}

/** How the server answers a connection to `url`: `'accepted'` (its first sync message) or the close code. */
export async function admissionOf(url: string, headers?: Record<string, string>): Promise<'accepted' | number> {
  const raw = openRawSocket(url, { headers });
  try {
    await raw.accepted;
    return 'accepted';
  } catch {
    return (await raw.closed).code;
  } finally {
    raw.socket.close();
  }
}

/** An awareness message setting `state` for `clientId`, encoded by the server's own protocol module. */
export const awarenessMessage = (clientId: number, state: unknown, clock = 1): Uint8Array =>
  encodeAwareness(encodeAwarenessEntries([{ clientId, clock, state }]));

/** An awareness message whose state is the text `json` as it is, valid JSON or not: what no encoder writes. */
export function awarenessWithRawState(json: string, clientId = 12345): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, 1);
  encoding.writeVarString(e, json);
  return encodeAwareness(encoding.toUint8Array(e));
}
