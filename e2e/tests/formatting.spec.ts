import { expectConverged } from '../fixtures/document-page.js';
import { expect, test } from '../fixtures/users.js';

test('formatting made with the toolbar, shortcuts and Markdown rules reaches the other user', async ({ alice, bob }) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  await alice.focusEnd();

  await alice.page.getByRole('button', { name: 'Heading 1' }).click();
  await alice.type('Plan');
  await expect(alice.page.getByRole('button', { name: 'Heading 1' })).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.press('Enter');
  await alice.type('This is ');
  await alice.page.keyboard.press('Control+b');
  await alice.type('important');
  await expect(alice.page.getByRole('button', { name: 'Bold' })).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.press('Control+b');
  await alice.type(' stuff');
  await alice.page.keyboard.press('Enter');
  await alice.type('- milk\neggs');
  await expect(alice.page.getByRole('button', { name: 'Bullet list' })).toHaveAttribute('aria-pressed', 'true');

  await expect(bob.editor.locator('h1')).toHaveText('Plan');
  await expect(bob.editor.locator('strong')).toHaveText('important');
  await expect(bob.editor.locator('ul > li')).toHaveCount(2);
  await expectConverged([alice, bob], ['Plan\nThis is important stuff\nmilk\neggs']);
});

test('undo reverts only your own changes', async ({ alice, bob }) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  await alice.focusEnd();
  await alice.type('Alice wrote this.');
  await expect(bob.editor).toContainText('Alice wrote this.');
  await bob.focusEnd();
  await bob.page.keyboard.press('Enter');
  await bob.type('Bob wrote this.');
  await expect(alice.editor).toContainText('Bob wrote this.');

  await alice.page.getByRole('button', { name: 'Undo' }).click();
  const text = await expectConverged([alice, bob], ['Bob wrote this.']);
  expect(text).not.toContain('Alice wrote this.');
  await alice.page.getByRole('button', { name: 'Redo' }).click();
  await expectConverged([alice, bob], ['Alice wrote this.', 'Bob wrote this.']);
});
