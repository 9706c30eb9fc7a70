import type { ImageSession } from './image-session';
import { addPending, pendingOf, removePending } from './pending-store';
import { removeImages } from './y-images';

/** Uploads the images added on this device, from IndexedDB, whenever the browser is online. */
export interface UploadQueue {
  /** Keeps the bytes (in memory and in IndexedDB) until the server has them. */
  add(sha: string, blob: Blob): Promise<void>;
  /** Starts uploading everything that waits, unless offline or already uploading. */
  kick(): void;
}

interface Answer {
  /** 0 when the request did not reach the server. */
  status: number;
  sha?: string;
}

const MAX_RETRY_MS = 30_000;

export function createUploadQueue(session: ImageSession): UploadQueue {
  const inFlight = new Map<string, XMLHttpRequest>();
  /** Added in this page and not stored yet: IndexedDB may be unavailable (some private modes). */
  const waiting = new Map<string, Blob>();
  let retryMs = 1_000;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const onOnline = () => kick();
  window.addEventListener('online', onOnline);
  session.onDestroy(() => {
    closed = true;
    window.removeEventListener('online', onOnline);
    clearTimeout(retryTimer);
    for (const request of inFlight.values()) request.abort();
  });

  function kick(): void {
    if (navigator.onLine) void uploadWaiting();
  }

  async function uploadWaiting(): Promise<void> {
    const kept = await pendingOf(session.docId).catch(() => []);
    const pending = new Map([...kept.map(({ sha, blob }) => [sha, blob] as const), ...waiting]);
    for (const [sha, blob] of pending) {
      if (closed || inFlight.has(sha)) continue;
      session.local.set(sha, session.local.get(sha) ?? blob);
      void upload(sha, blob);
    }
  }

  async function upload(sha: string, blob: Blob): Promise<void> {
    const answer = await send(sha, blob);
    inFlight.delete(sha);
    if (closed) return;
    if (answer.status === 201 && answer.sha === sha) {
      waiting.delete(sha);
      await removePending(session.docId, sha);
      session.setProgress(sha, null);
      retryMs = 1_000;
      return;
    }
    if (answer.status === 413 || answer.status === 415) {
      // The server refuses these bytes for good (its limit changed since this browser last asked).
      waiting.delete(sha);
      await removePending(session.docId, sha);
      session.setProgress(sha, null);
      removeImages(session.doc, sha);
      session.message.set(answer.status === 413 ? 'An image was too big for the server and was removed.' : 'The server refused an image; it was removed.');
      return;
    }
    if (answer.status === 401 || answer.status === 403 || answer.status === 404) {
      session.message.set("Images can't be uploaded with this link; they stay on this device.");
      return;
    }
    // Offline, interrupted, rate-limited or a server in trouble: the bytes stay in IndexedDB, try again later.
    session.setProgress(sha, 0);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(kick, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  /** XMLHttpRequest rather than fetch: only it reports upload progress in every browser. */
  function send(sha: string, blob: Blob): Promise<Answer> {
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      inFlight.set(sha, request);
      request.open('POST', `/api/docs/${encodeURIComponent(session.docId)}/files`);
      request.setRequestHeader('Authorization', `Bearer ${session.token}`);
      request.upload.onprogress = (event) => event.lengthComputable && session.setProgress(sha, event.loaded / event.total);
      request.onload = () => {
        let stored: string | undefined;
        try {
          stored = (JSON.parse(request.responseText) as { sha?: string }).sha;
        } catch {
          stored = undefined;
        }
        resolve({ status: request.status, sha: stored });
      };
      request.onerror = request.onabort = request.ontimeout = () => resolve({ status: 0 });
      session.setProgress(sha, 0);
      request.send(blob);
    });
  }

  return {
    async add(sha, blob) {
      session.local.set(sha, blob);
      waiting.set(sha, blob);
      session.setProgress(sha, 0);
      await addPending({ docId: session.docId, sha, blob }).catch(() => undefined); // without IndexedDB: memory only
    },
    kick,
  };
}
