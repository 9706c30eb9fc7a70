/**
 * hostile: the attacks of issue 12, each against a fresh server with `npm start`'s limits, while a control
 * pair of clients on another document measures what everyone else sees (bench/src/hostile/harness.ts).
 * Our server only: the attacks use its share links. `BENCH_OURS_ENTRY` points the bench at another build of
 * it (the figures before the fix were measured that way).
 */
import { amplificationAttack, deleteSetAttack, diskAttack, heldUpdatesAttack, hijackAttack, missingOriginAttack, stateVectorAttack } from '../hostile/document-attacks.js';
import { type Attack, measureAttack } from '../hostile/harness.js';
import { deepPresenceAttack, exportAttack, presenceFloodAttack, viewUpdateAttack } from '../hostile/presence-attacks.js';
import { ServerProcess } from '../servers.js';
import type { Scenario } from './types.js';

/** `npm start`'s limits: the bench raises some for its other scenarios. */
const DEFAULT_LIMITS = { DOCS_RATE_LIMIT: '60', MESSAGE_RATE_LIMIT: '2000', MAX_CONNECTIONS_PER_ADDRESS: '1000' };

export function hostile(quick: boolean): Scenario[] {
  const attacks: Attack<never>[] = [
    deleteSetAttack('descending', quick ? 30_000 : 115_000),
    deleteSetAttack('ascending', quick ? 30_000 : 115_000),
    amplificationAttack(quick ? 2 : 16),
    presenceFloodAttack(quick ? 1 : 2),
    deepPresenceAttack(),
    stateVectorAttack(quick ? 50_000 : 200_000),
    viewUpdateAttack(quick ? 1 : 3),
    exportAttack(4, quick ? 0.5 : 2),
    heldUpdatesAttack(quick ? 3 : 10),
    diskAttack(quick ? 3 : 11),
    missingOriginAttack(),
    hijackAttack(),
  ] as Attack<never>[];
  return attacks.map((attack) => ({
    group: 'hostile',
    name: `hostile ${attack.name}`,
    servers: ['ours'],
    async run(name, ctx) {
      const server = new ServerProcess(name, ctx.workDir, { ...DEFAULT_LIMITS, ...attack.env });
      await server.start();
      try {
        return await measureAttack(server, attack);
      } finally {
        await server.stop();
      }
    },
  }));
}
