/** Bytes that the server takes for an image of each type: the type's magic number, then random filler. */
import { createHash, randomBytes } from 'node:crypto';

const SIGNATURES = {
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  'image/gif': Buffer.from('GIF89a'),
  'image/webp': Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]),
};

export type TestImageType = keyof typeof SIGNATURES;

export function imageBytes(type: TestImageType, size: number): Buffer {
  const signature = SIGNATURES[type];
  return Buffer.concat([signature, randomBytes(Math.max(0, size - signature.length))]);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A request body sent in pieces without a Content-Length (chunked), as a client streaming a file does. */
export function chunkedBody(bytes: Uint8Array, pieces = 8): ReadableStream<Uint8Array> {
  const size = Math.ceil(bytes.length / pieces);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + size));
      at += size;
    },
  });
}
