import { CONTENT_FIELD, TableShape, documentExtensionsWith } from '@collab/schema';
import { Extension } from '@tiptap/core';
import { EditorContent, useEditor } from '@tiptap/react';
import { ySyncPlugin, ySyncPluginKey } from '@tiptap/y-tiptap';
import { useEffect } from 'react';
import * as Y from 'yjs';
import { TextChange, blockChanges } from './change-marks';
import type { Comparison } from './comparison';

const shapes = documentExtensionsWith(TableShape);
const blockTypes = shapes.filter((e) => e.type === 'node' && e.name !== 'doc' && e.name !== 'text').map((e) => e.name);

/**
 * A read-only rendering of `comparison.after`, in the editor's own schema, with what changed since
 * `comparison.before` marked: y-prosemirror's snapshot mode, bound to the comparison's own document.
 */
export function VersionPreview({ comparison }: { comparison: Comparison }) {
  const editor = useEditor(
    {
      editable: false,
      extensions: [
        ...shapes,
        TextChange,
        blockChanges(blockTypes),
        Extension.create({
          name: 'versionSync',
          addProseMirrorPlugins: () => [
            // Who made a change is not shown, but the snapshot rendering asks for it.
            ySyncPlugin(comparison.doc.getXmlFragment(CONTENT_FIELD), { permanentUserData: new Y.PermanentUserData(comparison.doc) }),
          ],
        }),
      ],
      editorProps: { attributes: { class: 'document-text', 'aria-label': 'Version (read-only)' } },
    },
    [comparison],
  );

  useEffect(() => {
    const binding = ySyncPluginKey.getState(editor.state)?.binding as
      | { renderSnapshot(after: Y.Snapshot, before: Y.Snapshot): void }
      | undefined;
    binding?.renderSnapshot(comparison.after, comparison.before);
  }, [editor, comparison]);

  return <EditorContent editor={editor} className="document-editor__content" data-testid="version-preview" />;
}
