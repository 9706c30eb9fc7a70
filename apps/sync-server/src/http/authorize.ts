import { DOC_ID_PATTERN, type DocAccess } from '@collab/persistence';
import { HTTPException } from 'hono/http-exception';
import type { AccessControl } from '../access/access-control.js';
import type { Grant, Role, Tokens } from '../auth/tokens.js';

export interface AuthorizeDeps {
  tokens: Tokens;
  access: AccessControl;
}

export const ANY_ROLE: readonly Role[] = ['view', 'edit', 'owner'];
export const EDITORS: readonly Role[] = ['edit', 'owner'];
export const OWNER: readonly Role[] = ['owner'];

/** The document id of a request's path; 400 unless it matches the pattern every store accepts. */
export function checkedDocId(docId: string): string {
  if (!DOC_ID_PATTERN.test(docId)) throw new HTTPException(400, { message: 'invalid document id' });
  return docId;
}

/**
 * Checks a request on one document: the id (400), the token (401, 403 for another document's, via TokenError),
 * the document's access state (404 deleted, 401 a link reset, turned off or expired, via AccessDenied), and
 * that the token's role is one of `roles` (403).
 */
export async function authorize(
  { tokens, access }: AuthorizeDeps,
  docId: string,
  token: string | undefined,
  roles: readonly Role[],
): Promise<{ grant: Grant; state: DocAccess }> {
  const grant = await tokens.verify(token, checkedDocId(docId));
  const state = await access.check(grant);
  if (!roles.includes(grant.role)) {
    throw new HTTPException(403, { message: `a ${grant.role} link cannot do this; it takes ${roles.join(' or ')}` });
  }
  return { grant, state };
}
