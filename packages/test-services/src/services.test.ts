import { connect } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres, startRedis } from './index.js';

/** Sends one inline command and returns the first reply line. */
function redisCommand(url: string, command: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let reply = '';
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.split('\r\n')[0]!);
      }
    });
    socket.write(`${command}\r\n`);
  });
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('test services', () => {
  it('redis with an append-only file keeps its data across a restart and is gone after stop', async () => {
    const redis = await startRedis({ appendOnly: true });
    try {
      expect(await redisCommand(redis.url, 'SET greeting hello')).toBe('+OK');
      await redis.restart();
      expect(await redisCommand(redis.url, 'GET greeting')).toBe('$5');
    } finally {
      await redis.stop();
    }
    await expect(redisCommand(redis.url, 'PING')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('postgres serves a fresh database, keeps its data across a restart, and is gone after stop', async () => {
    const postgres = await startPostgres();
    try {
      expect(postgres.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+$/);
      await query(postgres.url, 'CREATE TABLE t (x int); INSERT INTO t VALUES (7)');
      await postgres.restart();
      expect(await query(postgres.url, 'SELECT x FROM t')).toEqual([{ x: 7 }]);
    } finally {
      await postgres.stop();
    }
    await expect(query(postgres.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('two servers of each kind run side by side', async () => {
    const servers = await Promise.all([startRedis(), startRedis(), startPostgres(), startPostgres()]);
    try {
      expect(new Set(servers.map((server) => server.url)).size).toBe(4);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
});

