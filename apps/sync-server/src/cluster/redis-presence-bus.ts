import { randomUUID } from 'node:crypto';
import { REDIS_COMMAND_TIMEOUT_MS, connectRedis } from '@collab/persistence';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { ClusterPresence, PresenceBus } from '../collab/presence-bus.js';
import type { Logger } from '../observability.js';

/**
 * Presence between the processes of a cluster, over Redis pub/sub.
 *
 * Each loaded document has a channel; a process publishes the awareness changes of its own peers there, and
 * asks for everyone's states when it loads the document. Every process also announces on a shared channel
 * that it is alive; one that stops (SIGKILL, network) is declared gone after `goneAfterMs`, and its peers'
 * states are removed everywhere. Pub/sub may drop messages: clients renew their state every 15 s anyway.
 */
export interface RedisPresenceBus extends PresenceBus {
  readonly processId: string;
  /** Says goodbye (others drop this process's users at once) and disconnects. */
  close(): Promise<void>;
}

export interface RedisPresenceBusOptions {
  redisUrl: string;
  logger: Logger;
  processId?: string;
  /** How often this process says it is alive. */
  heartbeatMs?: number;
  /** Silence after which another process counts as gone. */
  goneAfterMs?: number;
}

const PROCESSES_CHANNEL = 'collab:processes';
const documentChannel = (docId: string) => `collab:presence:{${docId}}`;
const docIdOfChannel = (channel: string) => channel.slice('collab:presence:{'.length, -1);

const Kind = { Awareness: 0, Query: 1, Alive: 2, Bye: 3 } as const;

function encodeMessage(kind: number, processId: string, payload?: Uint8Array): Buffer {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kind);
  encoding.writeVarString(encoder, processId);
  if (payload) encoding.writeVarUint8Array(encoder, payload);
  return Buffer.from(encoding.toUint8Array(encoder));
}

export async function createRedisPresenceBus({
  redisUrl,
  logger,
  processId = randomUUID(),
  heartbeatMs = 2_000,
  goneAfterMs = 6_000,
}: RedisPresenceBusOptions): Promise<RedisPresenceBus> {
  // Opened like the store's connections: failing fast while Redis is away (publishing is fire-and-forget, and
  // presence is simply not shared meanwhile), reconnecting in the background.
  const publisher = await connectRedis(redisUrl, `collab-presence-pub:${processId}`, REDIS_COMMAND_TIMEOUT_MS);
  let subscriber: typeof publisher;
  try {
    subscriber = await connectRedis(redisUrl, `collab-presence-sub:${processId}`, REDIS_COMMAND_TIMEOUT_MS);
  } catch (err) {
    publisher.disconnect();
    throw err;
  }

  const rooms = new Map<string, ClusterPresence>();
  /** Other processes, with when they were last heard from. */
  const lastHeard = new Map<string, number>();

  const publish = (channel: string, message: Buffer) => {
    if (publisher.status !== 'ready') return;
    publisher.publish(channel, message).catch((err: unknown) => logger.debug({ err }, 'presence bus: publish failed'));
  };

  const forget = (gone: string) => {
    if (!lastHeard.delete(gone)) return;
    logger.info({ processId: gone }, 'another server process is gone; removing its users from presence');
    for (const room of rooms.values()) room.removeRemoteProcess(gone);
  };

  subscriber.on('messageBuffer', (channelBuffer: Buffer, message: Buffer) => {
    const channel = channelBuffer.toString();
    try {
      const decoder = decoding.createDecoder(message);
      const kind = decoding.readVarUint(decoder);
      const sender = decoding.readVarString(decoder);
      if (sender === processId) return;
      if (kind === Kind.Bye) return forget(sender);
      lastHeard.set(sender, Date.now());
      if (channel === PROCESSES_CHANNEL) return;
      const docId = docIdOfChannel(channel);
      const room = rooms.get(docId);
      if (!room) return;
      if (kind === Kind.Awareness) room.receiveRemoteAwareness(sender, decoding.readVarUint8Array(decoder));
      else if (kind === Kind.Query) {
        const states = room.localAwareness();
        if (states) publish(channel, encodeMessage(Kind.Awareness, processId, states));
      }
    } catch (err) {
      logger.warn({ err, channel }, 'presence bus: ignoring an unreadable message');
    }
  });
  await subscriber.subscribe(PROCESSES_CHANNEL);

  const subscribe = (docId: string) => {
    const channel = documentChannel(docId);
    subscriber
      .subscribe(channel)
      .then(() => publish(channel, encodeMessage(Kind.Query, processId)))
      .catch((err: unknown) => logger.warn({ err, docId }, 'presence bus: subscribe failed'));
  };
  // A subscription refused while Redis was away is not one ioredis renews when it reconnects: subscribe
  // again to every loaded document (subscribing twice is harmless), and ask for the states missed meanwhile.
  subscriber.on('ready', () => {
    subscriber.subscribe(PROCESSES_CHANNEL).catch((err: unknown) => logger.warn({ err }, 'presence bus: subscribe failed'));
    for (const docId of rooms.keys()) subscribe(docId);
  });

  const heartbeat = setInterval(() => {
    publish(PROCESSES_CHANNEL, encodeMessage(Kind.Alive, processId));
    const silentSince = Date.now() - goneAfterMs;
    for (const [other, heardAt] of lastHeard) if (heardAt < silentSince) forget(other);
  }, heartbeatMs);
  heartbeat.unref();

  return {
    processId,
    attach(docId, room) {
      rooms.set(docId, room);
      subscribe(docId);
      return () => {
        if (rooms.get(docId) !== room) return;
        rooms.delete(docId);
        subscriber.unsubscribe(documentChannel(docId)).catch(() => undefined);
      };
    },
    publish(docId, update) {
      if (rooms.has(docId)) publish(documentChannel(docId), encodeMessage(Kind.Awareness, processId, update));
    },
    async close() {
      clearInterval(heartbeat);
      if (publisher.status === 'ready') {
        await publisher.publish(PROCESSES_CHANNEL, encodeMessage(Kind.Bye, processId)).catch(() => undefined);
      }
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
