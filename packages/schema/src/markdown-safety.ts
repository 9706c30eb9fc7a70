/**
 * The Markdown export's link and code block forms, made safe for content any Yjs client can write: TipTap's
 * own forms copy a link's target and a code block's language into the Markdown as they are, so a target
 * could run script where the Markdown is rendered (`javascript:`, `data:`...) or close the link early, and a
 * language or a line of backticks could end the code fence and let the rest through as Markdown.
 */
import type { AnyExtension, Extensions } from '@tiptap/core';
import { CodeBlock } from '@tiptap/extension-code-block';
import { Link } from '@tiptap/extension-link';
import { documentExtensions } from './extensions.js';

/** Link schemes kept; a target with any other scheme is dropped, its text kept. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel', 'ftp', 'ftps']);

/**
 * The target as it may appear in the Markdown, or null if it must not: `javascript:`, `vbscript:`, `data:`
 * and every other scheme but the safe ones, however spelt. Browsers ignore case, and tabs, line breaks and
 * leading control characters or spaces in a scheme, so those are removed before it is read. The target is
 * checked as the editor holds it: character references such as `&#106;` are not decoded (a browser would not
 * decode them in a link the editor makes either), and `markdownDestination` keeps Markdown from decoding them.
 */
export function safeLinkTarget(href: unknown): string | null {
  if (typeof href !== 'string') return null;
  // Read both as written and with character references decoded, in case some renderer decodes them.
  for (const form of [href, decodeReferences(href)]) {
    // eslint-disable-next-line no-control-regex
    const normalized = form.replace(/[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000\ufeff]/g, '').toLowerCase();
    const scheme = /^([a-z][a-z0-9+.-]*):/.exec(normalized)?.[1];
    if (scheme !== undefined && !SAFE_SCHEMES.has(scheme)) return null;
  }
  return href;
}

/** Numeric character references and the named ones that spell a scheme's punctuation and spaces. */
function decodeReferences(text: string): string {
  const named: Record<string, string> = { colon: ':', tab: '\t', newline: '\n', nbsp: ' ', sol: '/', amp: '&' };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (reference, body: string) => {
    const lower = body.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Math.min(parseInt(lower.slice(2), 16), 0x10ffff));
    if (lower.startsWith('#')) return String.fromCodePoint(Math.min(parseInt(lower.slice(1), 10), 0x10ffff));
    return named[lower] ?? reference;
  });
}

/**
 * A link destination (CommonMark 6.3) that stands for exactly `target`: as it is when it holds no space,
 * parenthesis, angle bracket, backslash or control character, else between angle brackets (which spaces and
 * parentheses cannot end) with `<`, `>`, backslashes and control characters percent-encoded. `&` is written
 * `&amp;`, so that no character reference in it is decoded.
 */
export function markdownDestination(target: string): string {
  const escaped = target.replace(/&/g, '&amp;');
  // eslint-disable-next-line no-control-regex
  if (!/[\s()<>\\\u0000-\u001f\u007f]/.test(escaped)) return escaped;
  // eslint-disable-next-line no-control-regex
  return `<${escaped.replace(/[<>\\\u0000-\u001f\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}>`;
}

/** A link title in double quotes (CommonMark 6.3): quotes and backslashes escaped, line breaks as spaces. */
function markdownTitle(title: string): string {
  return `"${title.replace(/[\\"]/g, '\\$&').replace(/[\r\n]+/g, ' ').replace(/&/g, '&amp;')}"`;
}

/** A code block's language as an info string, or '' when it is not a plain language name. */
export function safeLanguage(language: unknown): string {
  return typeof language === 'string' && /^[A-Za-z0-9_+#.-]{1,40}$/.test(language) ? language : '';
}

/** A backtick fence longer than any run of backticks in the code, so no line of the code can close it. */
export function codeFence(code: string): string {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

export const SafeMarkdownLink = Link.extend({
  renderMarkdown: (node, h) => {
    const text = h.renderChildren(node);
    const target = safeLinkTarget(node.attrs?.href);
    if (target === null) return text;
    const title = typeof node.attrs?.title === 'string' && node.attrs.title !== '' ? ` ${markdownTitle(node.attrs.title)}` : '';
    return `[${text}](${markdownDestination(target)}${title})`;
  },
});

export const SafeMarkdownCodeBlock = CodeBlock.extend({
  renderMarkdown: (node, h) => {
    const code = node.content ? h.renderChildren(node.content) : '';
    const fence = codeFence(code);
    return [`${fence}${safeLanguage(node.attrs?.language)}`, code, fence].join('\n');
  },
});

/**
 * The document's extensions with the safe link and code block forms, for the Markdown export only: the
 * link keeps its options (its schema), only its Markdown form changes.
 */
export function markdownExtensions(): Extensions {
  return documentExtensions.map((extension) => {
    if (extension.name === Link.name) return SafeMarkdownLink.configure((extension as AnyExtension).options);
    if (extension.name === CodeBlock.name) return SafeMarkdownCodeBlock.configure((extension as AnyExtension).options);
    return extension;
  });
}
