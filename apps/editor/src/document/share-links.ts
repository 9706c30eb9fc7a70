import type { ShareLinks } from '../components/ShareDialog';
import { documentPath } from '../routing';
import { createdDocument, type AccessRole } from '../storage/local-docs';

/**
 * The links to show while the server cannot be asked (offline): both if this browser created the document
 * (as the server built them), otherwise only the link it was opened with.
 */
export function fallbackLinks(id: string, token: string, role: AccessRole): ShareLinks {
  const created = createdDocument(id);
  if (created) return { editUrl: created.editUrl, viewUrl: created.viewUrl, source: 'local' };
  const openedWith = `${window.location.origin}${documentPath(id, token)}`;
  return role === 'view' ? { viewUrl: openedWith, source: 'local' } : { editUrl: openedWith, source: 'local' };
}
