import { useSyncExternalStore } from 'react';

export type Route =
  | { screen: 'home' }
  | { screen: 'document'; id: string; token: string }
  | { screen: 'not-found' };

// Same shape the server accepts for a document id; anything else cannot be a document.
const DOCUMENT_PATH = /^\/d\/([A-Za-z0-9_-]{1,128})\/?$/;

/**
 * The token of a document link: in the fragment (`#token=`), where the editor puts it because browsers never
 * send a fragment to a server or a proxy; in the query (`?token=`) for links from before that.
 */
function linkToken(url: URL): string | null {
  return new URLSearchParams(url.hash.slice(1)).get('token') ?? url.searchParams.get('token');
}

export function parseRoute(url: URL): Route {
  if (url.pathname === '/') return { screen: 'home' };
  const match = DOCUMENT_PATH.exec(url.pathname);
  if (match?.[1]) return { screen: 'document', id: match[1], token: linkToken(url) ?? '' };
  return { screen: 'not-found' };
}

/** The in-app path of a document link, token in the fragment, as the server builds its share links. */
export function documentPath(id: string, token: string): string {
  return `/d/${encodeURIComponent(id)}#token=${encodeURIComponent(token)}`;
}

/**
 * The address a `?token=` document link should show instead (the same link with the token in the fragment),
 * or null when there is nothing to rewrite. The page was requested with the token already, but from here on
 * it stays out of the history, bookmarks and whatever the address bar is copied into.
 */
export function withTokenInFragment(url: URL): string | null {
  const route = parseRoute(url);
  if (route.screen !== 'document' || !url.searchParams.has('token')) return null;
  return documentPath(route.id, route.token);
}

/** Client-side navigation: the server answers every editor path with index.html. */
export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** Changes the address without a navigation (the page goes on as it is), e.g. after a link was reset. */
export function replaceAddress(path: string): void {
  window.history.replaceState(null, '', path);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener('hashchange', onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('hashchange', onChange);
  };
}

const currentHref = () => window.location.href;

/** The route of the current URL, re-rendering on navigation. */
export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, currentHref);
  return parseRoute(new URL(href));
}
