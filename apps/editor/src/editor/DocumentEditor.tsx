import { CONTENT_FIELD } from '@collab/schema';
import type { Editor } from '@tiptap/core';
import { TextSelection } from '@tiptap/pm/state';
import { EditorContent, useEditor } from '@tiptap/react';
import { IMAGE_TYPES } from '@collab/schema/file-types';
import { useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { Session } from '../collab/session';
import type { LocalUser } from '../collab/user';
import { DocumentStats } from './DocumentStats';
import { editorExtensions } from './extensions';
import { ImageMessage } from './ImageMessage';
import { LinkDialog } from './LinkDialog';
import { Toolbar } from './Toolbar';
import type { ToolbarActions } from './toolbar-items';
import { createUndoManager } from './undo-manager';
import { useTableEditing, type TableEditing } from './use-table-editing';
import '../styles/document-text.css';

interface DocumentEditorProps {
  session: Session;
  user: LocalUser;
  editable: boolean;
}

/** The TipTap view of the session's document, with its toolbar; not editable under a view link. */
export function DocumentEditor(props: DocumentEditorProps) {
  const fragment = props.session.doc.getXmlFragment(CONTENT_FIELD);
  const tables = useTableEditing(fragment);
  // Destroyed with the last editor (the Collaboration extension does it).
  const undoManager = useMemo(() => createUndoManager(fragment), [fragment]);
  // A document that holds a table opens once its code is here, rather than opening and re-opening.
  if (tables.pending) return <div className="document-editor" aria-busy="true" />;
  return <EditorPane {...props} tables={tables} undoManager={undoManager} />;
}

/** What an editor hands to the next one when it is re-created with table editing. */
interface Carried {
  selection?: { from: number; to: number };
  focused?: boolean;
  /** Runs on the new editor (the table insertion that asked for table editing). */
  then?: (editor: Editor) => void;
}

interface EditorPaneProps extends DocumentEditorProps {
  tables: TableEditing;
  undoManager: Y.UndoManager;
}

function EditorPane({ session, user, editable, tables, undoManager }: EditorPaneProps) {
  const [linkDialogOpen, setLinkDialogOpen] = useState(false);
  const imagePicker = useRef<HTMLInputElement>(null);
  const toolbar = useRef<HTMLDivElement>(null);
  const carried = useRef<Carried>({});
  const editor = useEditor(
    {
      extensions: editorExtensions({
        session,
        // Read when the editor is created; later changes reach awareness from DocumentView.
        user,
        placeholder: 'Start writing…',
        undoManager,
        tableEditing: tables.code,
        onTableShown: () => void tables.load().catch(() => undefined),
        onLinkShortcut: () => setLinkDialogOpen(true),
        onToolbarShortcut: () => toolbar.current?.querySelector<HTMLElement>('[tabindex="0"]')?.focus(),
      }),
      editable,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: { class: 'document-text', 'aria-label': 'Document text', spellcheck: 'true' },
      },
      onDestroy: () => {
        // 'destroy' comes before the view goes: the selection and focus are still there to read.
        const { from, to } = editor.state.selection;
        carried.current = { ...carried.current, selection: { from, to }, focused: editor.view.hasFocus() };
      },
      // Once the new editor shows the document (the old one's positions are valid in it again).
      onCreate: ({ editor: created }) => {
        restore(created, carried.current);
        carried.current = {};
      },
    },
    [session, tables.code],
  );

  useEffect(() => {
    if (editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);

  const actions: ToolbarActions = {
    openLinkDialog: () => setLinkDialogOpen(true),
    pickImage: () => imagePicker.current?.click(),
    insertTable: () => {
      const insert = (target: Editor) => target.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run();
      if (tables.code) {
        insert(editor);
        return;
      }
      carried.current.then = insert;
      void tables.load().catch(() => (carried.current = {}));
    },
  };

  return (
    <div className="document-editor">
      {editable && (
        <div className="document-editor__toolbar">
          <Toolbar ref={toolbar} editor={editor} actions={actions} />
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
      <DocumentStats editor={editor} />
      <LinkDialog editor={editor} open={linkDialogOpen} onClose={() => setLinkDialogOpen(false)} />
    </div>
  );
}

function restore(editor: Editor, { selection, focused, then }: Carried) {
  if (selection) {
    editor.commands.command(({ tr }) => {
      const end = tr.doc.content.size;
      const at = (pos: number) => tr.doc.resolve(Math.min(pos, end));
      tr.setSelection(TextSelection.between(at(selection.from), at(selection.to)));
      return true;
    });
  }
  if (focused) editor.commands.focus();
  then?.(editor);
}
