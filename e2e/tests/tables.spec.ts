import type { Page } from '@playwright/test';
import type { DocumentPage } from '../fixtures/document-page.js';
import { expect, test } from '../fixtures/users.js';

/** The table editing code is a chunk of its own (apps/editor/src/editor/table-editing.ts). */
const isTableCode = (url: string) => /\/assets\/table-editing-[\w-]+\.js$/.test(url);

/** Every script URL the page requests from now on. */
function scriptRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') urls.push(request.url());
  });
  return urls;
}

/** Both users see the same cells, and `check` holds for them. */
async function expectSameCells(users: DocumentPage[], check: (cells: string[][]) => void): Promise<string[][]> {
  let cells: string[][] = [];
  await expect(async () => {
    const all = await Promise.all(users.map((user) => user.tableCells()));
    cells = all[0] ?? [];
    for (const other of all.slice(1)) expect(other).toEqual(cells);
    check(cells);
  }).toPass({ timeout: 15_000 });
  return cells;
}

test('a table from the toolbar: header row, Tab between cells, rows and columns added and removed', async ({ alice, bob }) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  await alice.focusEnd();
  await alice.type('Shopping');
  await alice.insertTable();

  const table = alice.editor.locator('table');
  await expect(table.locator('tr')).toHaveCount(3);
  await expect(table.locator('tr').first().locator('th')).toHaveCount(3);
  for (const [index, text] of ['Item', 'Qty', 'Shop', 'Milk', '2', 'Corner'].entries()) {
    if (index > 0) await alice.page.keyboard.press('Tab');
    await alice.type(text);
  }
  // Shift-Tab goes back a cell and selects its content, as Tab does.
  await alice.page.keyboard.press('Shift+Tab');
  await alice.type('12');
  await expectSameCells([alice, bob], (cells) =>
    expect(cells).toEqual([['Item', 'Qty', 'Shop'], ['Milk', '12', 'Corner'], ['', '', '']]),
  );
  await expect(bob.editor.locator('tr').first().locator('th')).toHaveCount(3);

  // Tab in the last cell adds a row.
  await alice.focusCell(2, 2);
  await alice.page.keyboard.press('Tab');
  await alice.type('Eggs');
  await expectSameCells([alice, bob], (cells) => expect(cells[3]).toEqual(['Eggs', '', '']));

  await alice.button('Add row above').click();
  await alice.focusCell(0, 2);
  await alice.button('Delete column').click();
  await expectSameCells([alice, bob], (cells) =>
    expect(cells).toEqual([['Item', 'Qty'], ['Milk', '12'], ['', ''], ['', ''], ['Eggs', '']]),
  );
  await alice.focusCell(3, 0);
  await alice.button('Delete row').click();
  await alice.focusCell(1, 1);
  await alice.button('Add column right').click();
  await expectSameCells([alice, bob], (cells) => expect(cells).toEqual([['Item', 'Qty', ''], ['Milk', '12', ''], ['', '', ''], ['Eggs', '', '']]));

  await expect(alice.button('Header row')).toHaveAttribute('aria-pressed', 'true');
  await alice.button('Header row').click();
  await expect(bob.editor.locator('th')).toHaveCount(0);
  await expect(alice.button('Header row')).toHaveAttribute('aria-pressed', 'false');

  // The table's own buttons only show while the cursor is in a table.
  await alice.focusBlock(0, 'end');
  await expect(alice.button('Add row below')).toHaveCount(0);
  await alice.focusCell(0, 0);
  await alice.button('Delete table').click();
  await expect(bob.editor.locator('table')).toHaveCount(0);
  await expect(bob.editor).toContainText('Shopping');
});

test('a table typed in the editor exports as a GitHub-flavoured Markdown table and an HTML table', async ({ alice, request }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.insertTable();
  for (const [index, text] of ['Fruit', 'Count', '', 'Plums | pears', '12'].entries()) {
    if (index > 0) await alice.page.keyboard.press('Tab');
    await alice.type(text);
  }
  await alice.expectSaved();

  const exported = async (format: string) =>
    (await request.get(`/api/docs/${alice.documentId}/export`, { params: { format, token: alice.token } })).text();
  expect((await exported('markdown')).trim().split('\n')).toEqual([
    '| Fruit          | Count |     |',
    '| -------------- | ----- | --- |',
    '| Plums \\| pears | 12    |     |',
    '|                |       |     |',
  ]);
  expect(await exported('html')).toMatch(/<table[^>]*><colgroup>.*<\/colgroup><tbody><tr><th[^>]*><p>Fruit<\/p><\/th>/);
});

test('two users typing in different cells at the same time both keep their text', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.insertTable();
  await expect(alice.editor.locator('th')).toHaveCount(3);
  await alice.type('Who');
  await bob.open(alice.page.url());
  await expect(bob.editor.locator('th').first()).toContainText('Who');

  // Cursors are placed while nobody types (see typing.spec.ts).
  await alice.focusCell(1, 0);
  await bob.focusCell(2, 1);
  await Promise.all([alice.type('Alice was here', 20), bob.type('Bob was here', 20)]);
  const cells = await expectSameCells([alice, bob], (current) => {
    expect(current[1]?.[0]).toBe('Alice was here');
    expect(current[2]?.[1]).toBe('Bob was here');
  });
  expect(cells).toEqual([['Who', '', ''], ['Alice was here', '', ''], ['', 'Bob was here', '']]);
});

test('a plain document loads no table code; a table from someone else loads it, stays, and is edited as a table', async ({ alice, bob }) => {
  const aliceScripts = scriptRequests(alice.page);
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Notes');
  // The decision is taken when the editor is created: it is showing, and asked for no table code.
  expect(aliceScripts.filter(isTableCode)).toEqual([]);

  await bob.open(alice.page.url());
  const tableCodeLoaded = alice.page.waitForRequest((request) => isTableCode(request.url()));
  await bob.focusEnd();
  await bob.page.keyboard.press('Enter');
  await bob.insertTable();
  await expect(bob.editor.locator('th')).toHaveCount(3);
  await bob.type('From Bob');
  await tableCodeLoaded;

  // Alice's editor is re-created with table editing (its table view draws a colgroup), where she left it.
  await expect(alice.editor.locator('table colgroup')).toHaveCount(1);
  await alice.type(' and more');
  await expect.poll(() => bob.text()).toMatch(/^Notes and more\n/);
  await expectSameCells([alice, bob], (cells) => expect(cells[0]?.[0]).toBe('From Bob'));

  await alice.focusCell(0, 0);
  await alice.page.keyboard.press('Tab');
  await alice.type('Alice');
  await expectSameCells([alice, bob], (cells) => expect(cells[0]).toEqual(['From Bob', 'Alice', '']));

  // Opened again, a document with a table gets the table code before its editor is created.
  const reloadScripts = scriptRequests(alice.page);
  await alice.page.reload();
  await alice.ready();
  expect(reloadScripts.filter(isTableCode)).toHaveLength(1);
  await expect(alice.editor.locator('table colgroup')).toHaveCount(1);
});

test('a column resized by dragging its border is resized for the other user', async ({ alice, bob }) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  await alice.focusEnd();
  await alice.insertTable();
  const { before } = await alice.resizeColumn(0, 60);

  const widened = Math.round(before + 60);
  for (const user of [alice, bob]) {
    await expect(user.editor.locator('th').first()).toHaveAttribute('colwidth', /^\d+$/);
    const width = Number(await user.editor.locator('th').first().getAttribute('colwidth'));
    expect(Math.abs(width - widened)).toBeLessThanOrEqual(3);
  }
});

test('undo after the first table in a document still reaches what was typed before it', async ({ alice }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Typed before the table');
  await alice.insertTable();
  await alice.type('In a cell');

  const undo = alice.button('Undo');
  while ((await undo.getAttribute('aria-disabled')) !== 'true') await undo.click();
  await expect(alice.editor.locator('table')).toHaveCount(0);
  expect(await alice.text()).toBe('');
});
