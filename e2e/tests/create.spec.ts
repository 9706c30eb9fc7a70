import { expect, test } from '../fixtures/users.js';

test('a newcomer creates a document from the home page and finds it there again', async ({ alice }) => {
  await alice.createDocument();
  await alice.page.getByTestId('document-title').fill('Trip plan');
  await alice.focusEnd();
  await alice.type('Pack the tent.');
  await alice.expectSaved();
  await expect(alice.page).toHaveTitle(/Trip plan/);

  await alice.page.goto('/');
  const recent = alice.page.getByTestId('recent-doc');
  await expect(recent).toHaveCount(1);
  await expect(recent).toContainText('Trip plan');
  await recent.click();
  await alice.ready();
  await expect(alice.editor).toContainText('Pack the tent.');
});
