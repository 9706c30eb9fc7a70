import { Redis } from 'ioredis';
import type { AccessBus, AccessBusListener } from '../access/access-bus.js';
import type { Logger } from '../observability.js';

/** One channel for every document: a message is `<processId> <docId>`, and changes are rare. */
const CHANNEL = 'collab:access';

/**
 * Access changes between the processes of a cluster, over Redis pub/sub. Pub/sub does not keep messages for a
 * subscriber that is disconnected, so each reconnection of the subscriber is reported as a gap, after which the
 * process reads every access state it caches again. Publishing queues while Redis is away.
 */
export async function createRedisAccessBus({
  redisUrl,
  logger,
  processId,
}: {
  redisUrl: string;
  logger: Logger;
  processId: string;
}): Promise<AccessBus> {
  const publisher = new Redis(redisUrl, { lazyConnect: true });
  const subscriber = new Redis(redisUrl, { lazyConnect: true });
  for (const [name, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    client.on('error', (err: unknown) => logger.debug({ err, connection: name }, 'access bus: redis error'));
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(CHANNEL);

  let listener: AccessBusListener | null = null;
  subscriber.on('message', (_channel: string, message: string) => {
    const [sender, docId] = message.split(' ');
    if (sender !== processId && docId) listener?.onChange(docId);
  });
  // 'ready' after the first connection: ioredis has reconnected, and messages published meanwhile are lost. The
  // gap is reported once the subscription is certainly in place again, so that no change falls between the two.
  subscriber.on('ready', () => {
    subscriber.subscribe(CHANNEL).then(
      () => listener?.onGap(),
      (err: unknown) => logger.warn({ err }, 'access bus: could not subscribe again'),
    );
  });

  return {
    publish(docId) {
      publisher
        .publish(CHANNEL, `${processId} ${docId}`)
        .catch((err: unknown) => logger.error({ err, docId }, 'access bus: could not tell the other processes of a change'));
    },
    listen(next) {
      listener = next;
    },
    async close() {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
