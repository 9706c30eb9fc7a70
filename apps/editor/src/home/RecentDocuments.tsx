import { navigate } from '../routing';
import type { RecentDocument } from '../storage/local-docs';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "5 minutes ago", "yesterday"... */
function timeAgo(timestamp: number, now = Date.now()): string {
  const seconds = Math.round((timestamp - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** The documents this browser has opened, most recent first (kept in localStorage, see storage/local-docs). */
export function RecentDocuments({ documents }: { documents: RecentDocument[] }) {
  if (documents.length === 0) {
    return <p className="recent__empty">Documents you open in this browser will be listed here.</p>;
  }
  return (
    <section className="recent" aria-labelledby="recent-title">
      <h2 id="recent-title" className="recent__title">
        Recent documents
      </h2>
      <ul className="recent__list" data-testid="recent-docs">
        {documents.map((doc) => (
          <li key={doc.id}>
            <a
              className="recent__item"
              href={doc.path}
              data-testid="recent-doc"
              onClick={(event) => {
                event.preventDefault();
                navigate(doc.path);
              }}
            >
              <span className="recent__name">{doc.title.trim() || 'Untitled'}</span>
              <span className="recent__meta">
                {doc.role === 'view' && <span className="badge">View only</span>}
                <time dateTime={new Date(doc.lastOpened).toISOString()}>{timeAgo(doc.lastOpened)}</time>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
