import { expectConverged } from '../fixtures/document-page.js';
import { expect, test } from '../fixtures/users.js';

test('a version deleted by another user is seen struck through, restored for both, undone and redone by the restorer', async ({
  alice,
  bob,
}) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  await alice.focusEnd();
  await alice.type('Precious words.');
  await alice.page.keyboard.press('Enter');
  await alice.type('More of them.');
  await expectConverged([alice, bob], ['Precious words.', 'More of them.']);

  // Alice names the current version (Ctrl+Alt+S opens the field).
  await alice.page.keyboard.press('Control+Alt+KeyS');
  await alice.page.getByTestId('version-name').fill('Before the review');
  await alice.page.getByTestId('version-name').press('Enter');
  const versions = alice.page.getByTestId('history-version');
  await expect(versions).toHaveCount(1);
  await expect(versions.first()).toHaveAttribute('data-kind', 'named');
  await expect(versions.first()).toContainText('Before the review');
  await expect(versions.first()).toContainText(alice.name);

  // Bob deletes everything.
  await bob.focusEnd();
  await bob.page.keyboard.press('Control+A');
  await bob.page.keyboard.press('Delete');
  await expect(bob.editor).not.toContainText('Precious');
  await expect(alice.editor).not.toContainText('Precious');

  // The named version against the current document: what Bob deleted is struck through.
  await versions.first().click();
  const preview = alice.page.getByTestId('version-preview');
  await expect(preview).toBeVisible();
  await expect(alice.page.getByLabel('Document text')).toBeHidden();
  await expect(preview.locator('[data-change=insert]').first()).toContainText('Precious words.');
  await alice.page.getByTestId('compare-current').check();
  await expect(preview.locator('[data-change=delete]').first()).toContainText('Precious words.');
  await expect(preview.locator('[data-change=insert]')).toHaveCount(0);

  await alice.page.getByTestId('restore-version').click();
  await expect(alice.page.getByTestId('history-panel')).toHaveCount(0);
  await expectConverged([alice, bob], ['Precious words.', 'More of them.']);

  // The restore is Alice's own edit: Ctrl+Z takes it back for everyone, Ctrl+Shift+Z brings it again.
  await alice.focusEnd();
  await alice.page.keyboard.press('Control+Z');
  await expect(alice.editor).not.toContainText('Precious');
  await expect(bob.editor).not.toContainText('Precious');
  await alice.page.keyboard.press('Control+Shift+Z');
  await expectConverged([alice, bob], ['Precious words.', 'More of them.']);

  // The state before the restore was kept as a version.
  await alice.page.getByTestId('history').click();
  await expect(versions.first()).toHaveAttribute('data-kind', 'restore');
  // Versions can be renamed.
  const named = alice.page.locator('li', { has: alice.page.locator('[data-kind=named]') });
  await named.getByTestId('rename-version').click();
  await alice.page.getByTestId('version-rename').fill('Reviewed draft');
  await alice.page.getByTestId('version-rename').press('Enter');
  await expect(named.getByTestId('history-version')).toContainText('Reviewed draft');
  await alice.page.getByTestId('history-close').click();
  await expect(alice.editor).toBeVisible();
});

test('a view link has no History', async ({ alice, bob }) => {
  await alice.createDocument();
  await expect(alice.page.getByTestId('history')).toBeVisible();
  const { viewUrl } = await alice.shareLinks();
  await bob.open(viewUrl);
  await expect(bob.page.getByText('View only')).toBeVisible();
  await expect(bob.page.getByTestId('history')).toHaveCount(0);
});
