import type { Claimant } from './client-ids.js';
import type { CloseCode } from './protocol.js';

/**
 * What a room and its presence need of a connection: a way to send it frames and to close it, and what
 * tells its user apart when it claims a client id (`client-ids.ts`). Below both room.ts and presence.ts, so
 * that neither imports the other.
 */
export interface Peer extends Claimant {
  send(frame: Uint8Array): void;
  close(code: CloseCode, reason: string): void;
  /** The clock its latest sync request gave for `clientId`: how much of that client it holds (0: nothing). */
  knownClock(clientId: number): number;
}
