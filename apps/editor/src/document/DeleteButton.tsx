import { useState } from 'react';
import { deleteDocument } from '../api';
import type { Session } from '../collab/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { navigate } from '../routing';
import { rememberDeleted } from '../storage/local-docs';

/** The owner's Delete, after a confirmation; then back to the home page, which offers to undelete it. */
export function DeleteButton({ id, ownerToken, session }: { id: string; ownerToken: string; session: Session }) {
  const [confirming, setConfirming] = useState(false);
  const remove = async () => {
    // The server closes every socket of the document: this page's goes first, so it does not show "deleted".
    session.provider.disconnect();
    try {
      await deleteDocument(id, ownerToken);
    } catch (err) {
      session.provider.connect();
      throw err;
    }
    rememberDeleted(id, Date.now());
    navigate('/');
  };
  return (
    <>
      <button type="button" className="button" data-testid="delete-doc" onClick={() => setConfirming(true)}>
        Delete
      </button>
      <ConfirmDialog
        open={confirming}
        title="Delete this document?"
        confirmLabel="Delete"
        onConfirm={remove}
        onClose={() => setConfirming(false)}
      >
        <p>
          Everyone who has it open is disconnected at once, and none of its links work any more. You can undelete it
          from your documents page for 30 days; after that it is gone for good.
        </p>
      </ConfirmDialog>
    </>
  );
}
