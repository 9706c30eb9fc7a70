import { describe, it } from 'vitest';
import { openStore } from '../index.js';
import { makeTempDir, removeDir } from './temp-dir.js';
import { killRounds } from './version-kill-rounds.js';

describe('version history of a LevelDB store killed with SIGKILL while cutting and thinning', () => {
  it('every version is whole and every acknowledged one is there', { timeout: 120_000 }, async () => {
    const dir = await makeTempDir();
    try {
      await killRounds(5, ['leveldb', dir], () => openStore({ dir }));
    } finally {
      await removeDir(dir);
    }
  });
});
