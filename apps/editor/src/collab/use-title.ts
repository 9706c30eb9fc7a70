import { META_MAP, TITLE_KEY, readTitle } from '@collab/schema';
import { useCallback, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';

/** The shared document title (Y.Map `meta`, key `title`), live, and a setter that writes it for everyone. */
export function useTitle(doc: Y.Doc): [string, (title: string) => void] {
  const meta = doc.getMap(META_MAP);
  const subscribe = useCallback(
    (onChange: () => void) => {
      meta.observe(onChange);
      return () => meta.unobserve(onChange);
    },
    [meta],
  );
  const title = useSyncExternalStore(subscribe, () => readTitle(doc));
  const setTitle = useCallback((next: string) => meta.set(TITLE_KEY, next), [meta]);
  return [title, setTitle];
}
