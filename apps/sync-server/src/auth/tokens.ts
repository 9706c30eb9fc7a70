import { SignJWT, errors, jwtVerify } from 'jose';

export type Role = 'edit' | 'view';

export type TokenErrorReason = 'missing' | 'bad' | 'expired' | 'other-doc';

/** Why a share token was refused; admission maps it to a close code, the HTTP error handler to a status. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly reason: TokenErrorReason) {
    super(`token ${reason}`);
  }
}

export interface Grant {
  docId: string;
  role: Role;
}

/** Signs and verifies share tokens: HS256 JWTs whose claims are the document id and the role. */
export interface Tokens {
  /** A token for `grant`, valid forever or for `expiresInSeconds`. */
  sign(grant: Grant, expiresInSeconds?: number): Promise<string>;
  /** The grant a token gives for `docId`; throws TokenError when it gives none. */
  verify(token: string | undefined, docId: string): Promise<Grant>;
}

/**
 * `secrets[0]` signs; every secret verifies, so that links signed with a previous key keep working while a
 * key is rotated (COLLAB_SECRET plus COLLAB_PREVIOUS_SECRETS).
 */
export function createTokens(secrets: readonly string[]): Tokens {
  const keys = secrets.map((secret) => new TextEncoder().encode(secret));
  const signingKey = keys[0];
  if (!signingKey) throw new Error('createTokens needs at least one secret');

  async function payloadOf(token: string) {
    for (const key of keys) {
      try {
        return (await jwtVerify(token, key, { algorithms: ['HS256'] })).payload;
      } catch (err) {
        // The signature is checked before the claims, so "expired" means the token is ours but old.
        if (err instanceof errors.JWTExpired) throw new TokenError('expired');
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) throw new TokenError('bad');
      }
    }
    throw new TokenError('bad');
  }

  return {
    sign({ docId, role }, expiresInSeconds) {
      const jwt = new SignJWT({ doc: docId, role }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
      if (expiresInSeconds !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds);
      return jwt.sign(signingKey);
    },

    async verify(token, docId) {
      if (!token) throw new TokenError('missing');
      const { doc, role } = await payloadOf(token);
      if (typeof doc !== 'string' || (role !== 'edit' && role !== 'view')) throw new TokenError('bad');
      if (doc !== docId) throw new TokenError('other-doc');
      return { docId: doc, role };
    },
  };
}
