import { findParentNode, type Editor } from '@tiptap/core';
import type { ReactNode } from 'react';
import { icons } from './icons';

export interface ToolbarItem {
  id: string;
  label: string;
  /** In TipTap's key syntax, shown in the tooltip. */
  shortcut?: string;
  icon: ReactNode;
  /** Toggles carry aria-pressed, reflecting the selection. */
  isActive?: (editor: Editor) => boolean;
  isEnabled?: (editor: Editor) => boolean;
  /** Shown only while this holds (the table group, while the cursor is in a table). */
  isVisible?: (editor: Editor) => boolean;
  run: (editor: Editor, actions: ToolbarActions) => void;
}

/** What toolbar items open outside the editor. */
export interface ToolbarActions {
  openLinkDialog: () => void;
  /** The file picker for an image. */
  pickImage: () => void;
  /** Inserts a 3×3 table with a header row, loading the table editing code first if needed. */
  insertTable: () => void;
}

const heading = (level: 1 | 2 | 3): ToolbarItem => ({
  id: `heading${level}`,
  // The visible "H1" belongs in the accessible name too (WCAG 2.5.3, label in name).
  label: `Heading ${level} (H${level})`,
  shortcut: `Mod-Alt-${level}`,
  icon: <span className="toolbar__text-icon">H{level}</span>,
  isActive: (editor) => editor.isActive('heading', { level }),
  run: (editor) => editor.chain().focus().toggleHeading({ level }).run(),
});

const align = (alignment: 'left' | 'center' | 'right', label: string, icon: ReactNode): ToolbarItem => ({
  id: `align-${alignment}`,
  label,
  shortcut: `Mod-Shift-${{ left: 'l', center: 'e', right: 'r' }[alignment]}`,
  icon,
  // No alignment is left alignment.
  isActive: (editor) =>
    alignment === 'left'
      ? !editor.isActive({ textAlign: 'center' }) && !editor.isActive({ textAlign: 'right' })
      : editor.isActive({ textAlign: alignment }),
  run: (editor) =>
    alignment === 'left' ? editor.chain().focus().unsetTextAlign().run() : editor.chain().focus().setTextAlign(alignment).run(),
});

/** In a table, with the table editing code loaded (its commands exist only then). */
const inTable = (editor: Editor) => 'addRowAfter' in editor.commands && editor.isActive('table');

function hasHeaderRow(editor: Editor): boolean {
  const table = findParentNode((node) => node.type.name === 'table')(editor.state.selection);
  return table?.node.firstChild?.firstChild?.type.name === 'tableHeader';
}

const tableItem = (id: string, label: string, icon: ReactNode, run: (editor: Editor) => void, isActive?: (editor: Editor) => boolean): ToolbarItem => ({
  id,
  label,
  icon,
  isVisible: inTable,
  ...(isActive && { isActive }),
  run,
});

/** The toolbar, in groups; every shortcut and Markdown input rule also works without it. */
export const toolbarGroups: ToolbarItem[][] = [
  [
    { id: 'undo', label: 'Undo', shortcut: 'Mod-z', icon: icons.undo, isEnabled: (editor) => editor.can().undo(), run: (editor) => editor.chain().focus().undo().run() },
    { id: 'redo', label: 'Redo', shortcut: 'Mod-Shift-z', icon: icons.redo, isEnabled: (editor) => editor.can().redo(), run: (editor) => editor.chain().focus().redo().run() },
  ],
  [heading(1), heading(2), heading(3)],
  [
    { id: 'bold', label: 'Bold', shortcut: 'Mod-b', icon: icons.bold, isActive: (editor) => editor.isActive('bold'), run: (editor) => editor.chain().focus().toggleBold().run() },
    { id: 'italic', label: 'Italic', shortcut: 'Mod-i', icon: icons.italic, isActive: (editor) => editor.isActive('italic'), run: (editor) => editor.chain().focus().toggleItalic().run() },
    { id: 'underline', label: 'Underline', shortcut: 'Mod-u', icon: icons.underline, isActive: (editor) => editor.isActive('underline'), run: (editor) => editor.chain().focus().toggleUnderline().run() },
    { id: 'strike', label: 'Strikethrough', shortcut: 'Mod-Shift-s', icon: icons.strike, isActive: (editor) => editor.isActive('strike'), run: (editor) => editor.chain().focus().toggleStrike().run() },
    { id: 'highlight', label: 'Highlight', shortcut: 'Mod-Shift-h', icon: icons.highlight, isActive: (editor) => editor.isActive('highlight'), run: (editor) => editor.chain().focus().toggleHighlight().run() },
    { id: 'code', label: 'Inline code', shortcut: 'Mod-e', icon: icons.code, isActive: (editor) => editor.isActive('code'), run: (editor) => editor.chain().focus().toggleCode().run() },
    { id: 'link', label: 'Link', shortcut: 'Mod-k', icon: icons.link, isActive: (editor) => editor.isActive('link'), run: (_editor, { openLinkDialog }) => openLinkDialog() },
  ],
  [align('left', 'Align left', icons.alignLeft), align('center', 'Align centre', icons.alignCenter), align('right', 'Align right', icons.alignRight)],
  [
    { id: 'bulletList', label: 'Bullet list', shortcut: 'Mod-Shift-8', icon: icons.bulletList, isActive: (editor) => editor.isActive('bulletList'), run: (editor) => editor.chain().focus().toggleBulletList().run() },
    { id: 'orderedList', label: 'Numbered list', shortcut: 'Mod-Shift-7', icon: icons.orderedList, isActive: (editor) => editor.isActive('orderedList'), run: (editor) => editor.chain().focus().toggleOrderedList().run() },
    { id: 'taskList', label: 'Task list', shortcut: 'Mod-Shift-9', icon: icons.taskList, isActive: (editor) => editor.isActive('taskList'), run: (editor) => editor.chain().focus().toggleTaskList().run() },
  ],
  [
    { id: 'blockquote', label: 'Quote', shortcut: 'Mod-Shift-b', icon: icons.blockquote, isActive: (editor) => editor.isActive('blockquote'), run: (editor) => editor.chain().focus().toggleBlockquote().run() },
    { id: 'codeBlock', label: 'Code block', shortcut: 'Mod-Alt-c', icon: icons.codeBlock, isActive: (editor) => editor.isActive('codeBlock'), run: (editor) => editor.chain().focus().toggleCodeBlock().run() },
  ],
  [
    { id: 'horizontalRule', label: 'Horizontal rule', icon: icons.horizontalRule, run: (editor) => editor.chain().focus().setHorizontalRule().run() },
    { id: 'image', label: 'Image', icon: icons.image, run: (_editor, { pickImage }) => pickImage() },
    { id: 'table', label: 'Insert table', icon: icons.table, isEnabled: (editor) => !editor.isActive('table'), run: (_editor, { insertTable }) => insertTable() },
  ],
  [
    tableItem('addRowBefore', 'Add row above', icons.rowAbove, (editor) => editor.chain().focus().addRowBefore().run()),
    tableItem('addRowAfter', 'Add row below', icons.rowBelow, (editor) => editor.chain().focus().addRowAfter().run()),
    tableItem('deleteRow', 'Delete row', icons.deleteRow, (editor) => editor.chain().focus().deleteRow().run()),
    tableItem('addColumnBefore', 'Add column left', icons.columnLeft, (editor) => editor.chain().focus().addColumnBefore().run()),
    tableItem('addColumnAfter', 'Add column right', icons.columnRight, (editor) => editor.chain().focus().addColumnAfter().run()),
    tableItem('deleteColumn', 'Delete column', icons.deleteColumn, (editor) => editor.chain().focus().deleteColumn().run()),
    tableItem('toggleHeaderRow', 'Header row', icons.headerRow, (editor) => editor.chain().focus().toggleHeaderRow().run(), hasHeaderRow),
    tableItem('deleteTable', 'Delete table', icons.deleteTable, (editor) => editor.chain().focus().deleteTable().run()),
  ],
];

export const isAppleKeyboard = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** "Mod-Shift-z" as the user's keyboard spells it: "⌘⇧Z" or "Ctrl+Shift+Z". */
export function shortcutLabel(shortcut: string): string {
  const keys = shortcut.split('-').map((key) => {
    if (key === 'Mod') return isAppleKeyboard ? '⌘' : 'Ctrl';
    if (key === 'Shift') return isAppleKeyboard ? '⇧' : 'Shift';
    if (key === 'Alt') return isAppleKeyboard ? '⌥' : 'Alt';
    return key.toUpperCase();
  });
  return keys.join(isAppleKeyboard ? '' : '+');
}

/** The same shortcut in aria-keyshortcuts syntax: "Control+Shift+Z". */
export function ariaShortcut(shortcut: string): string {
  return shortcut
    .split('-')
    .map((key) => (key === 'Mod' ? (isAppleKeyboard ? 'Meta' : 'Control') : key.length === 1 ? key.toUpperCase() : key))
    .join('+');
}
