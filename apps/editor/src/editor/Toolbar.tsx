import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { forwardRef, Fragment, useState, type KeyboardEvent } from 'react';
import { ariaShortcut, shortcutLabel, toolbarGroups, type ToolbarActions } from './toolbar-items';

const items = toolbarGroups.flat();

interface ToolbarProps {
  editor: Editor;
  actions: ToolbarActions;
}

/**
 * The formatting toolbar, reflecting the selection. One tab stop (WAI-ARIA toolbar pattern): arrow keys, Home
 * and End move between buttons, Tab leaves the toolbar, Escape goes back to the text (Alt-F10 comes here).
 */
export const Toolbar = forwardRef<HTMLDivElement, ToolbarProps>(function Toolbar({ editor, actions }, ref) {
  const [focusIndex, setFocusIndex] = useState(0);
  const states = useEditorState({
    editor,
    // Null for an editor that is not mounted (yet, or any more: one re-created for tables is read once after).
    selector: ({ editor: current }) =>
      current.isDestroyed
        ? null
        : items.map((item) => ({
            active: item.isActive?.(current) ?? false,
            enabled: item.isEnabled?.(current) ?? true,
            visible: item.isVisible?.(current) ?? true,
          })),
  });
  const groups = toolbarGroups
    .map((group) => group.filter((item) => states?.[items.indexOf(item)]?.visible ?? !item.isVisible))
    .filter((group) => group.length > 0);
  const count = groups.flat().length;
  // A button that was focusable may be gone (the table group hides when the cursor leaves the table).
  const tabStop = Math.min(focusIndex, count - 1);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      editor.commands.focus();
      return;
    }
    const moves: Record<string, number> = { ArrowRight: tabStop + 1, ArrowLeft: tabStop - 1, Home: 0, End: count - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = (target + count) % count;
    setFocusIndex(next);
    event.currentTarget.querySelectorAll('button')[next]?.focus();
  };

  let index = -1;
  return (
    <div
      ref={ref}
      className="toolbar"
      role="toolbar"
      aria-label="Formatting"
      aria-orientation="horizontal"
      aria-keyshortcuts="Alt+F10"
      data-testid="toolbar"
      onKeyDown={onKeyDown}
    >
      {groups.map((group, groupIndex) => (
        <Fragment key={group[0]?.id}>
          {groupIndex > 0 && <span className="toolbar__separator" aria-hidden="true" />}
          {group.map((item) => {
            index += 1;
            const itemIndex = index;
            const state = states?.[items.indexOf(item)];
            const active = state?.active ?? false;
            const enabled = state?.enabled ?? true;
            const tooltip = item.shortcut ? `${item.label} (${shortcutLabel(item.shortcut)})` : item.label;
            return (
              <button
                key={item.id}
                type="button"
                className="toolbar__button"
                aria-label={item.label}
                aria-pressed={item.isActive ? active : undefined}
                aria-keyshortcuts={item.shortcut && ariaShortcut(item.shortcut)}
                title={tooltip}
                // aria-disabled rather than disabled: the button stays reachable with the arrow keys.
                aria-disabled={!enabled}
                tabIndex={itemIndex === tabStop ? 0 : -1}
                onFocus={() => setFocusIndex(itemIndex)}
                // Keep the editor's selection: the command runs on it and focuses the editor again.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => enabled && item.run(editor, actions)}
              >
                {item.icon}
              </button>
            );
          })}
        </Fragment>
      ))}
    </div>
  );
});
