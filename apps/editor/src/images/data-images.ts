import * as Y from 'yjs';
import { CONTENT_FIELD, ImageNode } from '@collab/schema';

const isDataImage = (type: unknown): type is Y.XmlElement =>
  type instanceof Y.XmlElement && type.nodeName === ImageNode.name && /^data:/i.test(String(type.getAttribute('src') ?? ''));

/**
 * Calls `onFound` with the image elements that carry a data: URI, as they arrive in the document (from the
 * local copy, the server or a change), including ones inside added blocks. Returns the unsubscribe.
 */
export function watchDataImages(doc: Y.Doc, onFound: (elements: Y.XmlElement[]) => void): () => void {
  const fragment = doc.getXmlFragment(CONTENT_FIELD);
  const observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
    const found = new Set<Y.XmlElement>();
    for (const event of events) {
      if (isDataImage(event.target)) found.add(event.target);
      for (const item of event.changes.added) {
        const added = item.content.getContent()[0];
        if (isDataImage(added)) found.add(added);
        if (added instanceof Y.XmlElement) for (const nested of added.createTreeWalker(isDataImage)) found.add(nested as Y.XmlElement);
      }
    }
    if (found.size > 0) onFound([...found]);
  };
  fragment.observeDeep(observer);
  return () => fragment.unobserveDeep(observer);
}
