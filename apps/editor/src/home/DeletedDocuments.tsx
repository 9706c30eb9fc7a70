import { useState } from 'react';
import { ApiError, undeleteDocument } from '../api';
import { type DeletedDocument, RESTORE_WINDOW_MS, forgetDeleted, ownerTokenOf } from '../storage/local-docs';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/**
 * The documents deleted from this browser while they can still be undeleted (see storage/local-docs). An
 * undeleted document goes back to the recent list (`onChange` re-reads both lists).
 */
export function DeletedDocuments({ documents, onChange }: { documents: DeletedDocument[]; onChange: () => void }) {
  if (documents.length === 0) return null;
  return (
    <section className="recent" aria-labelledby="deleted-title">
      <h2 id="deleted-title" className="recent__title">
        Deleted documents
      </h2>
      <ul className="recent__list" data-testid="deleted-docs">
        {documents.map((doc) => (
          <DeletedItem key={doc.id} doc={doc} onChange={onChange} />
        ))}
      </ul>
    </section>
  );
}

function DeletedItem({ doc, onChange }: { doc: DeletedDocument; onChange: () => void }) {
  const [state, setState] = useState<'idle' | 'working' | 'failed'>('idle');
  const undelete = async () => {
    setState('working');
    try {
      await undeleteDocument(doc.id, ownerTokenOf(doc.id)!);
    } catch (err) {
      // 410: past the 30 days, it is gone for good; anything else may work later.
      if (!(err instanceof ApiError && err.status === 410)) return setState('failed');
    }
    forgetDeleted(doc.id);
    onChange();
  };
  return (
    <li className="recent__item" data-testid="deleted-doc">
      <span className="recent__name">{doc.title.trim() || 'Untitled'}</span>
      <span className="recent__meta">
        {state === 'failed' ? (
          <span role="alert">Could not undelete; try again</span>
        ) : (
          <span>restorable until {dateFormat.format(doc.deletedAt + RESTORE_WINDOW_MS)}</span>
        )}
        <button
          type="button"
          className="button"
          data-testid="undelete-doc"
          disabled={state === 'working'}
          onClick={() => void undelete()}
        >
          Undelete
        </button>
      </span>
    </li>
  );
}
