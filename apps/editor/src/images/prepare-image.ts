import { IMAGE_TYPES, SNIFF_BYTES, sniffImageType, type ImageType } from '@collab/schema/file-types';
import { toHexString } from 'lib0/buffer';
import { digest } from 'lib0/hash/sha256';

/** An image ready to go into the document: its hash (the file's id on the server), pixel size and bytes. */
export interface PreparedImage {
  sha: string;
  type: ImageType;
  width: number;
  height: number;
  /** The bytes, typed as sniffed (a blob URL of them shows the image). */
  blob: Blob;
}

/** Why an image was not added, worded for the user. */
export class ImageRefused extends Error {
  override readonly name = 'ImageRefused';
}

const MIB = 1024 * 1024;
const LIMIT_KEY = 'collab-max-file-bytes';
/** The server's default, for a browser that has never reached the server. */
const DEFAULT_LIMIT = 10 * MIB;
let limit: Promise<number> | undefined;

/** The server's MAX_FILE_BYTES, asked once per page and kept for offline use. */
function maxFileBytes(): Promise<number> {
  limit ??= fetch('/api/limits')
    .then((response) => (response.ok ? (response.json() as Promise<{ maxFileBytes: number }>) : Promise.reject(new Error())))
    .then(({ maxFileBytes }) => {
      window.localStorage.setItem(LIMIT_KEY, String(maxFileBytes));
      return maxFileBytes;
    })
    .catch(() => {
      limit = undefined; // ask again next time
      return Number(window.localStorage.getItem(LIMIT_KEY)) || DEFAULT_LIMIT;
    });
  return limit;
}

const megabytes = (bytes: number) => `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MB`;
const typeNames = IMAGE_TYPES.map((type) => type.slice('image/'.length).toUpperCase()).join(', ');

/**
 * Checks a file as the server will (type from its first bytes, size against the server's limit) so that a
 * refused image never enters the document, and reads its pixel size and hash. Throws ImageRefused.
 */
export async function prepareImage(file: Blob, name: string): Promise<PreparedImage> {
  const type = sniffImageType(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  if (!type) throw new ImageRefused(`${name} can't be added: only ${typeNames} images can (SVG is not allowed).`);
  const max = await maxFileBytes();
  if (file.size > max) throw new ImageRefused(`${name} is too big (${megabytes(file.size)}): images can be at most ${megabytes(max)}.`);
  const blob = file.type === type ? file : new Blob([file], { type });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new ImageRefused(`${name} can't be added: it is not a readable image.`);
  }
  const { width, height } = bitmap;
  bitmap.close();
  const sha = toHexString(digest(new Uint8Array(await blob.arrayBuffer())));
  return { sha, type, width, height, blob };
}

/** The bytes of a data: URI (base64 or percent-encoded), without fetch: the page's CSP rightly forbids it. */
export function dataUriBlob(uri: string): Blob | null {
  const match = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/is.exec(uri);
  if (!match) return null;
  const [, mediaType = '', parameters = '', data = ''] = match;
  try {
    if (!/;base64/i.test(parameters)) return new Blob([decodeURIComponent(data)], { type: mediaType });
    const binary = atob(data.replace(/\s+/g, ''));
    return new Blob([Uint8Array.from(binary, (char) => char.charCodeAt(0))], { type: mediaType });
  } catch {
    return null;
  }
}
