import { useSyncExternalStore } from 'react';

export type Route =
  | { screen: 'home' }
  | { screen: 'document'; id: string; token: string }
  | { screen: 'not-found' };

// Same shape the server accepts for a document id; anything else cannot be a document.
const DOCUMENT_PATH = /^\/d\/([A-Za-z0-9_-]{1,128})\/?$/;

export function parseRoute(url: URL): Route {
  if (url.pathname === '/') return { screen: 'home' };
  const match = DOCUMENT_PATH.exec(url.pathname);
  if (match?.[1]) return { screen: 'document', id: match[1], token: url.searchParams.get('token') ?? '' };
  return { screen: 'not-found' };
}

/** The in-app path of a document link; the server builds share links as `${PUBLIC_URL}/d/${id}?token=${token}`. */
export function documentPath(id: string, token: string): string {
  return `/d/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`;
}

/** Client-side navigation: the server answers every editor path with index.html. */
export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

const currentHref = () => window.location.href;

/** The route of the current URL, re-rendering on navigation. */
export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, currentHref);
  return parseRoute(new URL(href));
}
