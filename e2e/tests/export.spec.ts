import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures/users.js';

test('export returns the typed content in every format', async ({ alice, request }) => {
  await alice.createDocument();
  await alice.page.getByTestId('document-title').fill('Exported');
  await alice.focusEnd();
  await alice.type('# Big title\nSome ');
  await alice.page.keyboard.press('Control+b');
  await alice.type('bold');
  await alice.page.keyboard.press('Control+b');
  await alice.type(' words.');
  await alice.expectSaved();

  const exported = async (format: string) => {
    const response = await request.get(`/api/docs/${alice.documentId}/export`, { params: { format, token: alice.token } });
    expect(response.status()).toBe(200);
    return response.text();
  };
  expect(await exported('markdown')).toContain('# Big title\n\nSome **bold** words.');
  const html = await exported('html');
  expect(html).toContain('<h1>Big title</h1>');
  expect(html).toContain('<strong>bold</strong>');
  expect(JSON.parse(await exported('json')).content[0].type).toBe('heading');
  expect(await exported('text')).toBe('Big title\n\nSome bold words.\n');

  // The editor's own menu links to the same export, one entry per format.
  const fromMenu = async (format: string) => {
    await alice.page.getByTestId('export').click();
    const download = alice.page.waitForEvent('download');
    await alice.page.getByTestId(`export-${format}`).click();
    return download;
  };
  for (const [format, fileName] of [
    ['markdown', 'Exported.md'],
    ['html', 'Exported.html'],
    ['json', 'Exported.json'],
  ] as const) {
    expect((await fromMenu(format)).suggestedFilename()).toBe(fileName);
  }
  const text = await fromMenu('text');
  expect(text.suggestedFilename()).toBe('Exported.txt');
  expect(await readFile(await text.path(), 'utf8')).toBe('Big title\n\nSome bold words.\n');
});
