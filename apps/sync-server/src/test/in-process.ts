/** The server without a port: its HTTP routes called in process with `app.request`, on a real LevelDB store. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { createLogger } from '../observability.js';
import { type ServerParts, type StartOptions, assembleServer } from '../start.js';
import { TEST_SECRET, makeTempDir } from './helpers.js';

export interface InProcessServer extends ServerParts {
  /** `app.request` as if from a client at `remoteAddress` (the socket's peer, as @hono/node-server passes it). */
  request(path: string, init?: RequestInit, remoteAddress?: string): Promise<Response>;
  /** Closes the rooms and the store and removes the data directory. */
  cleanup(): Promise<void>;
}

export async function assembleTestServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<InProcessServer> {
  const dataDir = await makeTempDir();
  const parts = await assembleServer(
    loadConfig({ DATA_DIR: dataDir, COLLAB_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', ...env }),
    { logger: createLogger('silent'), editorDir: path.join(dataDir, 'no-editor'), ...options },
  );
  return {
    ...parts,
    request: async (url, init, remoteAddress = '127.0.0.1') =>
      parts.app.request(url, init, { incoming: { socket: { remoteAddress } } }),
    async cleanup() {
      await parts.rooms.close();
      await parts.release();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
