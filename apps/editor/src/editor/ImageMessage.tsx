import type { Store } from '../collab/store';
import { useStore } from '../collab/store';

/** Why an image was not added (too big, not an image, refused by the server), until dismissed. */
export function ImageMessage({ message }: { message: Store<string | null> }) {
  const text = useStore(message);
  if (!text) return null;
  return (
    <div className="image-message" role="alert" data-testid="image-message">
      <span>{text}</span>
      <button type="button" className="button button--quiet" aria-label="Dismiss" onClick={() => message.set(null)}>
        ×
      </button>
    </div>
  );
}
