import { useCallback, useEffect, useState } from 'react';
import * as Y from 'yjs';
import type * as TableEditingModule from './table-editing';

/** The table editing code: TipTap's Table and what goes with it. */
export type TableEditingCode = typeof TableEditingModule;

// A chunk of its own: a document without tables never downloads prosemirror-tables.
const loadTableEditing = (): Promise<TableEditingCode> => import('./table-editing');

export interface TableEditing {
  /** The table editing code once loaded; until then the editor shows tables with TableShape. */
  code: TableEditingCode | null;
  /** The document held a table when it was opened and the code is on its way: wait, then create the editor. */
  pending: boolean;
  /** Loads the code (again a no-op once loaded); the editor is then re-created with it. */
  load: () => Promise<void>;
}

/**
 * Whether the editor edits tables as tables. An editor's extensions are fixed when it is created, so the editor
 * is created with them when the document already holds a table, and re-created once when a table first appears
 * (inserted here, pasted, or received from someone else: TableShape reports it).
 */
export function useTableEditing(fragment: Y.XmlFragment): TableEditing {
  const [code, setCode] = useState<TableEditingCode | null>(null);
  const [pending, setPending] = useState(() => containsTable(fragment));
  const load = useCallback(() => loadTableEditing().then(setCode), []);

  useEffect(() => {
    if (!pending) return;
    // Without the code (offline before it was ever cached), the editor opens with TableShape all the same.
    load()
      .catch(() => undefined)
      .finally(() => setPending(false));
  }, [pending, load]);

  return { code, pending, load };
}

export function containsTable(fragment: Y.XmlFragment): boolean {
  const tables = fragment.createTreeWalker((type) => type instanceof Y.XmlElement && type.nodeName === 'table');
  return !tables.next().done;
}
