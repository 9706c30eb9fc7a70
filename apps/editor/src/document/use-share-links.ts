import { useCallback, useEffect, useState } from 'react';
import { fetchLinks, resetLink, setViewLinkEnabled } from '../api';
import { claimedRole } from '../collab/role';
import type { Session } from '../collab/session';
import type { LinkKind, LinkManagement, ShareLinks } from '../components/ShareDialog';
import { documentPath, replaceAddress } from '../routing';
import { type AccessRole, rememberOpened, rememberOwnerToken, rememberResetLink } from '../storage/local-docs';
import { fallbackLinks } from './share-links';

interface ShareLinksOptions {
  id: string;
  /** The token of the address bar. */
  linkToken: string;
  /** The owner token, when this browser holds it. */
  ownerToken: string | undefined;
  role: AccessRole;
  session: Session;
  /** Whether the share dialog is open: the links are asked for each time it opens. */
  open: boolean;
  /** After a reset of the owner link: the session must reconnect with the new owner token. */
  onOwnerTokenChange(token: string): void;
}

/**
 * The links the share dialog shows, as the server answers `GET /links` for the best token this browser holds
 * (what is known locally when the server cannot be asked), and for the owner the ways to manage them.
 */
export function useShareLinks(options: ShareLinksOptions): { links: ShareLinks; manage?: LinkManagement } {
  const { id, linkToken, ownerToken, role, session, open, onOwnerTokenChange } = options;
  const [links, setLinks] = useState<ShareLinks>(() => fallbackLinks(id, linkToken, role));
  const askWith = ownerToken ?? linkToken;

  const refresh = useCallback(async () => {
    try {
      setLinks({ ...(await fetchLinks(id, askWith)), source: 'server' });
    } catch {
      setLinks(fallbackLinks(id, linkToken, role));
    }
  }, [id, askWith, linkToken, role]);

  useEffect(() => {
    if (!open) return;
    // Until the server answers, what is shown is what this browser knew.
    setLinks((shown) => ({ ...shown, source: 'local' }));
    void refresh();
  }, [open, refresh]);

  if (!ownerToken) return { links };

  /** The address bar holds a link that a reset just replaced: show the new one, which is what works now. */
  const followAddress = (kind: LinkKind, token: string) => {
    if (claimedRole(new URLSearchParams(window.location.hash.slice(1)).get('token') ?? linkToken) !== kind) return;
    const path = documentPath(id, token);
    replaceAddress(path);
    rememberOpened(id, path, kind);
  };

  const manage: LinkManagement = {
    async reset(kind: LinkKind) {
      if (kind !== 'owner') {
        const { token, url } = await resetLink(id, ownerToken, kind);
        rememberResetLink(id, kind, token, url);
        followAddress(kind, token);
        await refresh();
        return;
      }
      // This page's own socket uses the owner token: it steps aside first, rather than be refused by the reset.
      session.provider.disconnect();
      try {
        const { token } = await resetLink(id, ownerToken, 'owner');
        rememberOwnerToken(id, token);
        followAddress('owner', token);
        onOwnerTokenChange(token);
      } catch (err) {
        session.provider.connect();
        throw err;
      }
    },
    async setViewEnabled(enabled) {
      setLinks({ ...(await setViewLinkEnabled(id, ownerToken, enabled)), source: 'server' });
    },
  };
  return { links, manage };
}
