import { useState } from 'react';
import type { Version } from './history-api';

const KIND_LABELS: Record<Version['kind'], string> = { auto: 'Saved automatically', named: 'Named version', restore: 'Before a restore' };
const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

interface VersionListProps {
  versions: Version[];
  shown: string | null;
  onShow(versionId: string): void;
  onRename(versionId: string, name: string | null): void;
}

/** The versions, newest first, under a heading per day: time, name (or kind) and authors. */
export function VersionList({ versions, shown, onShow, onRename }: VersionListProps) {
  if (versions.length === 0) return <p className="history__empty">No versions yet: one is kept every few minutes of editing.</p>;
  const days = new Map<string, Version[]>();
  for (const version of versions) {
    const label = day.format(new Date(version.createdAt));
    days.set(label, [...(days.get(label) ?? []), version]);
  }
  return (
    <div className="history__list">
      {[...days].map(([label, ofDay]) => (
        <section key={label}>
          <h3 className="history__day">{label}</h3>
          <ul>
            {ofDay.map((version) => (
              <VersionEntry key={version.id} version={version} shown={version.id === shown} onShow={onShow} onRename={onRename} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function VersionEntry({ version, shown, onShow, onRename }: { version: Version; shown: boolean } & Omit<VersionListProps, 'versions' | 'shown'>) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(version.name ?? '');
  return (
    <li className={shown ? 'history__entry history__entry--shown' : 'history__entry'}>
      <button type="button" className="history__version" data-testid="history-version" data-version-id={version.id} data-kind={version.kind} onClick={() => onShow(version.id)}>
        <span className="history__time">{time.format(new Date(version.createdAt))}</span>
        <span className="history__label">{version.name ?? KIND_LABELS[version.kind]}</span>
        <span className="history__authors">
          {version.authors.map((author) => (
            <span key={`${author.name}${author.color}`} className="history__author">
              <span className="history__dot" style={{ background: author.color }} aria-hidden="true" />
              {author.name}
            </span>
          ))}
        </span>
      </button>
      {renaming ? (
        <input
          className="history__name"
          data-testid="version-rename"
          aria-label="New name"
          maxLength={200}
          autoFocus
          value={name}
          onChange={(event) => setName(event.target.value)}
          onBlur={() => setRenaming(false)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setRenaming(false);
            if (event.key !== 'Enter') return;
            setRenaming(false);
            onRename(version.id, name.trim() || null);
          }}
        />
      ) : (
        <button type="button" className="button button--quiet history__rename" data-testid="rename-version" onClick={() => setRenaming(true)}>
          Rename
        </button>
      )}
    </li>
  );
}
