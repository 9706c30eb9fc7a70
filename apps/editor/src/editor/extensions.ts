import { CONTENT_FIELD, ImageNode, TableShape, documentExtensionsWith } from '@collab/schema';
import { Extension, type Extensions } from '@tiptap/core';
import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
// Each from its own module: the package's root module holds all its extensions, and bundles them all.
import { CharacterCount } from '@tiptap/extensions/character-count';
import { Placeholder } from '@tiptap/extensions/placeholder';
import type * as Y from 'yjs';
import type { LocalUser } from '../collab/user';
import type { Session } from '../collab/session';
import { EditorImage } from '../images/image-extension';
import type { TableEditingCode } from './use-table-editing';

export interface EditorExtensionOptions {
  session: Session;
  /** What others see on our caret. */
  user: LocalUser;
  placeholder: string;
  /** Shared by the successive editors of one document (see undo-manager.ts). */
  undoManager: Y.UndoManager;
  /** The table editing code once loaded, else null: tables show with TableShape. */
  tableEditing: TableEditingCode | null;
  /** TableShape shows a table: time to load the table editing code. */
  onTableShown: () => void;
  /** Mod-K: the toolbar opens its link dialog. */
  onLinkShortcut: () => void;
  /** Alt-F10: focus moves to the toolbar (Tab and Shift-Tab move between table cells, so they cannot). */
  onToolbarShortcut: () => void;
}

/**
 * The shared document extensions plus what only a browser needs: Collaboration binds the editor to the
 * `default` fragment and brings Yjs undo/redo (only this user's changes are undone), CollaborationCaret shows
 * the others' carets and writes ours, with our name and colour, into awareness; CharacterCount feeds the footer.
 */
export function editorExtensions({
  session,
  user,
  placeholder,
  undoManager,
  tableEditing,
  onTableShown,
  onLinkShortcut,
  onToolbarShortcut,
}: EditorExtensionOptions): Extensions {
  return [
    // The image node shows its file through the session (fetched with the token) and takes pasted images.
    ...documentExtensionsWith(tableEditing?.table ?? reportingTableShape(onTableShown)).map((extension) =>
      extension === ImageNode ? EditorImage.configure({ session: session.images }) : extension,
    ),
    ...(tableEditing?.tableCompanions ?? []),
    Collaboration.configure({ document: session.doc, field: CONTENT_FIELD, yUndoOptions: { undoManager } }),
    CollaborationCaret.configure({ provider: session.provider, user }),
    Placeholder.configure({ placeholder }),
    CharacterCount,
    Extension.create({
      name: 'editorShortcuts',
      addKeyboardShortcuts: () => ({
        'Mod-k': ({ editor }) => {
          if (!editor.isEditable) return false;
          onLinkShortcut();
          return true;
        },
        'Alt-F10': () => {
          onToolbarShortcut();
          return true;
        },
      }),
    }),
  ];
}

/** TableShape, drawn like the Table extension draws a table, that calls `onShown` whenever it shows one. */
function reportingTableShape(onShown: () => void) {
  return TableShape.extend({
    addNodeView: () => () => {
      onShown();
      const dom = document.createElement('div');
      dom.className = 'tableWrapper';
      const contentDOM = dom.appendChild(document.createElement('table')).appendChild(document.createElement('tbody'));
      return { dom, contentDOM };
    },
  });
}
