import { useEffect, useState } from 'react';
import type { ConnectionState } from '../collab/connection';
import type { Session } from '../collab/session';

/** How long to show "opening" before saying the document cannot be reached (while still retrying). */
const UNREACHABLE_AFTER_MS = 10_000;

export type Readiness = 'loading' | 'ready' | 'unreachable';

/**
 * Whether there is a document to show: a local copy from IndexedDB, or a completed sync with the server. Until
 * then the editor stays hidden rather than showing an empty page that fills in a moment later. Once ready, it
 * stays ready: losing the connection afterwards only changes the status.
 */
export function useReadiness(session: Session, connection: ConnectionState): Readiness {
  const [hasLocalCopy, setHasLocalCopy] = useState<boolean | null>(null);
  const [waitedTooLong, setWaitedTooLong] = useState(false);
  useEffect(() => {
    let current = true;
    void session.localCopyLoaded.then((found) => current && setHasLocalCopy(found));
    const timer = setTimeout(() => setWaitedTooLong(true), UNREACHABLE_AFTER_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [session]);

  if (connection.everSynced || hasLocalCopy === true) return 'ready';
  if (hasLocalCopy === false && (connection.status === 'offline' || waitedTooLong)) return 'unreachable';
  return 'loading';
}
