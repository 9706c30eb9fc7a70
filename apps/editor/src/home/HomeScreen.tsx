import { useEffect, useState } from 'react';
import { createDocument } from '../api';
import { loadDocumentScreen } from '../document/load';
import { documentPath, navigate } from '../routing';
import { listDeletedDocuments, listRecentDocuments, rememberCreated } from '../storage/local-docs';
import { DeletedDocuments } from './DeletedDocuments';
import { RecentDocuments } from './RecentDocuments';
import '../styles/home.css';

/** `/`: start a new document, or go back to one this browser has opened before. */
export function HomeScreen() {
  const [recent, setRecent] = useState(listRecentDocuments);
  const [deleted, setDeleted] = useState(() => listDeletedDocuments());
  const reread = () => {
    setRecent(listRecentDocuments());
    setDeleted(listDeletedDocuments());
  };
  const [creating, setCreating] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    document.title = 'Collab';
  }, []);

  const create = async () => {
    setCreating(true);
    setFailed(false);
    void loadDocumentScreen();
    try {
      const created = await createDocument();
      rememberCreated(created);
      navigate(documentPath(created.id, created.editToken));
    } catch {
      setFailed(true);
      setCreating(false);
    }
  };

  return (
    <main className="home">
      <header className="home__header">
        <span className="logo logo--large" aria-hidden="true" />
        <h1 className="home__title">Collab</h1>
        <p className="home__tagline">Write together in real time. Share a link, see who is there, keep going offline.</p>
        <button
          type="button"
          className="button button--primary button--large"
          data-testid="new-doc"
          disabled={creating}
          onClick={create}
          onPointerEnter={() => void loadDocumentScreen()}
          onFocus={() => void loadDocumentScreen()}
        >
          {creating ? 'Creating…' : 'New document'}
        </button>
        {failed && (
          <p className="home__error" role="alert">
            Could not create a document: the server did not answer. Try again in a moment.
          </p>
        )}
      </header>
      <RecentDocuments documents={recent} />
      <DeletedDocuments documents={deleted} onChange={reread} />
    </main>
  );
}
