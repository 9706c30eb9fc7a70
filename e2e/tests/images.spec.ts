import type { Page } from '@playwright/test';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { canvasPng, pasteFiles, pasteHtml } from '../fixtures/images.js';
import { expect, test } from '../fixtures/users.js';

/** Holds the page's uploads until the returned function is called, to look at what others see meanwhile. */
async function holdUploads(page: Page): Promise<() => void> {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/docs/*/files', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test('a pasted image shows at once, uploads with a progress bar, and the other user sees a placeholder, then the image', async ({ alice, bob, request }) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  await alice.focusEnd();
  await alice.type('Chart:');
  const release = await holdUploads(alice.page);

  await pasteFiles(alice.page, [await canvasPng(alice.page, 64, 48)]);
  const mine = alice.editor.locator('img[data-file-sha]');
  await expect(mine).toBeVisible();
  expect(await mine.getAttribute('src')).toMatch(/^blob:/);
  await expect(alice.editor.getByTestId('upload-progress')).toBeVisible();
  const sha = (await mine.getAttribute('data-file-sha'))!;
  expect(sha).toMatch(/^[0-9a-f]{64}$/);
  await expect(bob.editor.getByTestId('image-placeholder')).toContainText('64 × 48');

  release();
  await expect(alice.editor.getByTestId('upload-progress')).toBeHidden();
  const theirs = bob.editor.locator(`img[data-file-sha="${sha}"]`);
  await expect(theirs).toBeVisible({ timeout: 15_000 });
  // Fetched with the token and shown from a blob URL: no token in any <img src>.
  expect(await theirs.getAttribute('src')).toMatch(/^blob:/);
  await expect.poll(() => theirs.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);

  await mine.click();
  await alice.page.getByTestId('image-alt').fill('A red rectangle');
  await expect(theirs).toHaveAttribute('alt', 'A red rectangle');
  await alice.expectSaved();
  const exported = await request.get(`/api/docs/${alice.documentId}/export`, { params: { format: 'json', token: alice.token } });
  const json = (await exported.json()) as { content: unknown[] };
  expect(json.content).toContainEqual({ type: 'image', attrs: { sha, width: 64, height: 48, alt: 'A red rectangle' } });
});

test('an SVG is refused with a clear message and nothing is inserted; a PNG from the toolbar’s picker or dropped is', async ({ alice }) => {
  await alice.createDocument();
  await alice.focusEnd();
  const pick = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByRole('button', { name: 'Image', exact: true }).click();
    await (await chooser).setFiles(file);
  };

  await pick({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') });
  await expect(alice.page.getByTestId('image-message')).toContainText('“logo.svg” can\'t be added');
  await expect(alice.page.getByTestId('image-message')).toContainText('SVG');
  await expect(alice.editor.locator('.image-node')).toHaveCount(0);

  const png = await canvasPng(alice.page, 20, 10);
  await pick({ name: 'dot.png', mimeType: 'image/png', buffer: Buffer.from(png.base64, 'base64') });
  await expect(alice.editor.locator('img[data-file-sha]')).toBeVisible();
  await expect(alice.page.getByTestId('image-message')).toBeHidden();

  await pasteFiles(alice.page, [await canvasPng(alice.page, 16, 16, '#963')], 'drop');
  await expect(alice.editor.locator('img[data-file-sha]')).toHaveCount(2);
});

test('an image added offline is kept across a reload and uploaded when the connection returns', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Offline picture:');
  await alice.expectSaved();
  await bob.open(alice.page.url());

  await alice.goOffline();
  await alice.focusEnd();
  await pasteFiles(alice.page, [await canvasPng(alice.page, 40, 30, '#36c')]);
  const mine = alice.editor.locator('img[data-file-sha]');
  await expect(mine).toBeVisible();
  await expect(alice.editor.getByTestId('upload-progress')).toBeVisible();
  const sha = (await mine.getAttribute('data-file-sha'))!;

  // The page comes from the service worker, the document and the image's bytes from IndexedDB.
  await alice.page.reload();
  await alice.expectStatus('offline');
  await expect(alice.editor.locator(`img[data-file-sha="${sha}"]`)).toBeVisible();

  const release = await holdUploads(alice.page);
  await alice.page.context().setOffline(false);
  await alice.expectStatus('connected');
  await expect(bob.editor.getByTestId('image-placeholder')).toContainText('40 × 30');
  release();
  await expect(bob.editor.locator(`img[data-file-sha="${sha}"]`)).toBeVisible({ timeout: 15_000 });
  await expect(alice.editor.getByTestId('upload-progress')).toBeHidden();
});

test('data: images, written by another Yjs client or pasted as HTML, are uploaded and replaced by their hash', async ({ alice, server, request }) => {
  await alice.createDocument();
  const green = await canvasPng(alice.page, 30, 20, '#3a3');
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/collab`, alice.documentId, doc, {
    params: { token: alice.token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  try {
    await expect.poll(() => provider.synced).toBe(true);
    // What an editor that keeps images inline would write.
    const image = new Y.XmlElement('image');
    image.setAttribute('src', `data:image/png;base64,${green.base64}`);
    image.setAttribute('alt', 'green');
    const content = doc.getXmlFragment('default');
    content.insert(content.length, [image]);

    await expect.poll(() => image.getAttribute('sha') ?? '').toMatch(/^[0-9a-f]{64}$/);
    expect(image.getAttribute('src')).toBeUndefined();
    const sha = image.getAttribute('sha')!;
    await expect(alice.editor.locator(`img[data-file-sha="${sha}"]`)).toHaveAttribute('alt', 'green');
    const stored = () => request.get(`/api/docs/${alice.documentId}/files/${sha}`, { headers: { authorization: `Bearer ${alice.token}` } });
    await expect.poll(async () => (await stored()).status()).toBe(200);
  } finally {
    provider.destroy();
    doc.destroy();
  }

  const blue = await canvasPng(alice.page, 12, 12, '#33c');
  await alice.focusEnd();
  await pasteHtml(alice.page, `<p>From the web</p><img src="data:image/png;base64,${blue.base64}" alt="blue">`);
  await expect(alice.editor.locator('img[alt="blue"][data-file-sha]')).toBeVisible();
  await expect(alice.editor).toContainText('From the web');
  await alice.expectSaved();
  const exported = await request.get(`/api/docs/${alice.documentId}/export`, { params: { format: 'json', token: alice.token } });
  expect(await exported.text()).not.toContain('data:');
});
