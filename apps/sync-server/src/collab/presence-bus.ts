/**
 * How a document's presence reaches the other server processes of a cluster. Document updates travel
 * through the store (`DocStore.open`); presence is never stored, so it has a channel of its own, where
 * loss is acceptable: clients renew their state every 15 s.
 */
export interface PresenceBus {
  /** Starts exchanging a loaded document's presence with the other processes; returns the way to stop. */
  attach(docId: string, room: ClusterPresence): () => void;
  /** Sends an awareness update made by this process's peers to the other processes. */
  publish(docId: string, update: Uint8Array): void;
}

/** What a room offers the bus. */
export interface ClusterPresence {
  /** An awareness update made by the peers of process `processId`. */
  receiveRemoteAwareness(processId: string, update: Uint8Array): void;
  /** The states of this process's own peers (asked for by a process that has just loaded the document). */
  localAwareness(): Uint8Array | null;
  /** Process `processId` left or stopped answering: the states of its peers go, for everyone here. */
  removeRemoteProcess(processId: string): void;
}

/** A single process has no one to tell. */
export const singleProcess: PresenceBus = {
  attach: () => () => undefined,
  publish: () => undefined,
};
