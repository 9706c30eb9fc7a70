import { webcrypto } from 'node:crypto';
import type { LinkRole } from '@collab/persistence';
// Only the parts used: the package's index loads every JOSE algorithm's module, which a restart would wait for.
import * as errors from 'jose/errors';
import { SignJWT } from 'jose/jwt/sign';
import { jwtVerify } from 'jose/jwt/verify';
import type { JWTPayload } from 'jose';

/** `view` reads, `edit` writes, `owner` writes and manages the document (links, delete). */
export type Role = LinkRole;

/** Whether a role may change the document's content. */
export const canEdit = (role: Role): boolean => role !== 'view';

export type TokenErrorReason = 'missing' | 'bad' | 'expired' | 'other-doc';

/** Why a share token was refused; admission maps it to a close code, the HTTP error handler to a status. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly reason: TokenErrorReason) {
    super(`token ${reason}`);
  }
}

/** What a verified token grants. Whether its link still works is the document's access state's to say. */
export interface Grant {
  docId: string;
  role: Role;
  /** The link generation the token was issued for; a reset of the role's link makes it stale. */
  generation: number;
  /** A display name the holder's presence must carry (tokens minted by an embedding application). */
  name?: string;
}

/** Longest `name` claim accepted: a display name, not a document. */
const MAX_NAME_LENGTH = 100;

/**
 * Signs and verifies share tokens: HS256 JWTs with the claims `doc` (document id), `role`, `gen` (link
 * generation, 0 when absent), optional `name` and optional `exp` (seconds). The README documents them for
 * applications that mint their own tokens.
 */
export interface Tokens {
  /**
   * A token for `grant`, without `exp`: the server's own links expire through the document's access state, so
   * that an owner can move or clear the expiry of links already handed out. Same grant, same token.
   */
  sign(grant: Grant): Promise<string>;
  /** The grant a token gives for `docId`; throws TokenError when it gives none. */
  verify(token: string | undefined, docId: string): Promise<Grant>;
}

/**
 * `secrets[0]` signs; every secret verifies, so that links signed with a previous key keep working while a
 * key is rotated (COLLAB_SECRET plus COLLAB_PREVIOUS_SECRETS). `now` is the clock that `exp` is checked against.
 */
export function createTokens(secrets: readonly string[], now: () => number = Date.now): Tokens {
  if (!secrets[0]) throw new Error('createTokens needs at least one secret');
  // Imported once: given the secret's bytes, jose would import them as a key again for every token.
  const imported = Promise.all(secrets.map(importHmacKey));
  imported.catch(() => undefined); // surfaced by the first sign or verify
  const remembered = new RememberedPayloads();

  async function payloadOf(token: string) {
    const known = remembered.get(token);
    if (known) return known;
    for (const key of await imported) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(now()) });
        remembered.add(token, payload);
        return payload;
      } catch (err) {
        // The signature is checked before the claims, so "expired" means the token is ours but old.
        if (err instanceof errors.JWTExpired) throw new TokenError('expired');
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) throw new TokenError('bad');
      }
    }
    throw new TokenError('bad');
  }

  return {
    async sign({ docId, role, generation, name }) {
      // No `iat`: a link is the same string each time it is built, until its generation changes.
      return new SignJWT({ doc: docId, role, gen: generation, ...(name !== undefined && { name }) })
        .setProtectedHeader({ alg: 'HS256' })
        .sign((await imported)[0]!);
    },

    async verify(token, docId) {
      if (!token) throw new TokenError('missing');
      const { doc, role, gen = 0, name } = await payloadOf(token);
      if (typeof doc !== 'string' || !isRole(role) || !isGeneration(gen) || !isName(name)) throw new TokenError('bad');
      if (doc !== docId) throw new TokenError('other-doc');
      return { docId: doc, role, generation: gen, ...(name !== undefined && { name }) };
    },
  };
}

const isRole = (value: unknown): value is Role => value === 'view' || value === 'edit' || value === 'owner';
const isGeneration = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isName = (value: unknown): value is string | undefined =>
  value === undefined || (typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_NAME_LENGTH);

function importHmacKey(secret: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

/** How many verified tokens are remembered: the links of the documents in use, with room to spare. */
const REMEMBERED_TOKENS = 4_096;

/**
 * The payloads of tokens whose signature was verified and that carry no `exp`: such a token verifies the same
 * way for as long as the process runs (its secrets are fixed; whether its link still works is the access
 * state's to say, checked on every admission), so a crowd reconnecting with the same link pays for one
 * signature check. Tokens with `exp` are verified every time. Only verified tokens get in; when full, the one
 * remembered longest leaves (a link still in use is verified again once).
 */
class RememberedPayloads {
  private readonly payloads = new Map<string, JWTPayload>();

  get(token: string): JWTPayload | undefined {
    return this.payloads.get(token);
  }

  add(token: string, payload: JWTPayload): void {
    if (payload.exp !== undefined) return;
    if (this.payloads.size >= REMEMBERED_TOKENS) this.payloads.delete(this.payloads.keys().next().value!);
    this.payloads.set(token, payload);
  }
}
