import { expect, test } from '../fixtures/users.js';

test('at phone width (375 px) nothing overflows the page; the toolbar and a wide table scroll sideways', async ({ alice }) => {
  await alice.page.setViewportSize({ width: 375, height: 740 });
  await alice.createDocument();
  await alice.page.getByTestId('document-title').fill('A document with a rather long title that has to fit');
  await alice.focusEnd();
  await alice.type('A long address: https://example.com/a/very/long/path/that/does/not/break/anywhere/on/its/own/at/all\n');
  await alice.insertTable();
  await alice.type('Header');
  for (let added = 0; added < 3; added++) await alice.button('Add column right').click();
  await expect(alice.editor.locator('tr').first().locator('th')).toHaveCount(6);
  // Its first column widened past the screen: the table scrolls in its own box.
  await alice.resizeColumn(0, 300);
  await expect(alice.editor.locator('th').first()).toHaveAttribute('colwidth', /^\d+$/);
  const table = await alice.editor.locator('.tableWrapper').evaluate((wrapper) => ({ scrollWidth: wrapper.scrollWidth, clientWidth: wrapper.clientWidth }));
  expect(table.scrollWidth).toBeGreaterThan(table.clientWidth);

  const page = await alice.page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(page.scrollWidth).toBeLessThanOrEqual(page.innerWidth);

  const toolbar = alice.page.getByTestId('toolbar');
  const scroll = await toolbar.evaluate((element) => ({
    overflowX: getComputedStyle(element).overflowX,
    scrollWidth: element.scrollWidth,
    clientWidth: element.clientWidth,
  }));
  expect(scroll.overflowX).toBe('auto');
  expect(scroll.scrollWidth).toBeGreaterThan(scroll.clientWidth);
  // The last button can be scrolled into view, and the page still does not move sideways.
  const last = toolbar.getByRole('button').last();
  await last.scrollIntoViewIfNeeded();
  await expect(last).toBeInViewport();
  expect(await alice.page.evaluate(() => window.scrollX)).toBe(0);
});
