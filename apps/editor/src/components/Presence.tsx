import type { CSSProperties } from 'react';
import type { PresentUser } from '../collab/use-presence';

/** The contract's [data-testid=presence]: one entry per connected user, yourself marked. */
export function Presence({ users }: { users: PresentUser[] }) {
  return (
    <ul className="presence" data-testid="presence" aria-label={`${users.length} ${users.length === 1 ? 'person' : 'people'} here`}>
      {users.map((user) => (
        <li
          key={user.clientId}
          className="presence__user"
          data-testid="presence-user"
          data-self={user.isSelf || undefined}
          title={user.isSelf ? `${user.name} (you)` : user.name}
          style={{ '--user-color': user.color } as CSSProperties}
        >
          <span className="presence__avatar" aria-hidden="true">
            {initials(user.name)}
          </span>
          <span className="presence__name">
            {user.name}
            {user.isSelf && <span className="presence__self"> (you)</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/);
  return words.slice(0, 2).map((word) => [...word][0]?.toUpperCase() ?? '').join('') || '?';
}
