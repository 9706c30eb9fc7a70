import { DOC_ID_PATTERN } from '@collab/persistence';
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

/**
 * Checks the document id and the share token of a `/collab/:id` socket. Browsers cannot read an upgrade's
 * HTTP status, so refusals become close codes: 4400 bad id, 4401 missing/bad/expired token, 4403 another
 * document's token.
 */
export async function admit(tokens: Tokens, docId: string, token: string | undefined): Promise<Grant> {
  if (!DOC_ID_PATTERN.test(docId)) throw new Refusal(CloseCode.BadRequest, 'invalid document id');
  try {
    return await tokens.verify(token, docId);
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    if (err.reason === 'other-doc') throw new Refusal(CloseCode.Forbidden, 'token is for another document');
    throw new Refusal(CloseCode.Unauthorized, `token ${err.reason}`);
  }
}
