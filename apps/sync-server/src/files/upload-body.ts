import { type ImageType, SNIFF_BYTES, sniffImageType } from '@collab/schema/file-types';

/** Why an upload's body could not be read to its end. */
export type UploadFailure = 'too-large' | 'interrupted';

export interface Upload {
  /** The type its first bytes show, or null for anything but PNG, JPEG, GIF and WebP. */
  type: ImageType | null;
  /** Every byte of the body, the sniffed head first; throws past `maxBytes` or when the client goes away. */
  chunks: AsyncIterable<Uint8Array>;
  /** What stopped `chunks`, once it threw because of the body. */
  failure(): UploadFailure | null;
}

/**
 * Reads the first bytes of a request body to sniff its type, and hands on the rest as it arrives: nothing past
 * `maxBytes` is ever read, and nothing is held beyond the chunk in hand, so a large body costs no memory.
 * A body that fails in its first bytes gives type null with failure() set.
 */
export async function readUpload(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Upload> {
  const reader = body?.getReader();
  let size = 0;
  let failure: UploadFailure | null = null;

  async function next(): Promise<Uint8Array | null> {
    if (!reader) return null;
    let result;
    try {
      result = await reader.read();
    } catch (err) {
      failure = 'interrupted';
      throw err;
    }
    if (result.done) return null;
    size += result.value.byteLength;
    if (size > maxBytes) {
      failure = 'too-large';
      void reader.cancel().catch(() => undefined);
      throw new Error(`the body is larger than ${maxBytes} bytes`);
    }
    return result.value;
  }

  const head: Uint8Array[] = [];
  try {
    for (let headBytes = 0; headBytes < SNIFF_BYTES; ) {
      const chunk = await next();
      if (!chunk) break;
      head.push(chunk);
      headBytes += chunk.byteLength;
    }
  } catch {
    return { type: null, chunks: (async function* () {})(), failure: () => failure };
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield* head;
    for (let chunk = await next(); chunk; chunk = await next()) yield chunk;
  }
  return { type: sniffImageType(Buffer.concat(head)), chunks: chunks(), failure: () => failure };
}
