import { homedir } from 'node:os';
import path from 'node:path';

/** One place in a file that names a path outside the repository. */
export interface OutsidePath {
  /** The file, relative to the repository root, with forward slashes. */
  file: string;
  line: number;
  /** The path as written. */
  found: string;
}

// System directories a checkout may sit in (a temp dir, a home): they name no particular machine's layout, and
// code names some of them on purpose (/usr/bin/chromium). Only the directories between them and the root count.
const SYSTEM_DIRS = new Set([
  '/',
  '/home',
  '/Users',
  '/tmp',
  '/var',
  '/var/tmp',
  '/private',
  '/private/tmp',
  '/private/var',
  '/usr',
  '/usr/local',
  '/opt',
  '/srv',
  '/mnt',
  '/media',
]);

/**
 * The absolute directories around a repository at `root`: its ancestors up to a system directory, and the
 * user's home. A file naming one of them depends on where this checkout sits on this machine.
 */
export function surroundings(root: string, home = homedir()): string[] {
  const found = new Set<string>();
  for (let dir = path.dirname(path.resolve(root)); !SYSTEM_DIRS.has(dir); dir = path.dirname(dir)) found.add(dir);
  if (!SYSTEM_DIRS.has(home)) found.add(home);
  return [...found];
}

// A run of characters that can make up a path in code, configuration, shell or Markdown.
const PATH_TOKEN = /[\w.@+~/-]+/g;

/**
 * Whether a relative path written in `file` climbs above the repository root. It is resolved from the file's
 * own directory, as `new URL(p, import.meta.url)`, an import, `extends` in a tsconfig, `cd` in a package script
 * or a Markdown link would be. A path right after `)` or `}` (`$(dirname "$0")/..`, `${here}/..`) is taken as
 * relative to the file's directory too, the usual base of such substitutions.
 */
function climbsOut(file: string, token: string, before: string): boolean {
  if (!token.split('/').includes('..')) return false;
  if (token.startsWith('/') && before !== ')' && before !== '}') return false; // absolute: see namesSurroundings
  let depth = path.posix.dirname(file) === '.' ? 0 : path.posix.dirname(file).split('/').length;
  for (const segment of token.split('/')) {
    if (segment === '' || segment === '.') continue;
    depth += segment === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds, in the text of one file, every relative path that climbs above the root and every absolute path into `outside`. */
export function findOutsidePaths(file: string, text: string, outside: readonly string[]): OutsidePath[] {
  // An outside directory counts where it starts a path (`'/a/b'`, `file:///a/b`), not inside a longer one
  // (`https://example.org/a/b`, `/a/bc`).
  const absolute = outside.map((dir) => new RegExp(`(?<![\\w.-])${escapeRegExp(dir)}(?![\\w.-])`));
  const found: OutsidePath[] = [];
  text.split('\n').forEach((content, index) => {
    // Most lines name neither: skip them before tokenising.
    if (!content.includes('..') && !outside.some((dir) => content.includes(dir))) return;
    for (const match of content.matchAll(PATH_TOKEN)) {
      const token = match[0];
      const before = content[match.index - 1] ?? '';
      if (climbsOut(file, token, before) || absolute.some((pattern) => pattern.test(`${before}${token}`))) {
        found.push({ file, line: index + 1, found: token });
      }
    }
  });
  return found;
}
