import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { canvasPng, pasteFiles } from '../fixtures/images.js';
import { expect, test } from '../fixtures/users.js';

/**
 * axe-core's default rules (WCAG 2.0-2.2 A and AA, and best practices) plus "label in name" (WCAG 2.5.3, still
 * marked experimental in axe): a button's accessible name contains its visible text.
 */
async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).options({ rules: { 'label-content-name-mismatch': { enabled: true } } }).analyze();
  const found = results.violations.map((violation) => `${violation.id} (${violation.help}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(found, `axe on ${what}`).toEqual([]);
}

test('the home page, listing a document and a deleted one, and the confirmation before a delete', async ({ alice }) => {
  await alice.createDocument();
  await alice.createDocument();
  await alice.page.getByTestId('delete-doc').click();
  await expect(alice.page.getByTestId('confirm-dialog')).toBeVisible();
  await expectNoViolations(alice.page, 'the confirmation of a delete');
  await alice.page.getByTestId('confirm').click();
  await expect(alice.page.getByTestId('deleted-doc')).toHaveCount(1);
  await expect(alice.page.getByTestId('recent-doc')).toHaveCount(1);
  await expectNoViolations(alice.page, 'the home page');
});

test('a document with every kind of content, an image and a table, its dialogs and menus, and its read-only view', async ({ alice, bob }) => {
  // Seven axe runs over a full page.
  test.slow();
  await alice.createDocument();
  await alice.page.getByTestId('document-title').fill('Everything');
  await alice.focusEnd();
  await alice.type('# A heading\nSome ');
  await alice.page.keyboard.press('Control+b');
  await alice.type('bold');
  await alice.page.keyboard.press('Control+b');
  await alice.page.keyboard.press('Control+Shift+h');
  await alice.type(' highlighted');
  await alice.page.keyboard.press('Control+Shift+h');
  await alice.type(' and `code` words.\n[x] done\n');
  await alice.page.keyboard.press('Enter');
  await alice.type('> quoted\n');
  await alice.page.keyboard.press('Enter');
  await alice.insertTable();
  // Every header cell named: an empty one is the author's to fill (axe flags it).
  for (const [index, text] of ['Name', 'Role', 'Since', 'Ada'].entries()) {
    if (index > 0) await alice.page.keyboard.press('Tab');
    await alice.type(text);
  }
  await alice.focusBlock(0, 'end');
  await pasteFiles(alice.page, [await canvasPng(alice.page, 64, 48)]);
  await expect(alice.editor.locator('img[data-file-sha]')).toBeVisible();
  await expect(alice.editor.getByTestId('upload-progress')).toBeHidden();
  // The cursor in the table: its toolbar group shows too.
  await alice.focusCell(1, 0);
  await expect(alice.button('Delete table')).toBeVisible();
  await expect(alice.editor.locator('li[data-checked="true"]')).toHaveCount(1);
  await alice.expectSaved();
  await expectNoViolations(alice.page, 'a document page');
  // A selected image shows its alt text field.
  await alice.editor.locator('img[data-file-sha]').click();
  await expect(alice.page.getByTestId('image-alt')).toBeVisible();
  await expectNoViolations(alice.page, 'a document page with an image selected');

  await alice.page.getByTestId('share').click();
  await expect(alice.page.getByTestId('share-dialog')).toBeVisible();
  await expectNoViolations(alice.page, 'the share dialog');
  const viewUrl = await alice.page.getByTestId('share-view-url').inputValue();
  await alice.page.keyboard.press('Escape');

  await alice.focusBlock(1, 'end');
  await alice.page.keyboard.press('Control+k');
  await expect(alice.page.getByRole('dialog', { name: 'Link' })).toBeVisible();
  await expectNoViolations(alice.page, 'the link dialog');
  await alice.page.keyboard.press('Escape');

  await alice.page.getByTestId('export').click();
  await expect(alice.page.getByTestId('export-markdown')).toBeVisible();
  await expectNoViolations(alice.page, 'the export menu');

  await bob.open(viewUrl);
  await expect(bob.editor.locator('table')).toHaveCount(1);
  await expect(bob.editor.locator('img[data-file-sha]')).toBeVisible();
  await expectNoViolations(bob.page, 'a read-only document page');
});
