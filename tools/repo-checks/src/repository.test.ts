import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOutsidePaths, surroundings } from './outside-paths.js';
import { repoTextFiles } from './repo-files.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('the repository stands alone', () => {
  const files = repoTextFiles(ROOT);

  it('scans every hand-written file and nothing installed or generated', () => {
    const names = files.map(({ file }) => file);
    expect(names).toEqual(expect.arrayContaining(['package.json', 'README.md', 'apps/sync-server/src/server.ts']));
    expect(names).toContain('data/traces/README.md');
    expect(names.filter((name) => /(^|\/)(node_modules|dist|\.git)(\/|$)/.test(name))).toEqual([]);
  });

  it('has no file that names a path outside the repository', () => {
    const outside = [...new Set([...surroundings(ROOT), ...surroundings(realpathSync(ROOT))])];
    const found = files.flatMap(({ file, text }) => findOutsidePaths(file, text, outside));
    expect(found).toEqual([]);
  });
});
