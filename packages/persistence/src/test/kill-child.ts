import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a child script (TypeScript, through tsx) that prints "ready <n>" once it starts at step n and
 * "ack <n>" once step n is durable; SIGKILLs it `killAfterMs` after it is ready and has printed `afterAcks`
 * acks (counting progress rather than time keeps a busy machine from killing it before it did anything),
 * and returns what it printed. Fails the test if the child ended any other way.
 */
export async function runChildAndKill(
  script: string,
  args: readonly string[],
  killAfterMs: number,
  afterAcks = 0,
): Promise<{ startedAt: number; acked: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let killTimer: NodeJS.Timeout | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (killTimer === undefined && stdout.includes('ready') && (stdout.match(/^ack /gm)?.length ?? 0) >= afterAcks) {
      killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(killTimer);
  expect(signal, `the child should run until killed; its stderr: ${stderr}`).toBe('SIGKILL');

  const lines = stdout.split('\n').filter((line) => line.length > 0);
  const startedAt = Number(lines[0]?.match(/^ready (\d+)$/)?.[1]);
  const acked = lines.slice(1).map((line) => Number(line.match(/^ack (\d+)$/)?.[1]));
  return { startedAt, acked };
}

/** The text after steps 0..count-1 of a child that types the marker "[n]" at step n. */
export function markers(count: number): string {
  let text = '';
  for (let n = 0; n < count; n++) text += `[${n}]`;
  return text;
}
