import type { LocalUser } from '../collab/user';

/** Your own name ([data-testid=user-name]) and colour, as others see them; every edit is live for everyone. */
export function UserIdentity({ user, onChange }: { user: LocalUser; onChange: (user: LocalUser) => void }) {
  return (
    <div className="identity">
      <label className="identity__color" style={{ backgroundColor: user.color }} title="Your colour">
        <span className="visually-hidden">Your colour</span>
        <input type="color" value={user.color} onChange={(event) => onChange({ ...user, color: event.target.value })} />
      </label>
      <input
        className="identity__name"
        data-testid="user-name"
        aria-label="Your name"
        maxLength={40}
        value={user.name}
        placeholder="Your name"
        onChange={(event) => onChange({ ...user, name: event.target.value })}
      />
    </div>
  );
}
