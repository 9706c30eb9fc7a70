import { EditorContent, useEditor } from '@tiptap/react';
import { useEffect, useRef, useState } from 'react';
import { IMAGE_TYPES } from '@collab/schema/file-types';
import type { Session } from '../collab/session';
import type { LocalUser } from '../collab/user';
import { editorExtensions } from './extensions';
import { ImageMessage } from './ImageMessage';
import { LinkDialog } from './LinkDialog';
import { Toolbar } from './Toolbar';
import '../styles/document-text.css';

interface DocumentEditorProps {
  session: Session;
  user: LocalUser;
  editable: boolean;
}

/** The TipTap view of the session's document, with its toolbar; not editable under a view link. */
export function DocumentEditor({ session, user, editable }: DocumentEditorProps) {
  const [linkDialogOpen, setLinkDialogOpen] = useState(false);
  const imagePicker = useRef<HTMLInputElement>(null);
  const editor = useEditor(
    {
      extensions: editorExtensions({
        session,
        // Read when the editor is created; later changes reach awareness from DocumentView.
        user,
        placeholder: 'Start writing…',
        onLinkShortcut: () => setLinkDialogOpen(true),
      }),
      editable,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: { class: 'document-text', 'aria-label': 'Document text', spellcheck: 'true' },
      },
    },
    [session],
  );

  useEffect(() => {
    if (editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);

  return (
    <div className="document-editor">
      {editable && (
        <div className="document-editor__toolbar">
          <Toolbar editor={editor} actions={{ openLinkDialog: () => setLinkDialogOpen(true), pickImage: () => imagePicker.current?.click() }} />
          <input
            ref={imagePicker}
            type="file"
            accept={IMAGE_TYPES.join(',')}
            multiple
            hidden
            data-testid="image-file-input"
            onChange={(event) => {
              const files = [...(event.target.files ?? [])];
              event.target.value = '';
              if (files.length > 0) void session.images.intake().then((intake) => intake.insertFiles(editor, files));
            }}
          />
        </div>
      )}
      <ImageMessage message={session.images.message} />
      <EditorContent editor={editor} className="document-editor__content" />
      <LinkDialog editor={editor} open={linkDialogOpen} onClose={() => setLinkDialogOpen(false)} />
    </div>
  );
}
