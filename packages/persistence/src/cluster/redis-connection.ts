import { Redis } from 'ioredis';

export { REDIS_COMMAND_TIMEOUT_MS } from './redis-command-timeout.js';

/**
 * A Redis connection that fails fast: while Redis is unreachable a command rejects at once instead of waiting
 * in ioredis's offline queue, and commands in flight when the connection drops reject instead of being resent
 * after a reconnect. An append then fails within moments, the server closes the writer with 4503, and the
 * client resends later (appending a Yjs update twice is harmless). ioredis keeps reconnecting in the background.
 * Every Redis connection of cluster mode (the store's and the server's presence bus) is opened here, named
 * `name` in CLIENT LIST.
 */
export async function connectRedis(url: string, name: string, commandTimeout?: number): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    // Also bounds a command on a connection that died without closing (a vanished host, a half-open socket).
    commandTimeout,
    // Names only help an operator read CLIENT LIST, and may not contain spaces.
    connectionName: name.replace(/[^\w.:-]/g, '_'),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // A restarted Redis is back within about a second; keep retrying at that pace rather than backing off further.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // Connection errors are reported through `status` and failed commands; without a listener ioredis would log
  // each reconnect attempt.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return redis;
}
