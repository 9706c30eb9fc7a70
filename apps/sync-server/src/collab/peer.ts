import type { CloseCode } from './protocol.js';

/**
 * What a room and its presence need of a connection: a way to send it frames and to close it. Below both
 * room.ts and presence.ts, so that neither imports the other.
 */
export interface Peer {
  send(frame: Uint8Array): void;
  close(code: CloseCode, reason: string): void;
}
