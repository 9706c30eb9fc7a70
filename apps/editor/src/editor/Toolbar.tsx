import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { Fragment, useState, type KeyboardEvent } from 'react';
import { ariaShortcut, shortcutLabel, toolbarGroups, type ToolbarActions } from './toolbar-items';

const items = toolbarGroups.flat();

interface ToolbarProps {
  editor: Editor;
  actions: ToolbarActions;
}

/**
 * The formatting toolbar, reflecting the selection. One tab stop (WAI-ARIA toolbar pattern): arrow keys, Home
 * and End move between buttons, Tab leaves the toolbar.
 */
export function Toolbar({ editor, actions }: ToolbarProps) {
  const [focusIndex, setFocusIndex] = useState(0);
  const states = useEditorState({
    editor,
    selector: ({ editor: current }) =>
      items.map((item) => ({
        active: item.isActive?.(current) ?? false,
        enabled: item.isEnabled?.(current) ?? true,
      })),
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = { ArrowRight: focusIndex + 1, ArrowLeft: focusIndex - 1, Home: 0, End: items.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = (target + items.length) % items.length;
    setFocusIndex(next);
    event.currentTarget.querySelectorAll('button')[next]?.focus();
  };

  let index = -1;
  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting" aria-orientation="horizontal" onKeyDown={onKeyDown}>
      {toolbarGroups.map((group, groupIndex) => (
        <Fragment key={group[0]?.id}>
          {groupIndex > 0 && <span className="toolbar__separator" aria-hidden="true" />}
          {group.map((item) => {
            index += 1;
            const itemIndex = index;
            const active = states[itemIndex]?.active ?? false;
            const enabled = states[itemIndex]?.enabled ?? true;
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
                tabIndex={itemIndex === focusIndex ? 0 : -1}
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
}
