import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenError, createTokens } from './tokens.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const PREVIOUS = 'the-previous-secret-before-rotation-0123456789';

const reasonOf = (verifying: Promise<unknown>) =>
  verifying.then(
    () => 'accepted',
    (err: unknown) => (err instanceof TokenError ? err.reason : `unexpected: ${String(err)}`),
  );

/** A token as an embedding application mints it, with the claims it chooses. */
const minted = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

describe('share tokens', () => {
  it('gives the same answers for a token it has verified before', async () => {
    const tokens = createTokens([SECRET]);
    const token = await tokens.sign({ docId: 'doc-a', role: 'edit', generation: 2 });
    for (let i = 0; i < 2; i++) {
      expect(await tokens.verify(token, 'doc-a')).toEqual({ docId: 'doc-a', role: 'edit', generation: 2 });
      expect(await reasonOf(tokens.verify(token, 'doc-b'))).toBe('other-doc');
    }
    // The same header and payload with another signature: a verified token's payload is not a pass for it.
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(32, 7).toString('base64url')}`;
    expect(await reasonOf(tokens.verify(forged, 'doc-a'))).toBe('bad');
  });

  it('checks the expiry of a token that carries one every time', async () => {
    let now = Date.now();
    const tokens = createTokens([SECRET], () => now);
    const token = await minted({ doc: 'doc-a', role: 'view', exp: Math.floor(now / 1000) + 60 });
    expect(await reasonOf(tokens.verify(token, 'doc-a'))).toBe('accepted');
    now += 61_000;
    expect(await reasonOf(tokens.verify(token, 'doc-a'))).toBe('expired');
  });

  it('verifies with every secret, signs with the first, and refuses tokens signed with none of them', async () => {
    const tokens = createTokens([SECRET, PREVIOUS]);
    expect(await reasonOf(tokens.verify(await minted({ doc: 'doc-a', role: 'edit' }, PREVIOUS), 'doc-a'))).toBe('accepted');
    const signed = await tokens.sign({ docId: 'doc-a', role: 'owner', generation: 0 });
    expect(await reasonOf(createTokens([SECRET]).verify(signed, 'doc-a'))).toBe('accepted');
    expect(await reasonOf(createTokens([PREVIOUS]).verify(signed, 'doc-a'))).toBe('bad');
    const stranger = await minted({ doc: 'doc-a', role: 'edit' }, 'someone-elses-secret-0123456789abcdef');
    expect(await reasonOf(tokens.verify(stranger, 'doc-a'))).toBe('bad');
    expect(await reasonOf(tokens.verify(undefined, 'doc-a'))).toBe('missing');
  });
});
