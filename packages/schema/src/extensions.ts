import type { Extensions } from '@tiptap/core';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { StarterKit } from '@tiptap/starter-kit';
import { ImageNode } from './image-node.js';

/**
 * The extensions that shape a document: its nodes, marks and their HTML/Markdown forms. The editor adds the
 * browser-only ones (Collaboration, CollaborationCaret, Placeholder) on top; the server's export uses this list
 * alone, so both always agree on the schema.
 */
export const documentExtensions: Extensions = [
  StarterKit.configure({
    // Undo/redo comes from the Collaboration extension (Yjs UndoManager), which only undoes local changes.
    undoRedo: false,
    // The trailing-node plugin appends a paragraph on every client at once: concurrent editors (and read-only
    // viewers, whose writes the server drops) would each add their own.
    trailingNode: false,
    link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
  }),
  TaskList,
  TaskItem.configure({ nested: true }),
  ImageNode,
];
