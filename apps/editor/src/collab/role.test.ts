import { describe, expect, it } from 'vitest';
import { claimedRole } from './role';

const base64url = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: object) => `${base64url({ alg: 'HS256' })}.${base64url(claims)}.signature`;

describe('claimedRole', () => {
  it('reads the role claim of a share token', () => {
    expect(claimedRole(jwt({ doc: 'abc', role: 'view' }))).toBe('view');
    expect(claimedRole(jwt({ doc: 'abc', role: 'edit' }))).toBe('edit');
    expect(claimedRole(jwt({ doc: 'abc', role: 'owner', gen: 2 }))).toBe('owner');
  });

  it('knows nothing of tokens of another shape', () => {
    expect(claimedRole('')).toBeUndefined();
    expect(claimedRole('opaque-token')).toBeUndefined();
    expect(claimedRole('a.%%%.c')).toBeUndefined();
    expect(claimedRole(jwt({ doc: 'abc', role: 'admin' }))).toBeUndefined();
  });
});
