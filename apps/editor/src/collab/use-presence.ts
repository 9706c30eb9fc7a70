import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { isColor } from './user';

/** Someone connected to the document now, from their awareness state. */
export interface PresentUser {
  clientId: number;
  name: string;
  color: string;
  isSelf: boolean;
}

function readPresence(awareness: Awareness): PresentUser[] {
  const users: PresentUser[] = [];
  awareness.getStates().forEach((state, clientId) => {
    const user: unknown = state.user;
    if (typeof user !== 'object' || user === null) return;
    const { name, color } = user as { name?: unknown; color?: unknown };
    users.push({
      clientId,
      name: typeof name === 'string' && name.trim() !== '' ? name : 'Anonymous',
      color: isColor(color) ? color : '#868e96',
      isSelf: clientId === awareness.clientID,
    });
  });
  // Yourself first, then by name, so the list does not jump around as carets move.
  return users.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name) || a.clientId - b.clientId);
}

const samePresence = (a: PresentUser[], b: PresentUser[]) =>
  a.length === b.length &&
  a.every((user, i) => {
    const other = b[i];
    return other !== undefined && user.clientId === other.clientId && user.name === other.name && user.color === other.color;
  });

/**
 * The users connected now. Awareness changes on every caret move; the list keeps its identity unless a user
 * joined, left, or changed name or colour, so only those re-render.
 */
export function usePresence(awareness: Awareness): PresentUser[] {
  const cache = useRef<PresentUser[]>([]);
  const subscribe = useCallback(
    (onChange: () => void) => {
      awareness.on('change', onChange);
      return () => awareness.off('change', onChange);
    },
    [awareness],
  );
  const snapshot = useCallback(() => {
    const next = readPresence(awareness);
    if (!samePresence(next, cache.current)) cache.current = next;
    return cache.current;
  }, [awareness]);
  return useSyncExternalStore(subscribe, snapshot);
}
