import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('takes the contract’s defaults from an empty environment', () => {
    expect(loadConfig({}, '/srv/app')).toEqual({
      port: 1234,
      host: '127.0.0.1',
      dataDir: '/srv/app/data',
      secret: undefined,
      publicUrl: 'http://localhost:1234',
      logLevel: 'info',
      maxMessageBytes: 16 * 1024 * 1024,
      cluster: undefined,
    });
  });

  it('reads every variable and treats empty strings as unset', () => {
    const config = loadConfig(
      { PORT: '8080', HOST: '0.0.0.0', DATA_DIR: '/var/lib/collab', PUBLIC_URL: 'https://docs.example.org/', LOG_LEVEL: '' },
      '/srv',
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: path.resolve('/var/lib/collab'),
      publicUrl: 'https://docs.example.org',
      logLevel: 'info',
    });
  });

  it.each([
    [{ PORT: '80a' }, 'PORT="80a" is invalid: must be a whole number'],
    [{ PORT: '70000' }, 'PORT="70000" is invalid: must be at most 65535'],
    [{ PUBLIC_URL: 'ftp://files' }, 'PUBLIC_URL="ftp://files" is invalid: must be an http:// or https:// URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" is invalid'],
    [{ COLLAB_SECRET: 'short' }, 'COLLAB_SECRET="short" is invalid: must be at least 32 characters long'],
    [{ MAX_MESSAGE_BYTES: '10' }, 'MAX_MESSAGE_BYTES="10" is invalid: must be at least 1024'],
    [{ DATABASE_URL: 'postgres://db/collab' }, 'REDIS_URL is required'],
    [{ REDIS_URL: 'redis://r', DATABASE_URL: 'postgres://db/collab' }, 'COLLAB_SECRET is required in cluster mode'],
  ])('refuses %o with a line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
