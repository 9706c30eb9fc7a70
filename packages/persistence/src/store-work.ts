import { StoreError } from './doc-store.js';

/**
 * What a store has running: its callers' calls and its own background jobs (compactions). `drain` waits for
 * all of them, which is what `close` needs; a call's failure reaches its caller as a StoreError, a
 * background job's goes to `onError`, since nobody awaits it.
 */
export class StoreWork {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Runs a caller's `work`, or rejects with StoreError('closed') once the store is `closing`. */
  call<T>(closing: boolean, work: () => Promise<T>): Promise<T> {
    if (closing) return Promise.reject(new StoreError('closed', 'the store is closed'));
    const result = work().catch((err: unknown) => {
      throw toStoreError(err);
    });
    this.remember(result);
    return result;
  }

  /** Runs `work` that nobody awaits: `drain` still waits for it, and its failure is reported. */
  background(work: Promise<unknown>): void {
    this.remember(work.catch((err: unknown) => this.report(err)));
  }

  /** Hands a failure nobody awaits to `onError`. */
  report(err: unknown): void {
    try {
      this.onError(toStoreError(err));
    } catch {
      // A throwing callback must not become an unhandled rejection that takes the process down.
    }
  }

  /** Resolves once nothing runs. Settling work can start more (a finished append may start a compaction). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private remember(work: Promise<unknown>): void {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
  }
}

export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError('io', `storage failed: ${messageOf(err)}`, { cause: err });
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
