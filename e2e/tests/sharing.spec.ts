import { expect, test } from '../fixtures/users.js';

test('share links open the same document', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Shared words.');
  const links = await alice.shareLinks();
  expect(links.editUrl).toContain(`/d/${alice.documentId}#token=`);
  expect(links.viewUrl).toContain(`/d/${alice.documentId}#token=`);
  expect(links.viewUrl).not.toBe(links.editUrl);

  await bob.open(links.editUrl);
  await expect(bob.editor).toContainText('Shared words.');
  await bob.focusEnd();
  await bob.type(' Bob agrees.');
  await expect(alice.editor).toContainText('Shared words. Bob agrees.');

  // Bob did not create the document, yet the server gives him both links his edit link may hand on.
  expect(await bob.shareLinks()).toEqual(links);
  expect(links.editUrl).toContain(bob.token);
});

test('a view link is read-only but live, and its holder is present', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Read me.');
  const { viewUrl } = await alice.shareLinks();

  await bob.open(viewUrl);
  await expect(bob.editor).toHaveAttribute('contenteditable', 'false');
  await expect(bob.editor).toContainText('Read me.');
  await expect(bob.page.getByRole('toolbar')).toHaveCount(0);

  await alice.focusEnd();
  await alice.type(' Still writing.');
  await expect(bob.editor).toContainText('Read me. Still writing.');
  await expect(alice.presenceUsers.filter({ hasText: 'Bob' })).toHaveCount(1);

  await bob.editor.click();
  await bob.type('not allowed');
  // Then Alice writes and waits until the server has stored it. Anything Bob's keystrokes sent left his page
  // before she typed: the server had it first, and would have relayed it to her ahead of the answer that tells
  // her she is saved.
  await alice.focusEnd();
  await alice.type(' Later.');
  await alice.expectSaved();
  await expect(bob.editor).toContainText('Read me. Still writing. Later.');
  const text = await alice.text();
  expect(text).not.toContain('not allowed');
  expect(await bob.text()).toBe(text);
});

test('a link with the token in the query still opens, and the address bar moves the token to the fragment', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Old links work.');
  await alice.expectSaved();

  await bob.open(`/d/${alice.documentId}?token=${alice.token}`);
  await expect(bob.page).toHaveURL(`/d/${alice.documentId}#token=${alice.token}`);
  await expect(bob.editor).toContainText('Old links work.');
});
