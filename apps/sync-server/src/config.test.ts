import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('takes the contract’s defaults from an empty environment', () => {
    expect(loadConfig({}, '/srv/app')).toEqual({
      port: 1234,
      host: '127.0.0.1',
      dataDir: '/srv/app/data',
      durability: 'fsync',
      secret: undefined,
      previousSecrets: [],
      publicUrl: 'http://localhost:1234',
      allowedOrigins: [],
      trustedProxies: 0,
      logLevel: 'info',
      limits: {
        maxMessageBytes: 16 * 1024 * 1024,
        maxAwarenessBytes: 64 * 1024,
        maxBufferedBytes: 16 * 1024 * 1024,
        messagesPerSecond: 2_000,
        bytesPerSecond: 16 * 1024 * 1024,
        maxConnections: 20_000,
        maxConnectionsPerDocument: 1_000,
        docsPerMinute: 60,
        maxFileBytes: 10 * 1024 * 1024,
        filesPerMinute: 60,
        maxConnectionsPerAddress: 1_000,
        maxDocBytes: 16 * 1024 * 1024,
        maxDocItems: 250_000,
        maxUpdateWork: 150_000,
        maxPresenceClients: 4,
        maxDocPresenceBytes: 4 * 1024 * 1024,
        maxAwarenessDepth: 16,
        maxHeldBytes: 16 * 1024 * 1024,
        maxConcurrentExports: 2,
        syncRequestsPerMinute: 600,
        clientIdGraceMs: 60_000,
      },
      history: {
        intervalMs: 300_000,
        thinning: {
          keepAllMs: 24 * 3_600_000,
          tiers: [
            { untilMs: 30 * 24 * 3_600_000, everyMs: 3_600_000 },
            { untilMs: Infinity, everyMs: 24 * 3_600_000 },
          ],
        },
      },
      access: { allowAnonymousCreate: true, createToken: undefined, metricsToken: undefined },
      cluster: undefined,
    });
  });

  it('builds the thinning policy from HISTORY_KEEP_ALL_HOURS and HISTORY_HOURLY_DAYS', () => {
    const { history } = loadConfig({ HISTORY_INTERVAL_S: '2', HISTORY_KEEP_ALL_HOURS: '48', HISTORY_HOURLY_DAYS: '7' });
    expect(history).toEqual({
      intervalMs: 2_000,
      thinning: {
        keepAllMs: 48 * 3_600_000,
        tiers: [
          { untilMs: 7 * 24 * 3_600_000, everyMs: 3_600_000 },
          { untilMs: Infinity, everyMs: 24 * 3_600_000 },
        ],
      },
    });
    // Hourly versions for less time than every version is kept: straight to daily ones.
    expect(loadConfig({ HISTORY_HOURLY_DAYS: '1' }).history.thinning.tiers).toEqual([{ untilMs: Infinity, everyMs: 24 * 3_600_000 }]);
  });

  it('reads every variable and treats empty strings as unset', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATA_DIR: '/var/lib/collab',
        PUBLIC_URL: 'https://docs.example.org/',
        LOG_LEVEL: '',
        ALLOWED_ORIGINS: 'https://docs.example.org, https://intranet.example.org',
        TRUST_PROXY: 'true',
        MAX_FILE_BYTES: '2048',
        FILES_RATE_LIMIT: '5',
        DURABILITY: 'os',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: path.resolve('/var/lib/collab'),
      publicUrl: 'https://docs.example.org',
      logLevel: 'info',
      allowedOrigins: ['https://docs.example.org', 'https://intranet.example.org'],
      trustedProxies: 1,
      limits: expect.objectContaining({ maxFileBytes: 2048, filesPerMinute: 5 }),
      durability: 'os',
    });
  });

  it.each([
    [{ PORT: '80a' }, 'PORT="80a" is invalid: must be a whole number'],
    [{ PORT: '70000' }, 'PORT="70000" is invalid: must be at most 65535'],
    [{ PUBLIC_URL: 'ftp://files' }, 'PUBLIC_URL="ftp://files" is invalid: must be an http:// or https:// URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" is invalid'],
    [{ COLLAB_SECRET: 'short' }, 'COLLAB_SECRET is invalid: must be at least 32 characters long'],
    [{ MAX_MESSAGE_BYTES: '10' }, 'MAX_MESSAGE_BYTES="10" is invalid: must be at least 1024'],
    [{ ALLOWED_ORIGINS: 'https://ok.org,https://bad.org/path' }, 'ALLOWED_ORIGINS="https://ok.org,https://bad.org/path" (entry 2) is invalid'],
    [{ MAX_FILE_BYTES: '10MB' }, 'MAX_FILE_BYTES="10MB" is invalid: must be a whole number'],
    [{ FILES_RATE_LIMIT: '0' }, 'FILES_RATE_LIMIT="0" is invalid: must be at least 1'],
    [{ HISTORY_INTERVAL_S: '0' }, 'HISTORY_INTERVAL_S="0" is invalid: must be at least 1'],
    [{ HISTORY_HOURLY_DAYS: 'many' }, 'HISTORY_HOURLY_DAYS="many" is invalid: must be a whole number'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY="yes" is invalid: must be true, false, or the number of proxies in front'],
    [{ TRUST_PROXY: '33' }, 'TRUST_PROXY="33" is invalid: must be true, false, or the number of proxies in front'],
    [{ DURABILITY: 'none' }, 'DURABILITY="none" is invalid: must be fsync or os'],
    [{ COLLAB_PREVIOUS_SECRETS: 'x'.repeat(40) }, 'COLLAB_SECRET is required with COLLAB_PREVIOUS_SECRETS'],
    [{ DATABASE_URL: 'postgres://db/collab' }, 'REDIS_URL is required'],
    [{ REDIS_URL: 'redis://r', DATABASE_URL: 'postgres://db/collab' }, 'COLLAB_SECRET is required in cluster mode'],
    [{ MAX_DOC_ITEMS: '10' }, 'MAX_DOC_ITEMS="10" is invalid: must be at least 1000'],
    [{ ALLOW_ANONYMOUS_CREATE: 'false' }, 'CREATE_TOKEN is required when ALLOW_ANONYMOUS_CREATE is false'],
    [{ CREATE_TOKEN: 'a-long-enough-create-token' }, 'CREATE_TOKEN has no effect while ALLOW_ANONYMOUS_CREATE is true'],
    [{ ALLOW_ANONYMOUS_CREATE: 'false', CREATE_TOKEN: 'short' }, 'CREATE_TOKEN is invalid: must be at least 16 characters long'],
    [{ METRICS_TOKEN: 'tiny' }, 'METRICS_TOKEN is invalid'],
  ])('refuses %o with a line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['false', 0],
    ['0', 0],
    ['true', 1],
    ['1', 1],
    ['2', 2],
  ])('reads TRUST_PROXY=%s as %i trusted proxies', (value, proxies) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustedProxies).toBe(proxies);
  });

  const SECRET = 'hunter2-hunter2-but-too-short';
  it.each([
    [{ COLLAB_SECRET: SECRET }, 'COLLAB_SECRET is invalid: must be at least 32 characters long'],
    [
      { COLLAB_SECRET: 'k'.repeat(40), COLLAB_PREVIOUS_SECRETS: `${'o'.repeat(40)},${SECRET}` },
      'COLLAB_PREVIOUS_SECRETS (entry 2) is invalid: must be at least 32 characters long',
    ],
    [{ REDIS_URL: `http://collab:${SECRET}@redis:6379` }, 'REDIS_URL="http://collab:***@redis:6379/" is invalid'],
    [{ DATABASE_URL: `mysql://collab:${SECRET}@db/collab?sslpassword=${SECRET}` }, 'DATABASE_URL="mysql://collab:***@db/collab" is invalid'],
    [{ DATABASE_URL: `postgres://collab:${SECRET}@[db/collab` }, 'DATABASE_URL (not shown: it may hold a password) is invalid'],
  ])('never shows a secret: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
    expect(() => loadConfig(env)).not.toThrow(SECRET);
  });

  it('never shows a token in an error', () => {
    expect(() => loadConfig({ ALLOW_ANONYMOUS_CREATE: 'false', CREATE_TOKEN: 'short' })).not.toThrow(/short/);
    expect(() => loadConfig({ METRICS_TOKEN: 'tiny' })).not.toThrow(/tiny/);
  });

  it('reads the budgets and the access tokens', () => {
    const config = loadConfig({
      MAX_DOC_BYTES: '1048576',
      MAX_DOC_ITEMS: '5000',
      CLIENT_ID_GRACE_S: '30',
      ALLOW_ANONYMOUS_CREATE: 'false',
      CREATE_TOKEN: 'create-token-of-16+',
      METRICS_TOKEN: 'metrics-token-of-16+',
    });
    expect(config.limits).toMatchObject({ maxDocBytes: 1_048_576, maxDocItems: 5_000, clientIdGraceMs: 30_000 });
    expect(config.access).toEqual({ allowAnonymousCreate: false, createToken: 'create-token-of-16+', metricsToken: 'metrics-token-of-16+' });
  });
});
