/** Shared fixtures for the integration tests: a real server on port 0, stock clients, raw sockets. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { encodeSyncStep2 } from '../collab/protocol.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../observability.js';
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
  editUrl: string;
  viewUrl: string;
}

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
    async createDoc() {
      const res = await fetch(`${handle.server.url}/api/docs`, { method: 'POST' });
      if (res.status !== 201) throw new Error(`POST /api/docs answered ${res.status}`);
      return (await res.json()) as CreatedDoc;
    },
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

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  text: Y.Text;
  destroy(): void;
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

/** One series' value from the server's /metrics (`name` or `name{labels}`), NaN while it does not exist. */
export async function readMetric(baseUrl: string, series: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const waitForSync = (client: TestClient, timeoutMs?: number) =>
  waitFor('the client to sync', () => client.provider.synced, timeoutMs);

/** A raw socket on the endpoint, for sending what no stock client would. */
export interface RawSocket {
  socket: WebSocket;
  messages: Uint8Array[];
  /** Resolves with the close code once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
}

/**
 * Opens a raw socket. Like every real client it answers the server's sync step 1 at once (with nothing
 * new), unless `answerSync` is false: the server holds a client's updates until that answer.
 */
export function openRawSocket(url: string, { answerSync = true } = {}): RawSocket {
  const socket = new WebSocket(url);
  if (answerSync) socket.once('open', () => socket.send(encodeSyncStep2(new Y.Doc(), new Uint8Array([0]))));
  const messages: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  socket.on('error', () => {});
  return {
    socket,
    messages,
    opened: new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('close', () => reject(new Error('closed before opening')));
    }),
    closed: new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
  };
}
