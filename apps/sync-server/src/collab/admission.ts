import { DOC_ID_PATTERN, StoreError } from '@collab/persistence';
import type { AccessControl } from '../access/access-control.js';
import { AccessDenied, type DenialKind } from '../access/policy.js';
import { type Grant, TokenError, type Tokens } from '../auth/tokens.js';
import { CloseCode } from './protocol.js';

/** Why a socket was refused before any room was touched: the close code and a short reason. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly code: CloseCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** An admitted socket's grant, watched until `release`. */
export interface Admission {
  grant: Grant;
  release(): void;
}

/**
 * Checks the document id, the share token and the document's access state for a `/collab/:id` socket, and
 * keeps the grant under watch: `revoke` closes the socket if its rights are taken away later. Browsers cannot
 * read an upgrade's HTTP status, so refusals become close codes: 4400 bad id, 4401 missing, bad or expired
 * token or a link reset, turned off or expired, 4403 another document's token, 4404 a deleted document, and
 * 4503 when the access state cannot be read (the client tries again later).
 */
export async function admit(
  { tokens, access }: { tokens: Tokens; access: AccessControl },
  docId: string,
  token: string | undefined,
  revoke: (code: CloseCode, reason: string) => void,
): Promise<Admission> {
  if (!DOC_ID_PATTERN.test(docId)) throw new Refusal(CloseCode.BadRequest, 'invalid document id');
  let grant: Grant;
  try {
    grant = await tokens.verify(token, docId);
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    if (err.reason === 'other-doc') throw new Refusal(CloseCode.Forbidden, 'token is for another document');
    throw new Refusal(CloseCode.Unauthorized, `token ${err.reason}`);
  }
  try {
    const release = await access.watch(grant, (kind) => revoke(...closeFor(kind)));
    return { grant, release };
  } catch (err) {
    if (err instanceof AccessDenied) throw new Refusal(...closeFor(err.kind));
    if (err instanceof StoreError) throw new Refusal(CloseCode.Unavailable, 'storage unavailable');
    throw err;
  }
}

/** The close code and reason of a denial, for a refused socket and for an open one whose grant is revoked. */
function closeFor(kind: DenialKind): [CloseCode, string] {
  return [kind === 'deleted' ? CloseCode.NotFound : CloseCode.Unauthorized, new AccessDenied(kind).message];
}
