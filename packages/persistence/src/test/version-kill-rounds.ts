import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { DocStore } from '../index.js';
import { markers, runChildAndKill } from './kill-child.js';
import { BASE, STEP_MS } from './version-crash-child.js';
import { docFrom } from './yjs-helpers.js';

const CHILD = fileURLToPath(new URL('./version-crash-child.ts', import.meta.url));
const DOC_ID = 'crash-doc';

/**
 * Runs the child `rounds` times, each killed at a random moment, and after each kill checks the history
 * with a fresh store: every listed version opens to exactly the text of its step (no half version, no
 * broken chain), the newest holds every acknowledged step, and no acknowledged named version is missing.
 */
export async function killRounds(rounds: number, childArgs: string[], openFresh: () => Promise<DocStore>): Promise<void> {
  let steps = 0;
  let kept = 0;
  const named = new Set<number>();
  for (let round = 0; round < rounds; round++) {
    // At least 30 steps a round, so that thinning runs; the kill lands anywhere in the cuts and thinnings
    // in flight after that.
    const afterAcks = 30 + Math.floor(Math.random() * 50);
    const killAfterMs = Math.floor(Math.random() * 100);
    const { startedAt, acked } = await runChildAndKill(CHILD, [...childArgs, DOC_ID], killAfterMs, afterAcks);
    const context = `round ${round}, killed ${killAfterMs} ms after ${afterAcks} acks`;
    expect(startedAt, context).toBe(steps);
    for (const n of acked) if (n % 10 === 0) named.add(n);

    const store = await openFresh();
    try {
      const listed = await store.versions.list(DOC_ID);
      const stepsListed = listed.map((v) => (v.createdAt - BASE) / STEP_MS);
      for (const [i, version] of listed.entries()) {
        const text = docFrom(await store.versions.content(DOC_ID, version.id)).getText('text').toString();
        expect(text, `${context}, version ${version.id}`).toBe(markers(stepsListed[i]! + 1));
      }
      expect(stepsListed[0], context).toBeGreaterThanOrEqual(Math.max(...acked));
      for (const n of named) expect(stepsListed, context).toContain(n);
      steps = stepsListed[0]! + 1;
      kept = listed.length;
    } finally {
      await store.close();
    }
  }
  // Thinning ran (and was killed too): fewer versions are left than were cut.
  expect(kept).toBeLessThan(steps / 2);
}
