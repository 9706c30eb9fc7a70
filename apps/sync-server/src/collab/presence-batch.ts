/**
 * How long a document's presence changes are collected before they go out together. Each change sent on its
 * own costs a message to every peer: in a room of hundreds moving their carets, that is more messages than one
 * process can send. Merged per tick, a peer gets one awareness message however many users moved meanwhile.
 * Short enough to stay far below what a person notices of a remote caret, long enough that a room of
 * hundreds moving at 2 Hz shares each message among many of them (bench: `presence`).
 */
export const PRESENCE_TICK_MS = 10;

/**
 * Collects the client ids whose presence changed and hands them on at most once per tick: the first change
 * after a quiet tick goes out on the next turn of the event loop (a lone user's caret is not delayed), later
 * ones wait for the end of the tick that began with the last hand-over.
 */
export class PresenceBatch {
  private readonly pending = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private lastSent = -Infinity;

  constructor(
    /** Receives each batch: the ids changed since the last one, each once. */
    private readonly send: (clientIds: number[]) => void,
    private readonly tickMs = PRESENCE_TICK_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(clientIds: Iterable<number>): void {
    for (const id of clientIds) this.pending.add(id);
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(this.flush, Math.max(0, this.lastSent + this.tickMs - this.now()));
  }

  /** Drops what is pending: the document is going away. */
  destroy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private readonly flush = (): void => {
    this.timer = undefined;
    this.lastSent = this.now();
    const clientIds = [...this.pending];
    this.pending.clear();
    this.send(clientIds);
  };
}
