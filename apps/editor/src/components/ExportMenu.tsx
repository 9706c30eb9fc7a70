import { exportUrl } from '../api';

const FORMATS = [
  { format: 'markdown', label: 'Markdown', extension: 'md' },
  { format: 'html', label: 'HTML', extension: 'html' },
  { format: 'json', label: 'JSON', extension: 'json' },
  { format: 'text', label: 'Plain text', extension: 'txt' },
] as const;

/** Downloads from the server's export, which renders with the same schema as this editor. */
export function ExportMenu({ id, token, title }: { id: string; token: string; title: string }) {
  const fileName = (title.trim() || 'Untitled').replace(/[\\/:*?"<>|]+/g, ' ').slice(0, 80);
  return (
    <details
      className="menu"
      // Close once a format is picked: a <details> stays open otherwise.
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('a')) event.currentTarget.open = false;
      }}
    >
      <summary className="button" data-testid="export">
        Export
      </summary>
      <ul className="menu__list">
        {FORMATS.map(({ format, label, extension }) => (
          <li key={format}>
            <a className="menu__item" href={exportUrl(id, token, format)} download={`${fileName}.${extension}`} data-testid={`export-${format}`}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}
