import type { Editor } from '@tiptap/core';
import { useState, type FormEvent } from 'react';
import { Dialog } from '../components/Dialog';

interface LinkDialogProps {
  editor: Editor;
  open: boolean;
  onClose: () => void;
}

/** "example.com" is meant as a web address; anything with a scheme is kept (the Link extension rejects unsafe ones). */
function normaliseHref(input: string): string {
  const href = input.trim();
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/') || href.startsWith('#') ? href : `https://${href}`;
}

/** Sets, changes or removes the link on the selection (or on the link the cursor is in). */
export function LinkDialog({ editor, open, onClose }: LinkDialogProps) {
  return (
    <Dialog open={open} title="Link" onClose={onClose}>
      {/* Mounted while open only, so each opening starts from the current selection's link. */}
      {open && <LinkForm editor={editor} onClose={onClose} />}
    </Dialog>
  );
}

function LinkForm({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const current = (editor.getAttributes('link').href as string | undefined) ?? '';
  const [href, setHref] = useState(current);
  const [invalid, setInvalid] = useState(false);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const chain = editor.chain().focus().extendMarkRange('link');
    const applied = href.trim() === '' ? chain.unsetLink().run() : chain.setLink({ href: normaliseHref(href) }).run();
    if (applied) onClose();
    else setInvalid(true);
  };
  const remove = () => {
    editor.chain().focus().extendMarkRange('link').unsetLink().run();
    onClose();
  };

  return (
    <form className="link-form" onSubmit={apply}>
      <label className="field">
        <span className="field__label">Address</span>
        <input
          className="field__input"
          type="text"
          inputMode="url"
          autoFocus
          placeholder="https://example.com"
          value={href}
          aria-invalid={invalid}
          onChange={(event) => {
            setHref(event.target.value);
            setInvalid(false);
          }}
        />
      </label>
      {invalid && <p className="field__error">That address cannot be linked.</p>}
      <div className="dialog__actions">
        {current !== '' && (
          <button type="button" className="button button--quiet" onClick={remove}>
            Remove link
          </button>
        )}
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button--primary">
          Apply
        </button>
      </div>
    </form>
  );
}
