import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { watchDataImages } from './data-images';

const image = (src: string) => {
  const element = new Y.XmlElement('image');
  element.setAttribute('src', src);
  return element;
};

describe('watchDataImages', () => {
  it('reports data: images as they arrive, nested ones and ones arriving from another doc included, and nothing else', () => {
    const doc = new Y.Doc();
    const found: string[][] = [];
    const stop = watchDataImages(doc, (elements) => found.push(elements.map((e) => String(e.getAttribute('src')))));
    const content = doc.getXmlFragment('default');

    const quote = new Y.XmlElement('blockquote');
    quote.insert(0, [image('data:image/png;base64,AAAA')]);
    content.insert(0, [new Y.XmlElement('paragraph'), quote, image('https://example.com/a.png')]);
    expect(found).toEqual([['data:image/png;base64,AAAA']]);

    const remote = new Y.Doc();
    remote.getXmlFragment('default').insert(0, [image('DATA:image/gif;base64,R0lG')]);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote));
    expect(found.at(-1)).toEqual(['DATA:image/gif;base64,R0lG']);

    const plain = new Y.XmlElement('image');
    content.insert(0, [plain]);
    plain.setAttribute('src', 'data:image/webp;base64,UklG');
    expect(found.at(-1)).toEqual(['data:image/webp;base64,UklG']);

    stop();
    content.insert(0, [image('data:image/png;base64,BBBB')]);
    expect(found).toHaveLength(3);
  });
});
