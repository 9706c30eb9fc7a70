import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/users.js';

/** Every script the page loads from now on, by path, with its size gzipped (zlib's default level, as Vite reports). */
function scriptSizes(page: Page): Map<string, Promise<number>> {
  const sizes = new Map<string, Promise<number>>();
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    sizes.set(new URL(response.url()).pathname, response.body().then((body) => gzipSync(body).length));
  });
  return sizes;
}

async function kilobytes(sizes: Map<string, Promise<number>>): Promise<string> {
  const total = (await Promise.all(sizes.values())).reduce((sum, size) => sum + size, 0);
  return (total / 1000).toFixed(1);
}

test('the JavaScript a document page loads, gzipped (measured and reported, not asserted)', async ({ alice, browser, baseURL }, testInfo) => {
  await alice.createDocument();
  // Someone opening a shared link: a fresh browser context, straight on the document.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const sizes = scriptSizes(page);
  await page.goto(alice.page.url());
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  await expect(page.locator('.ProseMirror')).toBeVisible();
  const plain = new Map(sizes);

  await page.locator('.ProseMirror').click();
  await page.getByTestId('toolbar').getByRole('button', { name: 'Insert table', exact: true }).click();
  await expect(page.locator('.ProseMirror table colgroup')).toHaveCount(1);

  const summary =
    `document page JavaScript, gzipped: ${await kilobytes(plain)} kB in ${plain.size} files (${[...plain.keys()].join(', ')}); ` +
    `after inserting a table: ${await kilobytes(sizes)} kB in ${sizes.size} files`;
  console.log(summary);
  testInfo.annotations.push({ type: 'page weight', description: summary });
  expect(sizes.size).toBeGreaterThan(plain.size);
  await context.close();
});
