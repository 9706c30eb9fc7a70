import type { ConnectionStatus as Status } from '../collab/connection';

const LABELS: Record<Status, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  offline: 'Offline',
  denied: 'Access denied',
};

/** The contract's [data-testid=connection-status]: data-status carries the machine-readable state. */
export function ConnectionStatus({ status }: { status: Status }) {
  return (
    <span className={`status status--${status}`} data-testid="connection-status" data-status={status} role="status">
      <span className="status__dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}
