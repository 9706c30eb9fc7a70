import { useCallback, useEffect, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import * as Y from 'yjs';
import type { Session } from '../collab/session';
import { type Comparison, compare } from './comparison';
import { type HistoryApi, type Version, historyApi } from './history-api';
import { restoreInEditor } from './restore';
import { VersionList } from './VersionList';
import { VersionPreview } from './VersionPreview';
import '../styles/history.css';

export interface HistoryPanelProps {
  id: string;
  token: string;
  session: Session;
  /** How many times the name field was asked for (Ctrl+Alt+S): each new request shows it. */
  naming: number;
  /** Where the preview goes: in place of the live editor, which DocumentView hides while `onPreviewing(true)`. */
  previewHost: HTMLElement | null;
  onPreviewing(previewing: boolean): void;
  onClose(): void;
}

/** The History panel (lazy-loaded): the versions, a preview with the changes marked, naming and restoring. */
export default function HistoryPanel({ id, token, session, naming, previewHost, onPreviewing, onClose }: HistoryPanelProps) {
  const api = useMemo(() => historyApi(id, token), [id, token]);
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [compareCurrent, setCompareCurrent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const reload = useCallback(
    () =>
      api.list().then(setVersions, () => setProblem('The history could not be loaded.')),
    [api],
  );
  useEffect(() => void reload(), [reload]);
  useEffect(() => onPreviewing(shown !== null), [shown, onPreviewing]);

  async function restore(versionId: string) {
    try {
      const state = await api.state(versionId);
      // The state it replaces becomes a version first: nothing is lost, and the restore can be undone.
      await api.keepBeforeRestore();
      restoreInEditor(session.doc, state);
      onClose();
    } catch {
      setProblem('The version could not be restored. Try again.');
    }
  }

  return (
    <aside className="history" data-testid="history-panel" aria-label="Version history">
      <header className="history__header">
        <h2 className="history__title">History</h2>
        <button type="button" className="button button--quiet" data-testid="history-close" onClick={onClose}>
          Close
        </button>
      </header>
      <NameVersion api={api} requests={naming} onNamed={reload} onProblem={setProblem} />
      {problem && (
        <p className="history__problem" role="alert">
          {problem}
        </p>
      )}
      {versions && (
        <VersionList
          versions={versions}
          shown={shown}
          onShow={setShown}
          onRename={(versionId, name) => api.rename(versionId, name).then(reload, () => setProblem('Renaming failed.'))}
        />
      )}
      {shown && previewHost && versions &&
        createPortal(
          <ShownVersion
            key={`${shown}:${compareCurrent}`}
            api={api}
            session={session}
            versions={versions}
            shown={shown}
            compareCurrent={compareCurrent}
            onCompareCurrent={setCompareCurrent}
            onRestore={() => void restore(shown)}
          />,
          previewHost,
        )}
    </aside>
  );
}

/** "Name the current version": a button, then a field; Enter saves. */
function NameVersion({ api, requests, onNamed, onProblem }: { api: HistoryApi; requests: number; onNamed(): void; onProblem(p: string): void }) {
  const [editing, setEditing] = useState(requests > 0);
  const [name, setName] = useState('');
  useEffect(() => setEditing((was) => was || requests > 0), [requests]);
  if (!editing) {
    return (
      <button type="button" className="button" data-testid="name-version" onClick={() => setEditing(true)}>
        Name the current version
      </button>
    );
  }
  return (
    <input
      className="history__name"
      data-testid="version-name"
      placeholder="Version name, then Enter"
      aria-label="Version name"
      maxLength={200}
      autoFocus
      value={name}
      onChange={(event) => setName(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setEditing(false);
        if (event.key !== 'Enter' || name.trim() === '') return;
        api.name(name.trim()).then(
          () => {
            setName('');
            setEditing(false);
            onNamed();
          },
          () => onProblem('The version could not be saved.'),
        );
      }}
    />
  );
}

interface ShownVersionProps {
  api: HistoryApi;
  session: Session;
  versions: Version[];
  shown: string;
  compareCurrent: boolean;
  onCompareCurrent(compare: boolean): void;
  onRestore(): void;
}

/** The version shown in place of the editor: against the version before it, or the current document against it. */
function ShownVersion({ api, session, versions, shown, compareCurrent, onCompareCurrent, onRestore }: ShownVersionProps) {
  const [comparison, setComparison] = useState<Comparison | null>(null);
  useEffect(() => {
    let live = true;
    const index = versions.findIndex((v) => v.id === shown);
    const previous = versions[index + 1];
    const states = compareCurrent
      ? Promise.all([api.state(shown), Promise.resolve(Y.encodeStateAsUpdate(session.doc))])
      : Promise.all([previous ? api.state(previous.id) : Promise.resolve(null), api.state(shown)]);
    void states.then(([before, after]) => live && setComparison(compare(before, after)), () => undefined);
    return () => {
      live = false;
    };
  }, [api, session, versions, shown, compareCurrent]);
  useEffect(() => () => comparison?.doc.destroy(), [comparison]);

  return (
    <div className="version">
      <div className="version__bar">
        <label className="version__compare">
          <input type="checkbox" data-testid="compare-current" checked={compareCurrent} onChange={(e) => onCompareCurrent(e.target.checked)} />
          Compare with the current document
        </label>
        <button type="button" className="button button--primary" data-testid="restore-version" onClick={onRestore}>
          Restore this version
        </button>
      </div>
      {comparison ? <VersionPreview comparison={comparison} /> : <div className="version__loading" aria-busy="true" />}
    </div>
  );
}
