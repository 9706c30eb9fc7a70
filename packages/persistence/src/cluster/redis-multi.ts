import type { ChainableCommander } from 'ioredis';

/** Runs a MULTI; resolves with each command's reply, or rejects with the first command's error. */
export async function execOrThrow(multi: ChainableCommander): Promise<unknown[]> {
  const replies = await multi.exec();
  if (replies === null) throw new Error('the Redis transaction was aborted');
  return replies.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
