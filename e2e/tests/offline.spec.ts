import { expectConverged } from '../fixtures/document-page.js';
import { expect, test } from '../fixtures/users.js';

test('a user who goes offline keeps typing, even across a reload, and both converge once back', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Base.');
  await alice.expectSaved();
  await bob.open(alice.page.url());

  await alice.goOffline();
  await alice.focusEnd();
  await alice.type(' Alice offline.');
  await bob.focusEnd();
  await bob.type(' Bob online.');
  await expect(bob.editor).toContainText('Bob online.');
  await expect(alice.page.getByTestId('save-status')).toHaveAttribute('data-state', 'pending');
  expect(await alice.text()).not.toContain('Bob online.');

  // Without network, the page comes from the service worker and the text from IndexedDB, unsent edits included.
  await alice.page.reload();
  await alice.expectStatus('offline');
  await expect(alice.editor).toContainText('Alice offline.');
  await alice.focusEnd();
  await alice.type(' After reload.');

  await alice.page.context().setOffline(false);
  await alice.expectStatus('connected');
  await expectConverged([alice, bob], ['Alice offline.', 'After reload.', 'Bob online.']);
  await alice.expectSaved();
});
