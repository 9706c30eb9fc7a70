/**
 * The load generator's client: one WebSocket that speaks just enough of the protocol to join a document
 * (hello, answer the server's step 1 with an empty step 2) and hands the rest to the scenario's callbacks.
 * No Y.Doc: a scenario that needs one (a fresh reader in coldload) applies the bytes itself.
 */
import WebSocket from 'ws';
import { type Framing, framing, readIncoming } from './protocol.js';
import type { DocTarget } from './servers.js';

export interface ClientHandlers {
  /** A document update relayed by the server (sync update message), with its arrival time. */
  onUpdate?(update: Uint8Array, at: number): void;
  /** The server's sync step 2 (the document as it has it). */
  onStep2?(update: Uint8Array): void;
  /** An awareness update (one or many clients' states), with its arrival time. */
  onAwareness?(update: Uint8Array, at: number): void;
  /** Hocuspocus's per-update acknowledgement to the sender. */
  onSyncStatus?(): void;
  onClose?(code: number): void;
}

export class Client {
  readonly frames: Framing;
  readonly socket: WebSocket;
  /** Resolves when the client is joined: step 2 received (or, for the bare relay, the socket is open). */
  readonly ready: Promise<void>;
  private prefixLength: number;

  constructor(
    readonly target: DocTarget,
    handlers: ClientHandlers = {},
    /** Frames sent right after the hello, e.g. an awareness announcement. */
    extra: Uint8Array[] = [],
  ) {
    this.frames = framing(target.dialect, target.docName);
    this.prefixLength = this.frames.prefix.length;
    this.socket = new WebSocket(target.url, { perMessageDeflate: false });
    let markReady: () => void = () => undefined;
    let fail: (err: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      fail = reject;
    });
    const { onUpdate, onStep2, onAwareness, onSyncStatus, onClose } = handlers;
    this.socket.on('open', () => {
      if (target.handshake) for (const frame of this.frames.hello) this.socket.send(frame);
      for (const frame of extra) this.socket.send(frame);
      if (!target.handshake) markReady();
    });
    this.socket.on('message', (data: Buffer) => {
      const message = readIncoming(data, this.prefixLength);
      switch (message.kind) {
        case 'update':
          onUpdate?.(message.update, performance.now());
          return;
        case 'step1':
          if (target.handshake) this.socket.send(this.frames.emptyStep2);
          return;
        case 'step2':
          onStep2?.(message.update);
          markReady();
          return;
        case 'awareness':
          onAwareness?.(message.update, performance.now());
          return;
        case 'sync-status':
          onSyncStatus?.();
          return;
      }
    });
    this.socket.on('error', (err) => fail(err));
    this.socket.on('close', (code) => {
      fail(new Error(`socket closed with ${code} before joining`));
      onClose?.(code);
    });
  }

  isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: Uint8Array): void {
    this.socket.send(frame);
  }

  sendUpdate(update: Uint8Array): void {
    this.socket.send(this.frames.update(update));
  }

  close(): void {
    this.socket.close();
  }

  /** Resolves once the socket is closed. */
  closed(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }
}

/** Opens `count` clients with at most `concurrency` handshakes in progress; returns them joined. */
export async function connectMany(
  count: number,
  concurrency: number,
  make: (index: number) => Client,
  onJoined?: (index: number, ms: number) => void,
): Promise<Client[]> {
  const clients: Client[] = new Array<Client>(count);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      const client = make(index);
      clients[index] = client;
      await withTimeout(client.ready, 30_000, `client ${index} to join`);
      onJoined?.(index, performance.now() - started);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return clients;
}

export async function closeAll(clients: Client[]): Promise<void> {
  for (const client of clients) client.close();
  await Promise.all(clients.map((c) => c.closed()));
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 20 ms until it holds or `ms` pass; returns whether it held. */
export async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** A growable list of numbers (latencies), cheap to append to. */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The q-quantile (0..1) by nearest rank; NaN when empty. */
  quantile(q: number): number {
    if (this.length === 0) return NaN;
    const sorted = this.data.slice(0, this.length).sort();
    return sorted[Math.min(this.length - 1, Math.floor(q * this.length))]!;
  }

  max(): number {
    let max = -Infinity;
    for (let i = 0; i < this.length; i++) max = Math.max(max, this.data[i]!);
    return this.length ? max : NaN;
  }
}

/**
 * Latencies in fixed bins (0.05 ms up to 200 ms, 1 ms beyond, up to 10 minutes): a crowd delivers tens of
 * millions of samples, which a sorted list would hold and sort for seconds.
 */
export class LatencyHistogram {
  private static readonly FINE_MS = 0.05;
  private static readonly FINE_LIMIT_MS = 200;
  private readonly fineBins = LatencyHistogram.FINE_LIMIT_MS / LatencyHistogram.FINE_MS;
  private readonly bins = new Float64Array(this.fineBins + 600_000);
  length = 0;
  private maxSeen = -Infinity;

  push(ms: number): void {
    const value = Math.max(0, ms);
    const bin =
      value < LatencyHistogram.FINE_LIMIT_MS
        ? Math.floor(value / LatencyHistogram.FINE_MS)
        : Math.min(this.bins.length - 1, this.fineBins + Math.floor(value - LatencyHistogram.FINE_LIMIT_MS));
    this.bins[bin]!++;
    this.length++;
    if (value > this.maxSeen) this.maxSeen = value;
  }

  /** The q-quantile (0..1): the upper edge of the bin holding it; NaN when empty. */
  quantile(q: number): number {
    if (this.length === 0) return NaN;
    const rank = Math.min(this.length - 1, Math.floor(q * this.length));
    let seen = 0;
    for (let bin = 0; bin < this.bins.length; bin++) {
      seen += this.bins[bin]!;
      if (seen > rank) {
        const upper = bin < this.fineBins ? (bin + 1) * LatencyHistogram.FINE_MS : LatencyHistogram.FINE_LIMIT_MS + (bin - this.fineBins + 1);
        return Math.min(upper, this.maxSeen);
      }
    }
    return this.maxSeen;
  }

  max(): number {
    return this.length ? this.maxSeen : NaN;
  }
}

/** CPU time this process (the load generator) has used, in seconds. */
export const ownCpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
