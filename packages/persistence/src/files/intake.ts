import { createHash } from 'node:crypto';

/**
 * Passes each chunk of an upload to `write` in order while hashing it, and returns the SHA-256 and size of
 * the whole. A throw from `chunks` (the caller's size limit, a client that went away) or from `write` stops it.
 */
export async function hashWhileWriting(
  chunks: AsyncIterable<Uint8Array>,
  write: (chunk: Uint8Array) => Promise<void> | void,
): Promise<{ sha: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.byteLength;
    await write(chunk);
  }
  return { sha: hash.digest('hex'), size };
}
