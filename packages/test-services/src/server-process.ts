import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { waitFor } from './wait-for.js';

/** A server started for a test, and the last lines it printed, for error messages. */
export interface ServerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the process has exited, whatever the reason. */
  exited: Promise<void>;
}

const OUTPUT_LIMIT = 4_000;
const live = new Set<ChildProcess>();

// A test run that dies without calling stop() must not leave servers behind holding ports and temp dirs.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ServerProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      live.delete(child);
      resolve();
    };
    child.once('exit', done);
    // A failed spawn (ENOENT, EACCES) emits 'error' and never 'exit'.
    child.once('error', (err) => {
      collect(Buffer.from(String(err)));
      done();
    });
  });
  return { child, output: () => output, exited };
}

/** Sends `signal` and waits for the exit; escalates to SIGKILL after `graceMs`, so stop() always finishes. */
export async function stopProcess(server: ServerProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(timer);
}

/** Polls `probe` until it succeeds; fails at once if the server exits, and after `timeoutMs` otherwise. */
export async function waitUntilReady(
  name: string,
  server: ServerProcess,
  probe: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  let running = true;
  void server.exited.then(() => (running = false));
  await waitFor(
    `${name} to become ready`,
    async () => {
      if (!running) throw new Error(`${name} exited while starting:\n${server.output()}`);
      return probe().catch(() => false);
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw running ? new Error(`${err.message}:\n${server.output()}`) : err;
  });
}

/** A TCP port that was free a moment ago; the server binds it right after, so a collision is unlikely. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The absolute path of an executable, from an absolute path or a name on PATH; `hint` says how to install it. */
export async function findExecutable(name: string, hint: string): Promise<string> {
  const candidates = name.includes('/') ? [name] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  throw new Error(`${name} not found; ${hint}`);
}
