import type * as Y from 'yjs';

/** The Y.XmlFragment holding the editor content (TipTap Collaboration's default field). */
export const CONTENT_FIELD = 'default';

/** The Y.Map with document metadata; its `title` key holds the title as a plain string. */
export const META_MAP = 'meta';
export const TITLE_KEY = 'title';

/** The document's title, or '' when none was set. */
export function readTitle(doc: Y.Doc): string {
  const title = doc.getMap(META_MAP).get(TITLE_KEY);
  return typeof title === 'string' ? title : '';
}
