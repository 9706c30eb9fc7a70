import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FIELD, UnexportableContentError, exportDocument, isExportFormat } from './index.js';
import { docFrom, paragraph, text } from './test/doc-from.js';

const item = (type: string, value: string, attrs?: object) => ({ type, ...(attrs && { attrs }), content: [paragraph(text(value))] });

const sample = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [text('Meeting notes')] },
    paragraph(text('We agreed on '), text('three', [{ type: 'bold' }]), text(' things, see '), text('the plan', [{ type: 'link', attrs: { href: 'https://example.com/plan' } }]), text('.')),
    { type: 'heading', attrs: { level: 2 }, content: [text('Actions')] },
    { type: 'bulletList', content: [item('listItem', 'Ship the editor'), item('listItem', 'Write the docs')] },
    { type: 'orderedList', attrs: { start: 1 }, content: [item('listItem', 'First'), item('listItem', 'Second')] },
    paragraph(text('Follow-ups')),
    { type: 'taskList', content: [item('taskItem', 'Book the room', { checked: true }), item('taskItem', 'Send the invite', { checked: false })] },
  ],
};

describe('exportDocument', () => {
  it('returns the ProseMirror JSON of the default fragment', () => {
    const result = exportDocument(docFrom(sample), 'json');
    expect(result.contentType).toBe('application/json; charset=utf-8');
    const json = JSON.parse(result.body);
    expect(json.type).toBe('doc');
    expect(json.content.map((node: { type: string }) => node.type)).toEqual([
      'heading', 'paragraph', 'heading', 'bulletList', 'orderedList', 'paragraph', 'taskList',
    ]);
    expect(json.content[6].content[0].attrs.checked).toBe(true);
  });

  it('renders a standalone HTML page with headings, marks, links and lists', () => {
    const { body, contentType } = exportDocument(docFrom(sample, 'Notes <draft>'), 'html');
    expect(contentType).toBe('text/html; charset=utf-8');
    expect(body).toMatch(/^<!doctype html>/);
    expect(body).toContain('<title>Notes &lt;draft&gt;</title>');
    expect(body).toContain('<h1>Meeting notes</h1>');
    expect(body).toContain('<strong>three</strong>');
    expect(body).toMatch(/<a [^>]*href="https:\/\/example\.com\/plan"[^>]*>the plan<\/a>/);
    expect(body).toContain('<ul><li><p>Ship the editor</p></li><li><p>Write the docs</p></li></ul>');
    expect(body).toMatch(/<ol[^>]*><li><p>First<\/p><\/li>/);
    expect(body).toMatch(/<li data-checked="true" data-type="taskItem">.*Book the room/);
  });

  it('renders Markdown', () => {
    const { body, contentType } = exportDocument(docFrom(sample), 'markdown');
    expect(contentType).toBe('text/markdown; charset=utf-8');
    expect(body).toContain('# Meeting notes\n');
    expect(body).toContain('## Actions\n');
    expect(body).toContain('We agreed on **three** things, see [the plan](https://example.com/plan).');
    expect(body).toContain('- Ship the editor\n- Write the docs');
    expect(body).toContain('1. First\n2. Second');
    expect(body).toContain('- [x] Book the room\n- [ ] Send the invite');
  });

  it('renders plain text with blocks separated by one blank line', () => {
    const { body, contentType } = exportDocument(docFrom(sample), 'text');
    expect(contentType).toBe('text/plain; charset=utf-8');
    expect(body).toBe(
      [
        'Meeting notes',
        'We agreed on three things, see the plan.',
        'Actions',
        'Ship the editor',
        'Write the docs',
        'First',
        'Second',
        'Follow-ups',
        'Book the room',
        'Send the invite',
      ].join('\n\n') + '\n',
    );
  });

  it('keeps line breaks inside a paragraph in plain text', () => {
    const doc = docFrom({ type: 'doc', content: [paragraph(text('line one'), { type: 'hardBreak' }, text('line two'))] });
    expect(exportDocument(doc, 'text').body).toBe('line one\nline two\n');
  });

  it('exports an empty document in every format', () => {
    const doc = new Y.Doc();
    expect(JSON.parse(exportDocument(doc, 'json').body).type).toBe('doc');
    expect(exportDocument(doc, 'html').body).toContain('<title>Untitled</title>');
    expect(exportDocument(doc, 'markdown').body.trim()).toBe('');
    expect(exportDocument(doc, 'text').body).toBe('');
  });
});

describe('content the schema cannot hold', () => {
  it('is left out of the export, and the document read stays as it was', () => {
    const doc = docFrom({ type: 'doc', content: [paragraph(text('kept'))] });
    doc.getXmlFragment(CONTENT_FIELD).insert(0, [new Y.XmlElement('blink')]);
    const before = Y.encodeStateAsUpdate(doc);
    expect(exportDocument(doc, 'text').body).toBe('kept\n');
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(doc.getXmlFragment(CONTENT_FIELD).length).toBe(2);
  });

  it('that breaks the conversion is refused with UnexportableContentError', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment(CONTENT_FIELD).insert(0, [new Y.XmlText('text straight in the fragment')]);
    expect(() => exportDocument(doc, 'json')).toThrow(UnexportableContentError);
  });
});

describe('isExportFormat', () => {
  it('accepts the four formats and nothing else', () => {
    for (const format of ['json', 'html', 'markdown', 'text']) expect(isExportFormat(format)).toBe(true);
    for (const value of ['pdf', '', undefined, 3]) expect(isExportFormat(value)).toBe(false);
  });
});
