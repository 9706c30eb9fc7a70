import { useEffect, useState } from 'react';
import { createSession, type Session } from '../collab/session';
import { knownRole } from '../storage/local-docs';

/** The session of the open document: created on mount, destroyed (socket closed, presence left) on unmount. */
export function useSession(id: string, token: string): Session | null {
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => {
    const created = createSession(id, token, knownRole(token));
    setSession(created);
    return () => {
      created.destroy();
      setSession(null);
    };
  }, [id, token]);
  return session;
}
