import type { VersionAuthor } from '@collab/persistence';

/** Longest author name kept: presence is whatever a client sent, and a version keeps it for good. */
const MAX_NAME = 64;
const COLOR = /^#[0-9a-fA-F]{6}$/;
/** For a name that came without a usable colour. */
const NO_COLOR = '#6b7280';

/**
 * The authors a peer's presence names: the `user` field ({ name, color }) editors keep in their awareness
 * states. States without a name (a stock client that sets none) name nobody.
 */
export function authorsOf(users: readonly unknown[]): VersionAuthor[] {
  const authors: VersionAuthor[] = [];
  for (const user of users) {
    const { name, color } = (user ?? {}) as { name?: unknown; color?: unknown };
    if (typeof name !== 'string' || name.trim() === '') continue;
    authors.push({ name: name.trim().slice(0, MAX_NAME), color: typeof color === 'string' && COLOR.test(color) ? color : NO_COLOR });
  }
  return authors;
}

/** Each author once, in the order first met. */
export function distinctAuthors(authors: Iterable<VersionAuthor>): VersionAuthor[] {
  const seen = new Map<string, VersionAuthor>();
  for (const author of authors) seen.set(`${author.name}\n${author.color}`, author);
  return [...seen.values()];
}
