/**
 * Counts open sockets per process and per document, so that one document (or one attacker) cannot take
 * every socket the process can hold. Acquired after admission, released when the socket closes.
 */
export interface ConnectionLimits {
  /** Reserves a place for a socket on `docId`; the reason it cannot, or null once reserved. */
  acquire(docId: string): string | null;
  release(docId: string): void;
}

export function createConnectionLimits(maxConnections: number, maxPerDocument: number): ConnectionLimits {
  const perDocument = new Map<string, number>();
  let total = 0;
  return {
    acquire(docId) {
      const onDocument = perDocument.get(docId) ?? 0;
      if (total >= maxConnections) return 'server is at its connection limit';
      if (onDocument >= maxPerDocument) return 'document is at its connection limit';
      total++;
      perDocument.set(docId, onDocument + 1);
      return null;
    },
    release(docId) {
      const onDocument = perDocument.get(docId) ?? 0;
      if (onDocument === 0) return;
      total--;
      if (onDocument === 1) perDocument.delete(docId);
      else perDocument.set(docId, onDocument - 1);
    },
  };
}
