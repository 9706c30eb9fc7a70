import { SignJWT, errors, jwtVerify } from 'jose';

export type Role = 'edit' | 'view';

export type TokenErrorReason = 'missing' | 'bad' | 'expired' | 'other-doc';

/** Why a share token was refused; admission maps it to a close code. */
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
  sign(grant: Grant): Promise<string>;
  /** The grant a token gives for `docId`; throws TokenError when it gives none. */
  verify(token: string | undefined, docId: string): Promise<Grant>;
}

export function createTokens(secret: string): Tokens {
  const key = new TextEncoder().encode(secret);
  return {
    sign: ({ docId, role }) =>
      new SignJWT({ doc: docId, role }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(key),

    async verify(token, docId) {
      if (!token) throw new TokenError('missing');
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'] }));
      } catch (err) {
        throw new TokenError(err instanceof errors.JWTExpired ? 'expired' : 'bad');
      }
      const { doc, role } = payload;
      if (typeof doc !== 'string' || (role !== 'edit' && role !== 'view')) throw new TokenError('bad');
      if (doc !== docId) throw new TokenError('other-doc');
      return { docId: doc, role };
    },
  };
}
