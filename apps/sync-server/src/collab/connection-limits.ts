/**
 * Counts open sockets per process, per document and per client address, so that one document (or one
 * attacker) cannot take every socket the process can hold. Acquired after admission, released when the
 * socket closes. The per-address limit must stay high enough for everyone behind one office's NAT.
 */
export interface ConnectionLimits {
  /** Reserves a place for a socket from `address` on `docId`; the reason it cannot, or null once reserved. */
  acquire(docId: string, address: string): string | null;
  release(docId: string, address: string): void;
  /** Whether `address` has all the sockets it may have already (checked before admission, which costs more). */
  addressFull(address: string): boolean;
}

export interface ConnectionCaps {
  maxConnections: number;
  maxConnectionsPerDocument: number;
  maxConnectionsPerAddress: number;
}

export function createConnectionLimits({ maxConnections, maxConnectionsPerDocument, maxConnectionsPerAddress }: ConnectionCaps): ConnectionLimits {
  const perDocument = new Map<string, number>();
  const perAddress = new Map<string, number>();
  let total = 0;
  return {
    acquire(docId, address) {
      if (total >= maxConnections) return 'server is at its connection limit';
      if ((perDocument.get(docId) ?? 0) >= maxConnectionsPerDocument) return 'document is at its connection limit';
      if ((perAddress.get(address) ?? 0) >= maxConnectionsPerAddress) return 'too many connections from this address';
      total++;
      increment(perDocument, docId);
      increment(perAddress, address);
      return null;
    },
    release(docId, address) {
      if (!perDocument.has(docId)) return;
      total--;
      decrement(perDocument, docId);
      decrement(perAddress, address);
    },
    addressFull: (address) => (perAddress.get(address) ?? 0) >= maxConnectionsPerAddress,
  };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const count = counts.get(key) ?? 0;
  if (count <= 1) counts.delete(key);
  else counts.set(key, count - 1);
}
