import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What happens, and who it affects. */
  children: ReactNode;
  confirmLabel: string;
  /** The action; while it runs the buttons wait, and if it fails the dialog stays open and says so. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before an action that cannot be taken back; `[data-testid=confirm]` goes ahead. */
export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const close = () => {
    setFailure(null);
    onClose();
  };
  const confirm = async () => {
    setRunning(true);
    setFailure(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setRunning(false);
    }
  };
  // Mounted only while asking, so that a page holds one [data-testid=confirm] at a time.
  if (!open) return null;
  return (
    <Dialog open title={title} onClose={close} testId="confirm-dialog">
      {children}
      {failure && (
        <p className="field__error" role="alert">
          That did not work: {failure}. Try again in a moment.
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={close} disabled={running}>
          Cancel
        </button>
        <button type="button" className="button button--danger" data-testid="confirm" onClick={confirm} disabled={running}>
          {running ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
