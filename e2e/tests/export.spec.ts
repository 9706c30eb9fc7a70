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

  // The editor's own menu links to the same export.
  await alice.page.getByTestId('export').click();
  const download = alice.page.waitForEvent('download');
  await alice.page.getByTestId('export-markdown').click();
  expect((await download).suggestedFilename()).toBe('Exported.md');
});
