import { Extension, type Extensions } from '@tiptap/core';
import { isChangeOrigin } from '@tiptap/extension-collaboration';
import { Table } from '@tiptap/extension-table/table';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { fixTablesKey } from '@tiptap/pm/tables';

const remoteRoundKey = new PluginKey<boolean>('remoteTableRound');

/**
 * prosemirror-tables repairs a table whose rows have come apart (a row added by one user while another added a
 * column) in every editor that renders the change. Each editor's repair then reaches all others, which repair
 * again: the table grows without end (prosemirror-tables issue 249). So only a local change is repaired, by the
 * one editor that made it; a table left uneven by a merge shows as it is until someone edits it.
 */
export function localTableFixesOnly(): Plugin<boolean> {
  return new Plugin<boolean>({
    key: remoteRoundKey,
    state: {
      init: () => false,
      // Appended transactions carry their root: the round stays remote or local as a whole.
      apply: (tr, wasRemote) => (tr.getMeta('appendedTransaction') ? wasRemote : isChangeOrigin(tr)),
    },
    filterTransaction: (tr, state) => !(tr.getMeta(fixTablesKey) && remoteRoundKey.getState(state)),
  });
}

/** What replaces TableShape once a document has a table (loaded on demand, see use-table-editing.ts). */
export const table = Table.configure({ resizable: true });
/** Added with it. */
export const tableCompanions: Extensions = [
  Extension.create({ name: 'localTableFixesOnly', addProseMirrorPlugins: () => [localTableFixesOnly()] }),
];
