import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestService } from './test-service.js';
import { findExecutable, freePort, startProcess, stopProcess, waitUntilReady, type ServerProcess } from './server-process.js';

export interface RedisOptions {
  /** Log every write to an append-only file, fsynced on each one, so that data survives restart(). */
  appendOnly?: boolean;
}

/** Starts Debian's redis-server on a free port with its files in a fresh temp dir. */
export async function startRedis(options: RedisOptions = {}): Promise<TestService> {
  const binary = await findExecutable('redis-server', 'install redis-server: apt-get install -y redis-server');
  const dir = await mkdtemp(join(tmpdir(), 'collab-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction'];
  if (options.appendOnly) args.push('--appendonly', 'yes', '--appendfsync', 'always');

  const start = async () => {
    const server = startProcess(binary, args);
    await waitUntilReady('redis-server', server, () => answersPing(port));
    return server;
  };
  let server: ServerProcess | null = await start().catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });

  // SIGTERM is Redis's graceful shutdown: it finishes the append-only file before exiting.
  const halt = async () => {
    if (server) await stopProcess(server, 'SIGTERM');
    server = null;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await halt();
      server = await start();
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** True once the server answers PING with PONG; a server still loading its data answers -LOADING instead. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ready: boolean) => {
      socket.destroy();
      resolve(ready);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.write('PING\r\n');
  });
}
