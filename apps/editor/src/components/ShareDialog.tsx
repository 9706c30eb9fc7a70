import { useState } from 'react';
import { Dialog } from './Dialog';

export interface ShareLinks {
  /** Absent when this browser holds a view link only. */
  editUrl?: string;
  /** Absent when this browser neither created the document nor opened it with a view link. */
  viewUrl?: string;
}

interface ShareDialogProps {
  links: ShareLinks;
  open: boolean;
  onClose: () => void;
}

/** The share dialog with the edit and view links this browser knows, each with a copy button. */
export function ShareDialog({ links, open, onClose }: ShareDialogProps) {
  return (
    <Dialog open={open} title="Share this document" onClose={onClose} testId="share-dialog">
      {links.editUrl && (
        <LinkField
          label="Edit link"
          hint="Anyone with this link can read and edit."
          url={links.editUrl}
          testId="share-edit-url"
        />
      )}
      {links.viewUrl ? (
        <LinkField label="View link" hint="Read-only, with live updates." url={links.viewUrl} testId="share-view-url" />
      ) : (
        <p className="dialog__note">The read-only link is kept by the browser that created this document.</p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

function LinkField({ label, hint, url, testId }: { label: string; hint: string; url: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // No clipboard permission (or not a secure context): the field is selected for a manual copy instead.
      document.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)?.select();
    }
  };
  return (
    <div className="field">
      <label className="field__label" htmlFor={testId}>
        {label}
      </label>
      <div className="field__row">
        <input
          id={testId}
          className="field__input"
          data-testid={testId}
          readOnly
          value={url}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="field__hint">{hint}</p>
    </div>
  );
}
