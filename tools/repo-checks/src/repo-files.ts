import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Generated or installed, never written by hand: dependencies, build output, caches, test reports, and `.git`
// (a worktree's `.git` file names the main checkout by its absolute path).
const SKIPPED = new Set(['node_modules', '.git', 'dist', '.turbo', 'coverage', 'test-results', 'playwright-report']);

// The server's default DATA_DIR (`./data`) where `npm start` and `npm run dev` run it holds a developer's
// documents; of these, only `data/traces` belongs to the repository.
const DATA_DIRS = new Set(['data', 'apps/sync-server/data']);

function skipped(relative: string, name: string): boolean {
  return SKIPPED.has(name) || (DATA_DIRS.has(path.posix.dirname(relative)) && relative !== 'data/traces');
}

/** Every text file under `root` written by hand (binary files, with a NUL byte, are left out), relative paths with `/`. */
export function repoTextFiles(root: string): { file: string; text: string }[] {
  const files: { file: string; text: string }[] = [];
  const visit = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (skipped(child, entry.name)) continue;
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile()) {
        const bytes = readFileSync(path.join(root, child));
        if (!bytes.includes(0)) files.push({ file: child, text: bytes.toString('utf8') });
      }
    }
  };
  visit('');
  return files;
}
