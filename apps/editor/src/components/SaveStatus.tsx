import { useEffect, useState } from 'react';
import type { ConnectionStatus } from '../collab/connection';
import type { SaveState } from '../collab/save-tracker';

// Typing flips the state to pending and back within a round trip; only a longer wait is worth showing.
const SHOW_PENDING_AFTER_MS = 700;

/** Whether the server has everything typed here; data-state is immediate, the wording waits a moment. */
export function SaveStatus({ state, connection }: { state: SaveState; connection: ConnectionStatus }) {
  const [showPending, setShowPending] = useState(false);
  useEffect(() => {
    if (state === 'saved') {
      setShowPending(false);
      return;
    }
    const timer = setTimeout(() => setShowPending(true), SHOW_PENDING_AFTER_MS);
    return () => clearTimeout(timer);
  }, [state]);

  let label = 'All changes saved';
  if (state === 'pending' && (showPending || connection !== 'connected')) {
    label = connection === 'connected' ? 'Saving…' : 'Changes kept on this device';
  }
  return (
    <span className="save-status" data-testid="save-status" data-state={state} aria-live="polite">
      {label}
    </span>
  );
}
