import { createStore, type ReadableStore, type Store } from '../collab/store';
import type { ImageSession } from './image-session';
import { pendingBlob } from './pending-store';

/** What an image node can show: nothing yet, the file (as a blob URL), or a placeholder while it is not uploaded. */
export type ImageSource = { state: 'loading' } | { state: 'ready'; url: string } | { state: 'missing' };

const MAX_RETRY_MS = 5_000;
const sources = new WeakMap<ImageSession, Map<string, Store<ImageSource>>>();

/**
 * The source of the file `sha` in this document, shared by every node showing it. Added on this device: the
 * local bytes. Otherwise fetched with the token in an Authorization header (never in a URL an <img> would
 * carry); a file another user has not uploaded yet is asked for again, less and less often.
 */
export function imageSource(session: ImageSession, sha: string): ReadableStore<ImageSource> {
  let known = sources.get(session);
  if (!known) sources.set(session, (known = new Map()));
  let store = known.get(sha);
  if (!store) {
    known.set(sha, (store = createStore<ImageSource>({ state: 'loading' })));
    void load(session, sha, store);
  }
  return store;
}

async function load(session: ImageSession, sha: string, store: Store<ImageSource>): Promise<void> {
  let closed = false;
  session.onDestroy(() => (closed = true));
  for (let retryMs = 1_000; !closed; retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)) {
    const blob = session.local.get(sha) ?? (await pendingBlob(session.docId, sha).catch(() => undefined)) ?? (await download(session, sha));
    if (closed) return;
    if (blob) {
      const url = URL.createObjectURL(blob);
      session.onDestroy(() => URL.revokeObjectURL(url));
      store.set({ state: 'ready', url });
      return;
    }
    store.set({ state: 'missing' });
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

async function download(session: ImageSession, sha: string): Promise<Blob | null> {
  try {
    const response = await fetch(`/api/docs/${encodeURIComponent(session.docId)}/files/${sha}`, {
      headers: { Authorization: `Bearer ${session.token}` },
    });
    return response.ok ? await response.blob() : null;
  } catch {
    return null; // offline: asked again later
  }
}
