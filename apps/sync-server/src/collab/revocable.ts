import type { CloseCode } from './protocol.js';

/**
 * Closes an admitted socket when its grant is revoked, which may happen while the upgrade is still completing:
 * a revocation that comes before the connection exists is kept, and applied the moment it is attached.
 */
export class Revocable {
  private target: { close(code: CloseCode, reason: string): void } | null = null;
  private revoked: [CloseCode, string] | null = null;

  readonly revoke = (code: CloseCode, reason: string): void => {
    if (this.revoked) return;
    this.revoked = [code, reason];
    this.target?.close(code, reason);
  };

  attach(target: { close(code: CloseCode, reason: string): void }): void {
    this.target = target;
    if (this.revoked) target.close(...this.revoked);
  }
}
