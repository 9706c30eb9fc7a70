import { IndexeddbPersistence } from 'y-indexeddb';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { collabUrl } from '../api';
import { createImageSession, type ImageSession } from '../images/image-session';
import type { AccessRole } from '../storage/local-docs';
import { randomBackoffCeiling } from './backoff';
import { followConnection, type ConnectionState } from './connection';
import { claimedRole, followRole } from './role';
import { trackSaves, type SaveState } from './save-tracker';
import { watchServer } from './server-channel';
import type { ReadableStore } from './store';

/** One open document: its Y.Doc, kept in IndexedDB and synced with the server, and what we know of that sync. */
export interface Session {
  doc: Y.Doc;
  provider: WebsocketProvider;
  awareness: Awareness;
  connection: ReadableStore<ConnectionState>;
  saves: ReadableStore<SaveState>;
  role: ReadableStore<AccessRole>;
  /** The document's images: shown with the token, added and uploaded from this device. */
  images: ImageSession;
  /** Resolves once the local copy is loaded: true if it held anything. */
  localCopyLoaded: Promise<boolean>;
  destroy(): void;
}

/** `knownRole`: what this browser has learnt about the token before, if anything. */
export function createSession(id: string, token: string, knownRole: AccessRole | undefined): Session {
  const doc = new Y.Doc();
  // The local copy: a reload without network still shows the document and the edits not sent yet.
  const local = new IndexeddbPersistence(`collab-document:${id}`, doc);
  const localCopyLoaded = local.whenSynced.then(
    () => doc.store.clients.size > 0,
    () => false, // IndexedDB unavailable (some private modes): the server alone has to do
  );
  const awareness = new Awareness(doc);
  const provider = new WebsocketProvider(collabUrl(), id, doc, {
    connect: false, // followConnection connects once the local copy is loaded and the network is there
    awareness,
    params: { token },
    maxBackoffTime: randomBackoffCeiling(),
  });
  const channel = watchServer(provider);
  const connection = followConnection(provider, localCopyLoaded);
  const saves = trackSaves(doc, provider, channel);
  // Optimistic for a token of unknown shape: the server's refusal of our first update makes it read-only.
  const role = followRole(channel, knownRole ?? claimedRole(token) ?? 'edit');
  const images = createImageSession(id, token, doc, role.role);

  return {
    doc,
    provider,
    awareness,
    connection: connection.state,
    saves: saves.state,
    role: role.role,
    images,
    localCopyLoaded,
    destroy() {
      images.destroy();
      role.dispose();
      saves.dispose();
      connection.dispose();
      channel.destroy();
      // Tells the others we left (a null awareness state), then closes the socket.
      provider.destroy();
      awareness.destroy();
      void local.destroy();
      doc.destroy();
    },
  };
}
