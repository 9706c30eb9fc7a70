import { type AwarenessEntry, encodeAwarenessEntries } from './protocol.js';

/**
 * An awareness update whose states all carry `name` as their user's name, whatever the client put there: the
 * name a token's `name` claim fixes for its holder, so that nobody can show up as someone else. The rest of the
 * state (colour, caret) is the client's own; a state without a `user` object gets one with just the name.
 */
export function withEnforcedName(entries: readonly AwarenessEntry[], name: string): { update: Uint8Array; entries: AwarenessEntry[] } {
  const named = entries.map((entry) => {
    if (entry.state === null) return entry; // leaving: nothing to name
    const state = entry.state as Record<string, unknown>;
    const user = typeof state.user === 'object' && state.user !== null && !Array.isArray(state.user) ? state.user : {};
    return { ...entry, state: { ...state, user: { ...user, name } } };
  });
  return { update: encodeAwarenessEntries(named), entries: named };
}
