/**
 * What `/healthz` reports: ok, or why not. A failed store write marks the process degraded until a later
 * write succeeds; so does a backend service that is unreachable (cluster mode); shutting down is final.
 */
export interface Health {
  report(): { status: 'ok' } | { status: 'degraded' | 'stopping'; reason: string };
  storeFailed(): void;
  storeWorked(): void;
  stopping(): void;
}

/** `backendProblem` says why the store's services are unreachable now, or null when they are fine. */
export function createHealth(backendProblem: () => string | null = () => null): Health {
  let storeFailing = false;
  let stopping = false;
  return {
    report() {
      if (stopping) return { status: 'stopping', reason: 'the server is shutting down' };
      const problem = backendProblem();
      if (problem) return { status: 'degraded', reason: problem };
      if (storeFailing) return { status: 'degraded', reason: 'writes to the store are failing' };
      return { status: 'ok' };
    },
    storeFailed: () => void (storeFailing = true),
    storeWorked: () => void (storeFailing = false),
    stopping: () => void (stopping = true),
  };
}
