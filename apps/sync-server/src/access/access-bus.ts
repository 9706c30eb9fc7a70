/**
 * How a change of a document's access state reaches the other server processes of a cluster. The state itself
 * is in the store; the bus only says which document changed, and each process reads the state again.
 */
export interface AccessBus {
  /** Tells the other processes that `docId`'s access state changed. */
  publish(docId: string): void;
  /**
   * Starts delivering what the other processes publish. `onGap` is called when messages may have been lost
   * (the connection to the bus was down): every cached state must then be read again.
   */
  listen(listener: AccessBusListener): void;
  close(): Promise<void>;
}

export interface AccessBusListener {
  onChange(docId: string): void;
  onGap(): void;
}

/** A single process has no one to tell. */
export const singleProcessAccess: AccessBus = {
  publish: () => undefined,
  listen: () => undefined,
  close: async () => undefined,
};
