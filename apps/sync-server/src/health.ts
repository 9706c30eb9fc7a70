/**
 * What `/healthz` reports: ok, or why not. A failed store write marks the process degraded until a later
 * write succeeds; shutting down is final.
 */
export interface Health {
  report(): { status: 'ok' } | { status: 'degraded' | 'stopping'; reason: string };
  storeFailed(): void;
  storeWorked(): void;
  stopping(): void;
}

export function createHealth(): Health {
  let storeFailing = false;
  let stopping = false;
  return {
    report() {
      if (stopping) return { status: 'stopping', reason: 'the server is shutting down' };
      if (storeFailing) return { status: 'degraded', reason: 'writes to the store are failing' };
      return { status: 'ok' };
    },
    storeFailed: () => void (storeFailing = true),
    storeWorked: () => void (storeFailing = false),
    stopping: () => void (stopping = true),
  };
}
