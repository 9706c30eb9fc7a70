import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FIELD, documentExtensions, exportDocument } from './index.js';
import { codeFence, markdownDestination, safeLanguage, safeLinkTarget } from './markdown-safety.js';

const link = (text: string, href: string, title?: string) => ({
  type: 'text',
  text,
  marks: [{ type: 'link', attrs: { href, ...(title !== undefined && { title }) } }],
});

/** The Markdown export of a document holding `content`, as another Yjs client could have written it. */
function markdownOf(...content: object[]): string {
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(getSchema(documentExtensions), { type: 'doc', content }, doc.getXmlFragment(CONTENT_FIELD));
  return exportDocument(doc, 'markdown').body;
}

describe('link targets in the Markdown export', () => {
  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' \tjava\nscript:alert(1)',
    '\u0000javascript:alert(1)',
    '&#106;avascript:alert(1)',
    '&#x6A;avascript&colon;alert(1)',
    'javascript&#58;alert(1)',
    'vbscript:msgbox(1)',
    'VBScript:x',
    'data:text/html,<script>alert(1)</script>',
    ' DATA:image/svg+xml;base64,PHN2Zz4=',
    'file:///etc/passwd',
  ])('drops %j, keeping the text', (href) => {
    expect(safeLinkTarget(href)).toBeNull();
    expect(markdownOf({ type: 'paragraph', content: [link('click', href)] }).trim()).toBe('click');
  });

  it.each(['https://example.com/a?b=1&c=2', 'http://x.test', 'mailto:a@b.test', 'tel:+123', '/relative/path', '#anchor', 'page.html', ''])(
    'keeps %j',
    (href) => expect(safeLinkTarget(href)).toBe(href),
  );

  it('writes a destination that cannot end early or smuggle a character reference', () => {
    expect(markdownDestination('https://x.test/a b(c)')).toBe('<https://x.test/a b(c)>');
    expect(markdownDestination('a>b<c\nd')).toBe('<a%3Eb%3Cc%0Ad>');
    expect(markdownDestination('?a=1&#106;')).toBe('?a=1&amp;#106;');
    expect(markdownDestination('https://x.test/plain')).toBe('https://x.test/plain');
    const body = markdownOf({ type: 'paragraph', content: [link('x', 'a) ![i](javascript:alert(3)', 'say "hi"')] });
    expect(body.trim()).toBe('[x](<a) ![i](javascript:alert(3)> "say \\"hi\\"")');
  });
});

describe('code blocks in the Markdown export', () => {
  it('keeps a plain language name and drops anything else from the info string', () => {
    expect(safeLanguage('typescript')).toBe('typescript');
    expect(safeLanguage('c++')).toBe('c++');
    expect(safeLanguage('js\n<img src=x onerror=alert(1)>')).toBe('');
    expect(safeLanguage('js ```')).toBe('');
    expect(safeLanguage(42)).toBe('');
  });

  it('fences code with more backticks than any run inside it', () => {
    expect(codeFence('plain')).toBe('```');
    expect(codeFence('a\n```\nb')).toBe('````');
    expect(codeFence('``````')).toBe('```````');
    const body = markdownOf({
      type: 'codeBlock',
      attrs: { language: 'js\n<img src=x onerror=alert(1)>' },
      content: [{ type: 'text', text: 'code\n```\n<b>out</b>' }],
    });
    expect(body).toBe('````\ncode\n```\n<b>out</b>\n````\n');
  });

  it('still writes an ordinary code block as before', () => {
    const body = markdownOf({ type: 'codeBlock', attrs: { language: 'ts' }, content: [{ type: 'text', text: 'let x = 1' }] });
    expect(body).toBe('```ts\nlet x = 1\n```\n');
  });
});
