import type { ReactNode } from 'react';

/** 24×24 stroke icons for the toolbar; decorative, the buttons carry the labels. */
function Icon({ children }: { children: ReactNode }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      {children}
    </svg>
  );
}

export const icons = {
  bold: <Icon><path d="M7 5h6a3.5 3.5 0 0 1 0 7H7zM7 12h7a3.5 3.5 0 0 1 0 7H7z" /></Icon>,
  italic: <Icon><path d="M14 5h-4M14 19h-4M14 5l-4 14" /></Icon>,
  strike: <Icon><path d="M4 12h16M16 7c-.6-1.5-2-2.5-4-2.5-2.5 0-4 1.3-4 3 0 1.3.8 2.1 2 2.6M8 17c.6 1.5 2 2.5 4 2.5 2.5 0 4-1.3 4-3 0-.9-.3-1.5-.9-2" /></Icon>,
  code: <Icon><path d="m16 18 6-6-6-6M8 6l-6 6 6 6" /></Icon>,
  bulletList: <Icon><path d="M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01" /></Icon>,
  orderedList: <Icon><path d="M10 6h10M10 12h10M10 18h10M4 5l1-1v5M4 14h2l-2 3h2" /></Icon>,
  taskList: <Icon><path d="M3.5 5.5h5v5h-5zM3.5 16l2 2 3.5-3.5M12 8h8M12 17h8" /></Icon>,
  blockquote: <Icon><path d="M4 18h4v-5H5c0-3 1-5 3-6M14 18h4v-5h-3c0-3 1-5 3-6" /></Icon>,
  codeBlock: <Icon><path d="M4 4h16v16H4zM10 9l-2.5 3 2.5 3M14 9l2.5 3-2.5 3" /></Icon>,
  link: <Icon><path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" /></Icon>,
  image: <Icon><path d="M4 5h16v14H4zM4 16l5-5 4 4 2-2 5 5M15.5 9.5h.01" /></Icon>,
  underline: <Icon><path d="M7 4v7a5 5 0 0 0 10 0V4M5 20h14" /></Icon>,
  highlight: <Icon><path d="m9 11-6 6v3h9l3-3M22 12l-4.6 4.6a2 2 0 0 1-2.8 0l-5.2-5.2a2 2 0 0 1 0-2.8L14 4" /></Icon>,
  alignLeft: <Icon><path d="M4 6h16M4 10h10M4 14h16M4 18h10" /></Icon>,
  alignCenter: <Icon><path d="M4 6h16M7 10h10M4 14h16M7 18h10" /></Icon>,
  alignRight: <Icon><path d="M4 6h16M10 10h10M4 14h16M10 18h10" /></Icon>,
  horizontalRule: <Icon><path d="M3 12h18M8 6h8M8 18h8" /></Icon>,
  table: <Icon><path d="M3 4h18v16H3zM3 10h18M3 15h18M9 4v16M15 4v16" /></Icon>,
  rowAbove: <Icon><path d="M3 11h18v9H3zM3 15.5h18M12 3v6M9 6h6" /></Icon>,
  rowBelow: <Icon><path d="M3 4h18v9H3zM3 8.5h18M12 15v6M9 18h6" /></Icon>,
  deleteRow: <Icon><path d="M3 8h18v8H3zM9.5 10l5 4M14.5 10l-5 4" /></Icon>,
  columnLeft: <Icon><path d="M11 3h9v18h-9zM15.5 3v18M3 12h6M6 9v6" /></Icon>,
  columnRight: <Icon><path d="M4 3h9v18H4zM8.5 3v18M15 12h6M18 9v6" /></Icon>,
  deleteColumn: <Icon><path d="M8 3h8v18H8zM10 9.5l4 5M14 9.5l-4 5" /></Icon>,
  headerRow: <Icon><path d="M3 4h18v16H3zM3 10h18M9 10v10M15 10v10" /><path d="M3 4h18v6H3z" fill="currentColor" stroke="none" /></Icon>,
  deleteTable: <Icon><path d="M3 4h18v11M3 4v16h11M3 10h18M9 4v16M16 17l5 5M21 17l-5 5" /></Icon>,
  undo: <Icon><path d="M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11" /></Icon>,
  redo: <Icon><path d="m15 14 5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13" /></Icon>,
};
