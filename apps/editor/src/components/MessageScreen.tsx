import type { ReactNode } from 'react';
import { navigate } from '../routing';

interface MessageScreenProps {
  title: string;
  children?: ReactNode;
  /** A machine-readable reason for tests and support: denied, unreachable, not-found... */
  reason: string;
  busy?: boolean;
}

/** A full-page explanation (bad link, unreachable document, unknown page) with a way back home. */
export function MessageScreen({ title, children, reason, busy = false }: MessageScreenProps) {
  return (
    <main className="message-screen" data-testid="message-screen" data-reason={reason} aria-busy={busy}>
      <div className="message-screen__card">
        {busy && <span className="spinner" aria-hidden="true" />}
        <h1 className="message-screen__title">{title}</h1>
        {children}
        <p>
          <a
            href="/"
            className="button"
            onClick={(event) => {
              event.preventDefault();
              navigate('/');
            }}
          >
            Go to your documents
          </a>
        </p>
      </div>
    </main>
  );
}

export function LoadingScreen() {
  return (
    <main className="message-screen" aria-busy="true">
      <span className="spinner" aria-label="Loading" />
    </main>
  );
}
