import { CONTENT_FIELD, ImageNode, lightDocumentExtensions } from '@collab/schema';
import { Extension, type Extensions } from '@tiptap/core';
import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
import { Placeholder } from '@tiptap/extensions/placeholder';
import type { LocalUser } from '../collab/user';
import type { Session } from '../collab/session';
import { EditorImage } from '../images/image-extension';

export interface EditorExtensionOptions {
  session: Session;
  /** What others see on our caret. */
  user: LocalUser;
  placeholder: string;
  /** Mod-K: the toolbar opens its link dialog. */
  onLinkShortcut: () => void;
}

/**
 * The shared document extensions plus what only a browser needs: Collaboration binds the editor to the
 * `default` fragment and brings Yjs undo/redo (only this user's changes are undone), CollaborationCaret shows
 * the others' carets and writes ours, with our name and colour, into awareness.
 */
export function editorExtensions({ session, user, placeholder, onLinkShortcut }: EditorExtensionOptions): Extensions {
  return [
    // The image node shows its file through the session (fetched with the token) and takes pasted images.
    ...lightDocumentExtensions.map((extension) => (extension === ImageNode ? EditorImage.configure({ session: session.images }) : extension)),
    Collaboration.configure({ document: session.doc, field: CONTENT_FIELD }),
    CollaborationCaret.configure({ provider: session.provider, user }),
    Placeholder.configure({ placeholder }),
    Extension.create({
      name: 'linkShortcut',
      addKeyboardShortcuts: () => ({
        'Mod-k': ({ editor }) => {
          if (!editor.isEditable) return false;
          onLinkShortcut();
          return true;
        },
      }),
    }),
  ];
}
