import { StoreError, type DocMeta } from './doc-store.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Metadata of a document that exists but holds no updates yet. */
export function emptyMeta(docId: string, now: number): DocMeta {
  return { id: docId, createdAt: now, updatedAt: now, size: 0, updates: 0 };
}

export function encodeMeta(meta: DocMeta): Uint8Array {
  const { id, createdAt, updatedAt, size, updates } = meta;
  return encoder.encode(JSON.stringify({ id, createdAt, updatedAt, size, updates }));
}

/** Parses stored metadata; anything that is not the expected shape is StoreError('corrupt'). */
export function decodeMeta(bytes: Uint8Array): DocMeta {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new StoreError('corrupt', 'stored document metadata is not JSON', { cause: err });
  }
  if (!isDocMeta(value)) throw new StoreError('corrupt', 'stored document metadata has the wrong shape');
  return value;
}

function isDocMeta(value: unknown): value is DocMeta {
  if (typeof value !== 'object' || value === null) return false;
  const meta = value as Record<string, unknown>;
  return (
    typeof meta.id === 'string' &&
    ['createdAt', 'updatedAt', 'size', 'updates'].every((field) => Number.isFinite(meta[field]))
  );
}
