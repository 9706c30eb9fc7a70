import { getSchema } from '@tiptap/core';
import type { NodeType, MarkType } from '@tiptap/pm/model';
import { describe, expect, it } from 'vitest';
import { TableShape, documentExtensions, documentExtensionsWith } from './index.js';

/** What decides how a document is stored and checked: every type's content, groups and attributes. */
function shapeOf(types: Record<string, NodeType | MarkType>) {
  return Object.fromEntries(
    Object.entries(types).map(([name, type]) => {
      const { content, group, marks, inline, atom, isolating } = type.spec as Record<string, unknown>;
      const attrs = Object.fromEntries(Object.entries(type.spec.attrs ?? {}).map(([attr, spec]) => [attr, spec.default]));
      return [name, { content, group, marks, inline, atom, isolating, attrs }];
    }),
  );
}

describe('documentExtensionsWith(TableShape)', () => {
  it('has the same schema as documentExtensions, so an editor without the table code keeps every table', () => {
    const full = getSchema(documentExtensions);
    const light = getSchema(documentExtensionsWith(TableShape));
    expect(Object.keys(light.nodes)).toEqual(Object.keys(full.nodes));
    expect(shapeOf(light.nodes)).toEqual(shapeOf(full.nodes));
    expect(shapeOf(light.marks)).toEqual(shapeOf(full.marks));
    expect(Object.keys(full.nodes)).toEqual(expect.arrayContaining(['table', 'tableRow', 'tableHeader', 'tableCell']));
  });
});
