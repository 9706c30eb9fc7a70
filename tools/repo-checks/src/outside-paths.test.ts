import { describe, expect, it } from 'vitest';
import { findOutsidePaths, surroundings } from './outside-paths.js';

// Samples are assembled here, so that this file does not itself name a path outside the repository.
const up = (levels: number) => '../'.repeat(levels);
const HOME = '/home/example-user';
const OUTSIDE = surroundings(`${HOME}/src/editor`, HOME);

function found(file: string, text: string): string[] {
  return findOutsidePaths(file, text, OUTSIDE).map((hit) => `${hit.file}:${hit.line} ${hit.found}`);
}

describe('surroundings', () => {
  it('are the ancestors of the root up to a system directory, and the home directory', () => {
    expect(surroundings('/srv/ci/builds/editor', `${HOME}`)).toEqual(['/srv/ci/builds', '/srv/ci', HOME]);
    expect(OUTSIDE).toEqual([`${HOME}/src`, HOME]);
  });

  it('leave out system directories a checkout may sit in', () => {
    expect(surroundings('/tmp/clone', '/')).toEqual([]);
    expect(surroundings('/tmp/clone/editor', '/home')).toEqual(['/tmp/clone']);
  });
});

describe('findOutsidePaths', () => {
  it('finds a relative path that climbs above the root from the file that names it', () => {
    const sample = `const TRACES = new URL('${up(5)}outside/data/traces/', import.meta.url);`;
    expect(found('packages/persistence/src/test/trace.ts', sample)).toEqual([
      `packages/persistence/src/test/trace.ts:1 ${up(5)}outside/data/traces/`,
    ]);
    expect(found('bench/src/trace.ts', `x\nimport '${up(3)}shared/x.js';`)).toEqual([`bench/src/trace.ts:2 ${up(3)}shared/x.js`]);
    expect(found('package.json', '"test": "cd .. && npm test"')).toEqual(['package.json:1 ..']);
    expect(found('README.md', `See [the guide](${up(1)}shared/STYLE.md).`)).toEqual([`README.md:1 ${up(1)}shared/STYLE.md`]);
    expect(found('.ci/run', 'cd "$(dirname "$0")/../.."')).toEqual(['.ci/run:1 /../..']);
    expect(found('notes.md', 'apps/../../elsewhere')).toEqual(['notes.md:1 apps/../../elsewhere']);
  });

  it('accepts relative paths that stay inside the repository', () => {
    expect(found('packages/test-services/src/traces.ts', `new URL('${up(3)}data/traces/', import.meta.url)`)).toEqual([]);
    expect(found('bench/src/scenarios/cluster.ts', `from '${up(3)}packages/test-services/src/index.js'`)).toEqual([]);
    expect(found('apps/editor/tsconfig.json', `"extends": "${up(2)}tsconfig.base.json"`)).toEqual([]);
    expect(found('.ci/run', 'cd "$(dirname "$0")/.."')).toEqual([]);
    expect(found('docs/protocol.md', `[README](${up(1)}README.md)`)).toEqual([]);
  });

  it('finds an absolute path into the directories around the root', () => {
    expect(found('src/a.ts', `const dir = '${HOME}/outside/data';`)).toEqual([`src/a.ts:1 ${HOME}/outside/data`]);
    expect(found('src/b.ts', `load('file://${HOME}/src/notes.txt')`)).toEqual([`src/b.ts:1 //${HOME}/src/notes.txt`]);
  });

  it('has no false positives on prose, system paths and URLs', () => {
    const prose = [
      'The shared document, shared by everyone… and so on...',
      'const copy = [...items]; for (let i = 1; i < 3; i++) {} // 1..3, a..b',
      "spawn('/usr/bin/chromium'); const dir = '/tmp/x'; DATA_DIR=/data; WORKDIR /app",
      `fetch('https://example.org${HOME}/x'); const other = '${HOME}-old/x';`,
      'GET /api/docs/:id/export; ws://localhost:1234/collab/:id',
    ].join('\n');
    expect(found('apps/sync-server/src/x.ts', prose)).toEqual([]);
  });
});
