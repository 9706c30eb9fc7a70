import { describe, expect, it } from 'vitest';
import { exportDocument } from './index.js';
import { docFrom, paragraph, text } from './test/doc-from.js';

const cell = (type: 'tableHeader' | 'tableCell', ...paragraphs: object[]) => ({ type, content: paragraphs });
const row = (...cells: object[]) => ({ type: 'tableRow', content: cells });
const table = (...rows: object[]) => ({ type: 'table', content: rows });

const withHeader = {
  type: 'doc',
  content: [
    table(
      row(cell('tableHeader', paragraph(text('Fruit'))), cell('tableHeader', paragraph(text('Count')))),
      row(cell('tableCell', paragraph(text('Apples | pears'))), cell('tableCell', paragraph(text('3', [{ type: 'bold' }])))),
      row(cell('tableCell', paragraph(text('Plums')), paragraph(text('(ripe)'))), cell('tableCell', paragraph())),
    ),
  ],
};

describe('tables', () => {
  it('export to Markdown as a GitHub-flavoured table, pipes in cells escaped', () => {
    const lines = exportDocument(docFrom(withHeader), 'markdown').body.trim().split('\n');
    expect(lines).toEqual([
      '| Fruit           | Count |',
      '| --------------- | ----- |',
      '| Apples \\| pears | **3** |',
      '| Plums<br>(ripe) |       |',
    ]);
  });

  it('without a header row get an empty one in Markdown, which has no headerless tables', () => {
    const doc = docFrom({ type: 'doc', content: [table(row(cell('tableCell', paragraph(text('a'))), cell('tableCell', paragraph(text('b')))))] });
    const lines = exportDocument(doc, 'markdown').body.trim().split('\n');
    expect(lines).toEqual(['|     |     |', '| --- | --- |', '| a   | b   |']);
  });

  it('export to HTML as a table with th for the header row', () => {
    const { body } = exportDocument(docFrom(withHeader), 'html');
    expect(body).toMatch(/<table[^>]*>.*<tbody><tr><th[^>]*><p>Fruit<\/p><\/th><th[^>]*><p>Count<\/p><\/th><\/tr>/);
    expect(body).toMatch(/<tr><td[^>]*><p>Apples \| pears<\/p><\/td><td[^>]*><p><strong>3<\/strong><\/p><\/td><\/tr>/);
    expect(body).toMatch(/<td[^>]*><p>Plums<\/p><p>\(ripe\)<\/p><\/td>/);
  });

  it('keep resized column widths in HTML', () => {
    const resized = { type: 'tableCell', attrs: { colwidth: [180] }, content: [paragraph(text('wide'))] };
    const { body } = exportDocument(docFrom({ type: 'doc', content: [table(row(resized, cell('tableCell', paragraph())))] }), 'html');
    expect(body).toContain('<col style="width: 180px;">');
    expect(body).toMatch(/<td colspan="1" rowspan="1" colwidth="180">/);
  });

  it('export to plain text as a line per row, cells separated by tabs', () => {
    const doc = docFrom({ type: 'doc', content: [paragraph(text('Before')), ...withHeader.content, paragraph(text('After'))] });
    expect(exportDocument(doc, 'text').body).toBe('Before\n\nFruit\tCount\nApples | pears\t3\nPlums (ripe)\t\n\nAfter\n');
  });
});

describe('highlight, underline, alignment and horizontal rules', () => {
  const doc = docFrom({
    type: 'doc',
    content: [
      paragraph(text('Read '), text('this', [{ type: 'underline' }]), text(' and '), text('that', [{ type: 'highlight' }]), text('.')),
      { type: 'heading', attrs: { level: 2, textAlign: 'center' }, content: [text('Centred')] },
      { type: 'horizontalRule' },
      { type: 'paragraph', attrs: { textAlign: 'right' }, content: [text('Signed')] },
    ],
  });

  it('export to HTML with u, mark, text-align and hr', () => {
    const { body } = exportDocument(doc, 'html');
    expect(body).toContain('<p>Read <u>this</u> and <mark>that</mark>.</p>');
    expect(body).toContain('<h2 style="text-align: center;">Centred</h2>');
    expect(body).toContain('<hr><p style="text-align: right;">Signed</p>');
  });

  it('export to Markdown keeping the text of underline and highlight (GFM has neither) and the rule as ---', () => {
    const { body } = exportDocument(doc, 'markdown');
    expect(body).toBe('Read this and that.\n\n## Centred\n\n---\n\nSigned\n');
  });
});
