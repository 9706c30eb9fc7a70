import { useEffect, useState, type ReactNode } from 'react';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog } from './Dialog';

export interface ShareLinks {
  /** Absent when the token this browser holds may not hand it on (a view link). */
  editUrl?: string;
  /** Absent when turned off, or unknown here (offline, with neither the owner token nor a view link). */
  viewUrl?: string;
  /** Only for the owner. */
  ownerUrl?: string;
  /** Known for the owner: whether the view link is on. */
  viewEnabled?: boolean;
  /** `server`: as the server answered since the dialog opened; `local`: what this browser knew (not answered yet, or unreachable). */
  source: 'server' | 'local';
}

export type LinkKind = 'edit' | 'view' | 'owner';

/** What the owner can do from the dialog. */
export interface LinkManagement {
  reset(kind: LinkKind): Promise<void>;
  setViewEnabled(enabled: boolean): Promise<void>;
}

interface ShareDialogProps {
  links: ShareLinks;
  open: boolean;
  onClose: () => void;
  /** Present for the owner: "Reset link" beside each link, and the view link's switch. */
  manage?: LinkManagement;
}

/** Who loses access when a link is reset: the confirmation says it before anything happens. */
const RESET_WARNINGS: Record<LinkKind, string> = {
  edit: 'Everyone using the current edit link loses access at once, including anyone editing right now. Only the new edit link will work: share it again with the people who should keep editing.',
  view: 'Everyone using the current view link loses access at once, including anyone reading right now. Only the new view link will work: share it again with the people who should keep reading.',
  owner: 'The current owner link stops working at once, in every browser that holds it. This browser keeps owning the document with the new one.',
};

/** The share dialog: the links the server says this browser may hand on, each with a copy button. */
export function ShareDialog({ links, open, onClose, manage }: ShareDialogProps) {
  const [resetting, setResetting] = useState<LinkKind | null>(null);
  const resetButton = (kind: LinkKind) =>
    manage && (
      <button type="button" className="button" data-testid={`share-reset-${kind}`} onClick={() => setResetting(kind)}>
        Reset link
      </button>
    );
  return (
    <>
      <Dialog open={open} title="Share this document" onClose={onClose} testId="share-dialog">
        <div data-testid="share-links" data-source={links.source} hidden />
        {links.editUrl && (
          <LinkField label="Edit link" hint="Anyone with this link can read and edit." url={links.editUrl} testId="share-edit-url">
            {resetButton('edit')}
          </LinkField>
        )}
        {manage && <ViewSwitch enabled={links.viewEnabled !== false} onChange={manage.setViewEnabled} />}
        {links.viewUrl ? (
          <LinkField label="View link" hint="Read-only, with live updates." url={links.viewUrl} testId="share-view-url">
            {resetButton('view')}
          </LinkField>
        ) : (
          <p className="dialog__note">
            {links.viewEnabled === false || manage
              ? 'The view link is turned off: nobody can open the document with it.'
              : 'No read-only link is available here: it may be turned off, or this page is offline.'}
          </p>
        )}
        {links.ownerUrl && (
          <LinkField
            label="Owner link"
            hint="Whoever holds this link owns the document: they can reset links and delete it. Keep it to yourself."
            url={links.ownerUrl}
            testId="share-owner-url"
          >
            {resetButton('owner')}
          </LinkField>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
      {manage && (
        <ConfirmDialog
          open={resetting !== null}
          title={`Reset the ${resetting ?? ''} link?`}
          confirmLabel="Reset link"
          onConfirm={() => manage.reset(resetting!)}
          onClose={() => setResetting(null)}
        >
          <p>{resetting && RESET_WARNINGS[resetting]}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** The view link's switch: it moves at once, and back if the server refuses. */
function ViewSwitch({ enabled, onChange }: { enabled: boolean; onChange: (enabled: boolean) => Promise<void> }) {
  const [checked, setChecked] = useState(enabled);
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => setChecked(enabled), [enabled]);
  const change = async (next: boolean) => {
    setChecked(next);
    setPending(true);
    setFailed(false);
    try {
      await onChange(next);
    } catch {
      setChecked(!next);
      setFailed(true);
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="field">
      <label className="switch">
        <input
          type="checkbox"
          data-testid="share-view-toggle"
          checked={checked}
          disabled={pending}
          onChange={(event) => void change(event.target.checked)}
        />
        View link on: anyone with it can read along
      </label>
      {failed && (
        <p className="field__error" role="alert">
          Could not change the view link. Try again in a moment.
        </p>
      )}
    </div>
  );
}

interface LinkFieldProps {
  label: string;
  hint: string;
  url: string;
  testId: string;
  /** Beside the copy button: the owner's reset. */
  children?: ReactNode;
}

function LinkField({ label, hint, url, testId, children }: LinkFieldProps) {
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
        {children}
      </div>
      <p className="field__hint">{hint}</p>
    </div>
  );
}
