import { useState } from 'react';
import { undeleteDocument } from '../api';
import { MessageScreen } from '../components/MessageScreen';
import { forgetDeleted } from '../storage/local-docs';

/**
 * The server closed the document with 4404: it was deleted. Its owner can undelete it from here, within the
 * server's 30 days; the page then opens it again.
 */
export function DeletedScreen({ id, ownerToken }: { id: string; ownerToken: string | undefined }) {
  const [failure, setFailure] = useState<string | null>(null);
  const undelete = async () => {
    try {
      await undeleteDocument(id, ownerToken!);
      forgetDeleted(id);
      window.location.reload();
    } catch {
      setFailure('It can no longer be restored, or the server did not answer.');
    }
  };
  return (
    <MessageScreen title="This document was deleted" reason="deleted">
      <p>Its owner deleted it. Nobody can open it any more, unless the owner undeletes it within 30 days.</p>
      {ownerToken && (
        <p>
          <button type="button" className="button button--primary" data-testid="undelete-here" onClick={() => void undelete()}>
            Undelete
          </button>
        </p>
      )}
      {failure && <p role="alert">{failure}</p>}
    </MessageScreen>
  );
}
