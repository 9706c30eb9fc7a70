import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { answerHolds, checkingStateVector } from './server-holds';
import type { ServerChannel } from './server-channel';
import { createStore, type ReadableStore } from './store';

/** `saved`: the server has stored every change made in this browser; `pending`: it may not have yet. */
export type SaveState = 'saved' | 'pending';

/** After a change, wait this long before checking: typing goes on, and the server batches its writes. */
const CHECK_AFTER_MS = 300;
/** A check that finds the server behind is repeated, backing off up to this. */
const MAX_RECHECK_MS = 4000;

/**
 * Tracks whether the server holds everything changed in this browser, by asking it rather than inferring it.
 *
 * Every document update that did not come from the server is kept as unconfirmed: typing, undo, and what
 * IndexedDB loads (it may hold edits an earlier visit never sent). Once the handshake is done, a check sends
 * a sync step 1 that makes the server answer with all it holds of the clients those updates touch, plus its
 * delete set (see server-holds). If the answer contains the updates, they are confirmed: the server applies an
 * update only after storing it. If not (not arrived yet, or still being written), they go back to
 * unconfirmed and the check repeats later. So "saved" never relies on timing or on how the server orders
 * its replies. One check is in flight at a time; a closed socket returns its updates to unconfirmed.
 */
export function trackSaves(
  doc: Y.Doc,
  provider: WebsocketProvider,
  channel: ServerChannel,
): { state: ReadableStore<SaveState>; dispose(): void } {
  const state = createStore<SaveState>('saved');
  let unconfirmed: Uint8Array[] = [];
  let checking: Uint8Array | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let recheckDelay = CHECK_AFTER_MS;

  const refresh = () => state.set(unconfirmed.length === 0 && checking === null ? 'saved' : 'pending');
  const schedule = (delay: number) => {
    timer ??= setTimeout(check, delay);
  };

  function check() {
    timer = undefined;
    if (checking !== null || unconfirmed.length === 0) return;
    const changes = Y.mergeUpdates(unconfirmed);
    const sent = channel.requestState(checkingStateVector(doc, changes), (answer) => {
      checking = null;
      if (answerHolds(answer, changes)) {
        recheckDelay = CHECK_AFTER_MS;
        if (unconfirmed.length > 0) schedule(CHECK_AFTER_MS);
      } else {
        unconfirmed.unshift(changes);
        schedule(recheckDelay);
        recheckDelay = Math.min(recheckDelay * 2, MAX_RECHECK_MS);
      }
      refresh();
    });
    // Not connected: the next handshake schedules the check again.
    if (!sent) return;
    checking = changes;
    unconfirmed = [];
  }

  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === provider) return;
    unconfirmed.push(update);
    refresh();
    schedule(CHECK_AFTER_MS);
  };
  const onConnectionClose = () => {
    if (checking !== null) unconfirmed.unshift(checking);
    checking = null;
  };

  doc.on('update', onUpdate);
  provider.on('connection-close', onConnectionClose);
  const stopReady = channel.onReady(() => {
    recheckDelay = CHECK_AFTER_MS;
    schedule(0);
  });
  return {
    state,
    dispose() {
      clearTimeout(timer);
      doc.off('update', onUpdate);
      provider.off('connection-close', onConnectionClose);
      stopReady();
    },
  };
}
