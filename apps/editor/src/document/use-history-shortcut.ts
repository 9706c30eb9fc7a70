import { useEffect, useRef } from 'react';

/** Ctrl+Alt+S (Cmd+Alt+S on a Mac), for editors: "Name the current version". */
export function useHistoryShortcut(enabled: boolean, onNameVersion: () => void): void {
  const handler = useRef(onNameVersion);
  handler.current = onNameVersion;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || !event.altKey || event.code !== 'KeyS') return;
      event.preventDefault();
      handler.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
