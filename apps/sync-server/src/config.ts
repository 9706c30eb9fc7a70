import path from 'node:path';
import { z } from 'zod';

/** Start-up configuration, read once from the environment and validated; nothing else reads `process.env`. */
export interface Config {
  port: number;
  host: string;
  /** Absolute path of the directory holding the LevelDB store and the generated secret. */
  dataDir: string;
  /** From COLLAB_SECRET; when absent the server generates one and keeps it in `dataDir`. */
  secret: string | undefined;
  /** Base of the share links the API returns, without a trailing slash. */
  publicUrl: string;
  logLevel: LogLevel;
  /** Largest WebSocket message accepted; a larger one closes its connection with 4413. */
  maxMessageBytes: number;
  cluster: { redisUrl: string; databaseUrl: string } | undefined;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A configuration problem, worded as one line that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const MIB = 1024 * 1024;
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const schema = z.object({
  PORT: integer(0, 65535).default(1234),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  COLLAB_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_MESSAGE_BYTES: integer(1024, 1024 * MIB).default(16 * MIB),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
});

/**
 * Validates the environment. Empty strings count as unset, so `PORT= npm start` takes the default.
 * Throws a ConfigError naming the first bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`${name}=${JSON.stringify(present[name] ?? '')} is invalid: ${issue.message}`);
  }
  const vars = parsed.data;
  if (Boolean(vars.REDIS_URL) !== Boolean(vars.DATABASE_URL)) {
    const missing = vars.REDIS_URL ? 'DATABASE_URL' : 'REDIS_URL';
    throw new ConfigError(`${missing} is required: cluster mode needs both REDIS_URL and DATABASE_URL`);
  }
  const cluster = vars.REDIS_URL && vars.DATABASE_URL ? { redisUrl: vars.REDIS_URL, databaseUrl: vars.DATABASE_URL } : undefined;
  if (cluster && !vars.COLLAB_SECRET) {
    throw new ConfigError('COLLAB_SECRET is required in cluster mode: every instance must sign links with the same key');
  }
  return Object.freeze({
    port: vars.PORT,
    host: vars.HOST,
    dataDir: path.resolve(cwd, vars.DATA_DIR),
    secret: vars.COLLAB_SECRET,
    publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    logLevel: vars.LOG_LEVEL,
    maxMessageBytes: vars.MAX_MESSAGE_BYTES,
    cluster,
  });
}
