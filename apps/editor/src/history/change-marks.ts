import { Extension, Mark } from '@tiptap/core';

/**
 * What y-prosemirror's snapshot rendering marks: `ychange` on text (a mark) and on elements (an attribute),
 * `{ type: 'added' | 'removed' }`. Shown as `data-change="insert"` or `"delete"` (highlighted, struck through).
 */
interface YChange {
  type: 'added' | 'removed';
}

const changeAttribute = (ychange: YChange | null) =>
  ychange ? { 'data-change': ychange.type === 'removed' ? 'delete' : 'insert' } : {};

/** The `ychange` mark on text that a version added or removed. */
export const TextChange = Mark.create({
  name: 'ychange',
  inclusive: false,
  addAttributes: () => ({
    user: { default: null, rendered: false },
    type: { default: null, rendered: false },
    color: { default: null, rendered: false },
  }),
  renderHTML: ({ mark }) => ['span', changeAttribute(mark.attrs as YChange)],
});

/** The `ychange` attribute on every block a version added or removed (a deleted paragraph is one). */
export function blockChanges(types: string[]) {
  return Extension.create({
    name: 'blockChanges',
    addGlobalAttributes: () => [
      {
        types,
        attributes: {
          ychange: { default: null, renderHTML: (attrs) => changeAttribute(attrs.ychange as YChange | null) },
        },
      },
    ],
  });
}
