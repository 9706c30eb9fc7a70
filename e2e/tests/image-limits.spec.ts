import { canvasPng, pasteFiles } from '../fixtures/images.js';
import { expect, test } from '../fixtures/users.js';

// A server of its own (a worker of its own) with a limit small enough to hit with a pasted file.
test.use({ serverEnv: { MAX_FILE_BYTES: '20000' } });

test('a file too big is refused with a clear message and nothing is inserted', async ({ alice }) => {
  await alice.createDocument();
  await alice.focusEnd();
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const big = Buffer.concat([signature, Buffer.alloc(30_000, 7)]);
  await pasteFiles(alice.page, [{ name: 'huge.png', type: 'image/png', base64: big.toString('base64') }]);
  await expect(alice.page.getByTestId('image-message')).toContainText('“huge.png” is too big');
  await expect(alice.page.getByTestId('image-message')).toContainText('at most');
  await expect(alice.editor.locator('.image-node')).toHaveCount(0);

  // Under the limit, the same path inserts it.
  await pasteFiles(alice.page, [await canvasPng(alice.page, 8, 8)]);
  await expect(alice.editor.locator('img[data-file-sha]')).toBeVisible();
});
