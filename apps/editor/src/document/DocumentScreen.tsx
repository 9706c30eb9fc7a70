import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import type { Session } from '../collab/session';
import { useStore } from '../collab/store';
import { usePresence } from '../collab/use-presence';
import { useTitle } from '../collab/use-title';
import { awarenessUser, createUserStore } from '../collab/user';
import { ConnectionStatus } from '../components/ConnectionStatus';
import { ExportMenu } from '../components/ExportMenu';
import { LoadingScreen, MessageScreen } from '../components/MessageScreen';
import { Presence } from '../components/Presence';
import { SaveStatus } from '../components/SaveStatus';
import { ShareDialog } from '../components/ShareDialog';
import { TitleInput } from '../components/TitleInput';
import { UserIdentity } from '../components/UserIdentity';
import { DocumentEditor } from '../editor/DocumentEditor';
import { canEdit, claimedRole } from '../collab/role';
import { documentPath, navigate } from '../routing';
import { ownerTokenOf, rememberOpened, rememberOwnerToken, rememberRole, rememberTitle } from '../storage/local-docs';
import { DeleteButton } from './DeleteButton';
import { DeletedScreen } from './DeletedScreen';
import { DeniedScreen } from './DeniedScreen';
import { registerOfflineShell } from './offline-shell';
import { useReadiness } from './use-readiness';
import { useSession } from './use-session';
import { useShareLinks } from './use-share-links';
import { useHistoryShortcut } from './use-history-shortcut';
// After the editor's own styles (imported by DocumentEditor): the phone layout here overrides some of them.
import '../styles/document.css';

/** Only fetched when History opens (or Ctrl+Alt+S): a plain document page does not carry it. */
const HistoryPanel = lazy(() => import('../history/HistoryPanel'));

interface DocumentScreenProps {
  id: string;
  token: string;
}

/** The owner token this browser holds for the document; an owner link being opened is kept as one. */
function initialOwnerToken(id: string, token: string): string | undefined {
  if (claimedRole(token) === 'owner') rememberOwnerToken(id, token);
  return ownerTokenOf(id);
}

/**
 * The document page (lazy-loaded: TipTap and Yjs are only fetched here). The owner's page connects with the owner
 * token, kept in this browser, whatever link is in the address bar: resetting the edit or view link then never
 * cuts off the owner, and the address bar never shows the owner token unless an owner link was opened.
 */
export default function DocumentScreen({ id, token }: DocumentScreenProps) {
  const [ownerToken, setOwnerToken] = useState(() => initialOwnerToken(id, token));
  const session = useSession(id, ownerToken ?? token);
  useEffect(registerOfflineShell, []);
  if (!session) return <LoadingScreen />;
  return <DocumentView id={id} token={token} ownerToken={ownerToken} onOwnerTokenChange={setOwnerToken} session={session} />;
}

interface DocumentViewProps extends DocumentScreenProps {
  session: Session;
  ownerToken: string | undefined;
  onOwnerTokenChange(token: string): void;
}

function DocumentView({ id, token, ownerToken, onOwnerTokenChange, session }: DocumentViewProps) {
  const connection = useStore(session.connection);
  const saveState = useStore(session.saves);
  const role = useStore(session.role);
  const readiness = useReadiness(session, connection);
  const users = usePresence(session.awareness);
  const [title, setTitle] = useTitle(session.doc);
  const [userStore] = useState(createUserStore);
  const user = useStore(userStore);
  const shownUser = useMemo(() => awarenessUser(user), [user]);
  const [shareOpen, setShareOpen] = useState(false);
  const sessionToken = ownerToken ?? token;
  const share = useShareLinks({ id, linkToken: token, ownerToken, role, session, open: shareOpen, onOwnerTokenChange });
  // Open, and how many times Ctrl+Alt+S asked for the name field; the preview replaces the editor, which
  // stays mounted (hidden) so that its undo history lives on: a restore is undone in it.
  const [history, setHistory] = useState<{ naming: number } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [previewHost, setPreviewHost] = useState<HTMLDivElement | null>(null);
  const editable = canEdit(role);
  useHistoryShortcut(editable, () => setHistory((open) => ({ naming: (open?.naming ?? 0) + 1 })));

  useEffect(() => {
    session.awareness.setLocalStateField('user', shownUser);
  }, [session, shownUser]);
  useEffect(() => {
    rememberOpened(id, documentPath(id, token), role);
    rememberRole(sessionToken, role);
  }, [id, token, sessionToken, role]);
  useEffect(() => {
    document.title = `${title.trim() || 'Untitled'} · Collab`;
    rememberTitle(id, title);
  }, [id, title]);

  if (connection.status === 'denied') {
    if (connection.closeCode === 4404) return <DeletedScreen id={id} ownerToken={ownerToken} />;
    return <DeniedScreen code={connection.closeCode} reason={connection.closeReason} />;
  }
  if (readiness === 'loading') return <LoadingScreen />;
  if (readiness === 'unreachable') {
    return (
      <MessageScreen title="Can't reach this document" reason="unreachable" busy>
        <p>
          {connection.status === 'offline'
            ? "You're offline, and this document has not been opened on this device before."
            : 'The server is not answering. This page keeps trying and opens the document as soon as it can.'}
        </p>
      </MessageScreen>
    );
  }

  return (
    <div className={history ? 'document-page document-page--history' : 'document-page'}>
      <header className="topbar">
        <a
          href="/"
          className="topbar__home"
          aria-label="Your documents"
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          <span className="logo" aria-hidden="true" />
        </a>
        <div className="topbar__status">
          <ConnectionStatus status={connection.status} />
          {role === 'view' && <span className="badge">View only</span>}
          {editable && <SaveStatus state={saveState} connection={connection.status} />}
        </div>
        <Presence users={users} />
        <div className="topbar__actions">
          <UserIdentity user={user} onChange={userStore.set} />
          {editable && (
            <button type="button" className="button" data-testid="history" onClick={() => setHistory((open) => open ?? { naming: 0 })}>
              History
            </button>
          )}
          <button type="button" className="button button--primary" data-testid="share" onClick={() => setShareOpen(true)}>
            Share
          </button>
          <ExportMenu id={id} token={sessionToken} title={title} />
          {ownerToken && <DeleteButton id={id} ownerToken={ownerToken} session={session} />}
        </div>
      </header>
      <main className="document">
        {/* The title field is the page's visible heading; a heading element names the page for assistive tech. */}
        <h1 className="visually-hidden">{title.trim() || 'Untitled'}</h1>
        <div hidden={previewing}>
          <TitleInput title={title} editable={editable} onChange={setTitle} />
          <DocumentEditor session={session} user={shownUser} editable={editable} />
        </div>
        <div ref={setPreviewHost} />
      </main>
      {editable && history && (
        <Suspense fallback={null}>
          <HistoryPanel
            id={id}
            token={sessionToken}
            session={session}
            naming={history.naming}
            previewHost={previewHost}
            onPreviewing={setPreviewing}
            onClose={() => {
              setHistory(null);
              setPreviewing(false);
            }}
          />
        </Suspense>
      )}
      <ShareDialog links={share.links} manage={share.manage} open={shareOpen} onClose={() => setShareOpen(false)} />
    </div>
  );
}
