import { rm } from 'node:fs/promises';
import { type DocAccess, type DocStore, openStore } from '@collab/persistence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Grant } from '../auth/tokens.js';
import { createLogger } from '../observability.js';
import { makeTempDir, waitFor } from '../test/helpers.js';
import type { AccessBus, AccessBusListener } from './access-bus.js';
import { type AccessControl, createAccessControl } from './access-control.js';
import type { DenialKind } from './policy.js';

/** The bus as the other processes of a cluster drive it: a change announced, or a gap in what was heard. */
function recordingBus(): AccessBus & { listener: AccessBusListener; published: string[] } {
  const bus = {
    listener: { onChange: () => undefined, onGap: () => undefined } as AccessBusListener,
    published: [] as string[],
    publish: (docId: string) => void bus.published.push(docId),
    listen: (listener: AccessBusListener) => void (bus.listener = listener),
    close: async () => undefined,
  };
  return bus;
}

const bumpEdit = (current: DocAccess): DocAccess => ({
  ...current,
  generations: { ...current.generations, edit: current.generations.edit + 1 },
});

describe('access control', () => {
  let dir: string;
  let store: DocStore;
  let bus: ReturnType<typeof recordingBus>;
  let access: AccessControl;
  const editor: Grant = { docId: 'doc', role: 'edit', generation: 0 };

  beforeEach(async () => {
    dir = await makeTempDir();
    store = await openStore({ dir });
    bus = recordingBus();
    access = createAccessControl({ store, bus, logger: createLogger('silent'), now: Date.now });
  });
  afterEach(async () => {
    access.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function watched(grant: Grant): Promise<DenialKind[]> {
    const revoked: DenialKind[] = [];
    await access.watch(grant, (kind) => revoked.push(kind));
    return revoked;
  }

  it('revokes at once the grants its own change takes away, and tells the other processes', async () => {
    const revoked = await watched(editor);
    const viewer = await watched({ docId: 'doc', role: 'view', generation: 0 });
    await access.change('doc', bumpEdit);
    expect(revoked).toEqual(['revoked']);
    expect(viewer).toEqual([]);
    expect(bus.published).toEqual(['doc']);
  });

  it('reads the state again when another process announces a change', async () => {
    const revoked = await watched(editor);
    await store.updateAccess('doc', bumpEdit); // as another process would
    bus.listener.onChange('doc');
    await waitFor('the socket to be revoked', () => revoked.length > 0);
    expect(revoked).toEqual(['revoked']);
  });

  it('reads every cached state again after a gap in what the bus delivered', async () => {
    const revoked = await watched(editor);
    const elsewhere = await watched({ docId: 'other', role: 'edit', generation: 0 });
    await store.updateAccess('doc', (current) => ({ ...current, deletedAt: 1 })); // announced while not listening
    bus.listener.onGap();
    await waitFor('the socket to be revoked', () => revoked.length > 0);
    expect(revoked).toEqual(['deleted']);
    expect(elsewhere).toEqual([]);
  });

  it('does not admit a grant on a state read before a change announced meanwhile', async () => {
    // The admission's read is held until the change has been stored and announced.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = store.access.bind(store);
    store.access = async (docId) => {
      const state = await read(docId);
      await gate;
      return state;
    };
    const admitting = access.watch(editor, () => undefined);
    await store.updateAccess('doc', bumpEdit);
    bus.listener.onChange('doc');
    store.access = read;
    release();
    await expect(admitting).rejects.toMatchObject({ kind: 'revoked' });
  });

  it('revokes a grant at its link\'s expiry even when the timer fires a millisecond early', async () => {
    // A clock that moves to the expiry the moment it is read one millisecond before it: the check that a
    // timer firing early makes finds the link still working, and any later reading finds the expiry past.
    const expiry = 1_000_000;
    let time = expiry - 100;
    const now = () => (time === expiry - 1 ? time++ : time);
    access.close();
    access = createAccessControl({ store, bus, logger: createLogger('silent'), now });
    const revoked = await watched(editor);
    await access.change('doc', (current) => ({ ...current, expiresAt: { edit: expiry, view: null } }));
    time = expiry - 1; // the 100 ms timer is due; the clock it reads is 1 ms behind
    await waitFor('the grant to be revoked', () => revoked.length > 0);
    expect(revoked).toEqual(['expired']);
  });

  it('admits a token of a link newer than the cached state, once the store confirms it', async () => {
    await watched(editor);
    await store.updateAccess('doc', bumpEdit); // reset elsewhere, not announced yet
    await expect(access.watch({ ...editor, generation: 1 }, () => undefined)).resolves.toBeTypeOf('function');
    await expect(access.watch({ ...editor, generation: 2 }, () => undefined)).rejects.toMatchObject({ kind: 'unknown-generation' });
  });
});
