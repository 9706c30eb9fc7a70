import { expect, test } from '../fixtures/users.js';

test('the owner resets the edit link while another browser edits: that browser is shut out, the owner goes on', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Owned by Alice.');
  const { editUrl } = await alice.shareLinks();
  await bob.open(editUrl);
  await bob.focusEnd();
  await bob.type(' Bob was here.');
  await expect(alice.editor).toContainText('Owned by Alice. Bob was here.');
  expect(await alice.ownerControls()).toEqual({ resets: 3, viewToggle: 1, delete: 1 });
  // Bob holds the edit link: he may share it, not take anyone's access away.
  expect(await bob.ownerControls()).toEqual({ resets: 0, viewToggle: 0, delete: 0 });

  const newEditUrl = await alice.resetLink('edit');
  expect(newEditUrl).not.toBe(editUrl);
  await expect(bob.page.getByTestId('message-screen')).toHaveAttribute('data-reason', 'denied');
  await expect(bob.page.getByTestId('message-screen')).toContainText('replaced this link');

  // Alice's own page is not cut off, and her address bar now holds the link that works.
  await alice.focusEnd();
  await alice.type(' Still writing.');
  await alice.expectSaved();
  await alice.expectStatus('connected');
  expect(alice.token).toBe(new URL(newEditUrl).hash.slice('#token='.length));

  await bob.open(newEditUrl);
  await expect(bob.editor).toContainText('Owned by Alice. Bob was here. Still writing.');
});

test('the owner turns the view link off and on again', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Read me.');
  const { viewUrl } = await alice.shareLinks();
  await bob.open(viewUrl);
  await expect(bob.editor).toContainText('Read me.');

  await alice.setViewLink(false);
  await expect(bob.page.getByTestId('message-screen')).toContainText('turned this link off');
  await alice.setViewLink(true);
  expect((await alice.shareLinks()).viewUrl).toBe(viewUrl);
  // The same link works again (the page is on it already: going to it again would only move to its fragment).
  await bob.page.reload();
  await bob.ready();
  await expect(bob.editor).toContainText('Read me.');
});

test('the owner deletes a document and undeletes it from the home page', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Do not lose me.');
  await alice.expectSaved();
  const { editUrl } = await alice.shareLinks();
  await bob.open(editUrl);

  await alice.deleteDocument();
  await expect(bob.page.getByTestId('message-screen')).toHaveAttribute('data-reason', 'deleted');
  const deleted = alice.page.getByTestId('deleted-docs');
  await expect(deleted.getByTestId('deleted-doc')).toHaveCount(1);
  await expect(alice.page.getByTestId('recent-doc')).toHaveCount(0);

  await deleted.getByTestId('undelete-doc').click();
  await expect(alice.page.getByTestId('deleted-docs')).toHaveCount(0);
  await alice.page.getByTestId('recent-doc').click();
  await alice.ready();
  await expect(alice.editor).toContainText('Do not lose me.');
  await bob.page.reload();
  await bob.ready();
  await expect(bob.editor).toContainText('Do not lose me.');

  // Deleted again, it is listed for 30 days only: past them the server would refuse to undelete it.
  await alice.deleteDocument();
  await expect(deleted.getByTestId('deleted-doc')).toHaveCount(1);
  await alice.page.clock.setFixedTime(Date.now() + 31 * 24 * 3600 * 1000);
  await alice.page.reload();
  await expect(alice.page.getByTestId('new-doc')).toBeVisible();
  await expect(alice.page.getByTestId('deleted-docs')).toHaveCount(0);
});
