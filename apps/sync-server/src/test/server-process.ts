/** The real entry point (`src/server.ts`) in a child process, for tests that kill it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '@collab/test-services';
import { afterEach } from 'vitest';
import { type ClusterServices, clusterEnv, useClusterServices } from './backends.js';
import { TEST_SECRET, makeTempDir } from './helpers.js';

const SERVER_ENTRY = fileURLToPath(new URL('../server.ts', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  collabUrl: string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
  /** Everything the process wrote to stderr, for failure messages. */
  stderr(): string;
}

/** Runs the server from source (tsx, `source` export condition) and resolves once it listens. */
export function spawnServer(env: Record<string, string>): Promise<ServerProcess> & { process: ChildProcess } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SERVER_ENTRY], {
    env: { ...process.env, HOST: '127.0.0.1', COLLAB_SECRET: TEST_SECRET, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const ready = new Promise<ServerProcess>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /running at http:\/\/[^:]+:(\d+)/.exec(stdout);
      if (!match) return;
      const port = Number(match[1]);
      resolve({
        child,
        port,
        url: `http://127.0.0.1:${port}`,
        collabUrl: `ws://127.0.0.1:${port}/collab`,
        exited,
        stderr: () => stderr,
      });
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  return Object.assign(ready, { process: child });
}

/** A data directory and a port for server processes, one after the other (a restart keeps both). */
export interface ServerHome {
  dataDir: string;
  /** Spawns a server on this home's directory and port, with `env` added to the home's. */
  start(env?: Record<string, string>): Promise<ServerProcess>;
  /** Kills every process this home started (SIGKILL) and removes the directory. */
  cleanup(): Promise<void>;
}

export async function serverHome(env: Record<string, string> = {}): Promise<ServerHome> {
  const dataDir = await makeTempDir();
  const port = String(await freePort());
  const started: ServerProcess[] = [];
  return {
    dataDir,
    async start(more = {}) {
      const server = await spawnServer({ DATA_DIR: dataDir, PORT: port, ...env, ...more });
      started.push(server);
      return server;
    },
    async cleanup() {
      for (const server of started.splice(0)) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Server processes of one cluster for the enclosing describe's tests, on one Redis and one PostgreSQL
 * (useClusterServices): `start` spawns one on a home of its own with `env`, killed after its test.
 */
export function useClusterProcesses(env: Record<string, string> = {}): { services: ClusterServices; start(): Promise<ServerProcess> } {
  const services = useClusterServices();
  const homes: ServerHome[] = [];
  afterEach(async () => {
    for (const home of homes.splice(0)) await home.cleanup();
  });
  return {
    services,
    async start() {
      const home = await serverHome({ ...clusterEnv(services), ...env });
      homes.push(home);
      return home.start();
    },
  };
}
