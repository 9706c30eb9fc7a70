import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/users.js';

const focusedLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);

/**
 * From the editor, with the keyboard only: Alt+F10 to the toolbar, arrows to the button, Enter; the button's
 * command gives the focus back to the text (a frame later).
 */
async function pressToolbarButton(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Alt+F10');
  const buttons = await page.getByTestId('toolbar').getByRole('button').count();
  for (let step = 0; step <= buttons && (await focusedLabel(page)) !== label; step++) await page.keyboard.press('ArrowRight');
  expect(await focusedLabel(page)).toBe(label);
  await page.keyboard.press('Enter');
  await expect(page.locator('.ProseMirror')).toBeFocused();
}

test('underline, highlight, alignment and a horizontal rule, from the keyboard, reach the other user', async ({ alice, bob }) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  await alice.focusEnd();
  await alice.type('Plain words then marked');
  await alice.page.keyboard.press('Control+Shift+ArrowLeft');

  await pressToolbarButton(alice.page, 'Highlight');
  await expect(alice.button('Highlight')).toHaveAttribute('aria-pressed', 'true');
  // The selection is still there.
  await alice.page.keyboard.press('Control+u');
  await expect.poll(() => bob.textsOf('mark')).toEqual(['marked']);
  await expect.poll(() => bob.textsOf('mark u, u mark')).toEqual(['marked']);

  await pressToolbarButton(alice.page, 'Align centre');
  await expect(bob.editor.locator('p').first()).toHaveCSS('text-align', 'center');
  await expect(alice.button('Align centre')).toHaveAttribute('aria-pressed', 'true');

  await alice.page.keyboard.press('End');
  await alice.page.keyboard.press('Enter');
  await pressToolbarButton(alice.page, 'Horizontal rule');
  await alice.type('After the rule');
  await expect(bob.editor.locator('hr')).toHaveCount(1);
  await expect.poll(() => bob.textsOf('hr + p')).toEqual(['After the rule']);

  // Escape leaves the toolbar for the text again.
  await alice.page.keyboard.press('Alt+F10');
  expect(await focusedLabel(alice.page)).not.toBeNull();
  await alice.page.keyboard.press('Escape');
  await expect(alice.editor).toBeFocused();
});

test('the footer counts the words and characters of the document, live', async ({ alice, bob }) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  const stats = bob.page.getByTestId('document-stats');
  await expect(stats).toHaveText('0 words · 0 characters');

  await alice.focusEnd();
  await alice.type('One two three');
  await expect(stats).toHaveText('3 words · 13 characters');
  await alice.page.keyboard.press('Enter');
  await alice.type('four');
  // Blocks count as separate words; the break between them is not a character.
  await expect(stats).toHaveText('4 words · 17 characters');
});
