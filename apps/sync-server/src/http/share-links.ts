import type { DocAccess } from '@collab/persistence';
import { linkWorks, rolesToShare } from '../access/policy.js';
import type { Role, Tokens } from '../auth/tokens.js';

export interface ShareLinkDeps {
  tokens: Tokens;
  publicUrl: string;
}

/**
 * The editor's address for a document. The token sits in the fragment, which browsers never send to a server
 * or a proxy, so it stays out of their logs; the editor still accepts `?token=` links.
 */
export const shareUrl = (publicUrl: string, docId: string, token: string): string =>
  `${publicUrl}/d/${docId}#token=${encodeURIComponent(token)}`;

/** The current token of a role's link: the same string until the link is reset. */
export const linkToken = (tokens: Tokens, docId: string, role: Role, access: DocAccess): Promise<string> =>
  tokens.sign({ docId, role, generation: access.generations[role] });

/** What `GET /api/docs/:id/links` answers. */
export interface LinksAnswer {
  /** The role of the token that asked. */
  role: Role;
  editUrl?: string;
  viewUrl?: string;
  ownerUrl?: string;
  /** The link settings, for the owner only. */
  viewEnabled?: boolean;
  expiresAt?: { edit: string | null; view: string | null };
}

/** The links a holder of `role` may hand on, those that work now; the owner also gets the links' settings. */
export async function linksFor(
  { tokens, publicUrl }: ShareLinkDeps,
  docId: string,
  role: Role,
  access: DocAccess,
  now: number,
): Promise<LinksAnswer> {
  const answer: LinksAnswer = { role };
  for (const shared of rolesToShare(role)) {
    if (linkWorks(access, shared, now)) answer[`${shared}Url`] = shareUrl(publicUrl, docId, await linkToken(tokens, docId, shared, access));
  }
  if (role === 'owner') {
    const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
    answer.viewEnabled = access.viewEnabled;
    answer.expiresAt = { edit: iso(access.expiresAt.edit), view: iso(access.expiresAt.view) };
  }
  return answer;
}
