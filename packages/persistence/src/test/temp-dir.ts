import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty directory under the system's temp dir. */
export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'collab-persistence-'));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
