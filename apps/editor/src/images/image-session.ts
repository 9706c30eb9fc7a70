import type * as Y from 'yjs';
import { createStore, type ReadableStore, type Store } from '../collab/store';
import { canEdit } from '../collab/role';
import type { AccessRole } from '../storage/local-docs';
import { watchDataImages } from './data-images';
import type { Intake } from './intake';
import { hasPending } from './pending-store';

/**
 * What the editor knows about the images of one open document: the files added on this device, their upload
 * progress, the message about the last refused one, and the code that adds and uploads images, which is a
 * chunk of its own: a document nobody adds an image to never loads it.
 */
export interface ImageSession {
  docId: string;
  /** The share token: files are fetched and uploaded with it in an Authorization header, never in a URL. */
  token: string;
  doc: Y.Doc;
  /** Files added on this device, by hash: shown from here while (and after) they upload. */
  local: Map<string, Blob>;
  /** Upload progress (0 to 1) of a file waiting or uploading; null once the server has stored it. */
  progress(sha: string): ReadableStore<number | null>;
  setProgress(sha: string, value: number | null): void;
  /** Why the last image could not be added, for the user; null when there is nothing to say. */
  message: Store<string | null>;
  intake(): Promise<Intake>;
  /** Runs `cleanup` when the document closes. */
  onDestroy(cleanup: () => void): void;
  destroy(): void;
}

export function createImageSession(docId: string, token: string, doc: Y.Doc, role: ReadableStore<AccessRole>): ImageSession {
  const progress = new Map<string, Store<number | null>>();
  const cleanups: Array<() => void> = [];
  const progressOf = (sha: string) => {
    let store = progress.get(sha);
    if (!store) progress.set(sha, (store = createStore<number | null>(null)));
    return store;
  };
  let intake: Promise<Intake> | undefined;

  const session: ImageSession = {
    docId,
    token,
    doc,
    local: new Map(),
    progress: progressOf,
    setProgress: (sha, value) => progressOf(sha).set(value),
    message: createStore<string | null>(null),
    intake: () => (intake ??= import('./intake').then((module) => module.createIntake(session))),
    onDestroy: (cleanup) => void cleanups.push(cleanup),
    destroy() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };

  // Another client may write an image as a data: URI, which must not stay in the document: an editor uploads
  // the bytes and puts the file's hash in its place.
  cleanups.push(
    watchDataImages(doc, (elements) => {
      if (canEdit(role.get())) void session.intake().then((loaded) => loaded.replaceDataImages(elements));
    }),
  );
  void hasPending(docId).then((waiting) => {
    if (waiting) void session.intake().then((loaded) => loaded.resumeUploads());
  });
  return session;
}
