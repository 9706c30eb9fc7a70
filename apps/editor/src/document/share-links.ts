import type { ShareLinks } from '../components/ShareDialog';
import { documentPath } from '../routing';
import { createdDocument, type AccessRole } from '../storage/local-docs';

/**
 * The links this browser can share: both of them if it created the document (as the server built them, on
 * PUBLIC_URL), otherwise only the kind of link it was opened with: a token cannot be turned into the other one.
 */
export function shareLinks(id: string, token: string, role: AccessRole): ShareLinks {
  const created = createdDocument(id);
  if (created) return { editUrl: created.editUrl, viewUrl: created.viewUrl };
  const openedWith = `${window.location.origin}${documentPath(id, token)}`;
  return role === 'edit' ? { editUrl: openedWith } : { viewUrl: openedWith };
}
