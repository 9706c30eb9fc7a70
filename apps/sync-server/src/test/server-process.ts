/** The real entry point (`src/server.ts`) in a child process, for tests that kill it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET } from './helpers.js';

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

export { freePort } from '@collab/test-services';

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

export async function createDocOn(url: string): Promise<{ id: string; editToken: string; viewToken: string }> {
  const res = await fetch(`${url}/api/docs`, { method: 'POST' });
  return (await res.json()) as { id: string; editToken: string; viewToken: string };
}
