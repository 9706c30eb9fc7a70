import { describe, it } from 'vitest';
import { useClusterServices } from '../test/cluster-services.js';
import { killRounds } from '../test/version-kill-rounds.js';

const services = useClusterServices();

describe('version history of a cluster store killed with SIGKILL while cutting and thinning', () => {
  it('every version is whole and every acknowledged one is there', { timeout: 120_000 }, async () => {
    await services.reset();
    const { redis, postgres } = services;
    await killRounds(3, ['cluster', redis.url, postgres.url], () => services.open());
  });
});
