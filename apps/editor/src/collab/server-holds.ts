import * as Y from 'yjs';

/**
 * The state vector to send in a sync step 1 that checks whether the server holds `changes`: ours, minus the
 * clients `changes` touches. The server answers with all it holds of those clients (and only what we lack of
 * the others), so the answer shows how far it has got with each of them.
 */
export function checkingStateVector(doc: Y.Doc, changes: Uint8Array): Map<number, number> {
  const stateVector = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const client of Y.parseUpdateMeta(changes).to.keys()) stateVector.delete(client);
  return stateVector;
}

/**
 * Whether the server's answer to checkingStateVector shows it holds every insertion and deletion in `changes`.
 * Its answer carries, for each client of `changes`, everything the server has of it from clock 0, and the
 * server's whole delete set (a sync step 2 always does).
 */
export function answerHolds(answer: Uint8Array, changes: Uint8Array): boolean {
  const held = Y.createSnapshot(
    // Normalised (sorted, adjacent ranges merged) so that the containment check compares like with like.
    Y.mergeDeleteSets([Y.decodeUpdate(answer).ds]),
    Y.parseUpdateMeta(answer).to,
  );
  return Y.snapshotContainsUpdate(held, changes);
}
