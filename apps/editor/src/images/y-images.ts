import * as Y from 'yjs';
import { CONTENT_FIELD, ImageNode } from '@collab/schema';

/** Removes an element from its parent in the Y document. */
export function deleteElement(element: Y.XmlElement): void {
  const parent = element.parent as Y.XmlElement | Y.XmlFragment | null;
  if (parent) parent.delete(parent.toArray().indexOf(element), 1);
}

/** Deletes every image of the file `sha` from the document (an upload the server refused for good). */
export function removeImages(doc: Y.Doc, sha: string): void {
  const fragment = doc.getXmlFragment(CONTENT_FIELD);
  const isImageOf = (type: unknown) => type instanceof Y.XmlElement && type.nodeName === ImageNode.name && type.getAttribute('sha') === sha;
  const matches = [...fragment.createTreeWalker(isImageOf)] as Y.XmlElement[];
  doc.transact(() => matches.forEach(deleteElement));
}
