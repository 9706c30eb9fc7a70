import path from 'node:path';
import type { Durability, ThinningPolicy } from '@collab/persistence';
import * as z from 'zod';

/** Start-up configuration, read once from the environment and validated; nothing else reads `process.env`. */
export interface Config {
  port: number;
  host: string;
  /** Absolute path of the directory holding the LevelDB store and the generated secret. */
  dataDir: string;
  /** `fsync`: an update is on the disk before it is relayed (survives a power cut); `os`: handed to the OS only. */
  durability: Durability;
  /** From COLLAB_SECRET; when absent the server generates one and keeps it in `dataDir`. */
  secret: string | undefined;
  /** From COLLAB_PREVIOUS_SECRETS: keys whose links are still accepted during a key rotation, never used to sign. */
  previousSecrets: string[];
  /** Base of the share links the API returns, without a trailing slash. */
  publicUrl: string;
  /** Browser origins allowed to open sockets and create documents; empty: any. */
  allowedOrigins: string[];
  /**
   * How many reverse proxies are in front, each appending to X-Forwarded-For the address it received the
   * request from. The client address is the entry the outermost of them wrote; 0: the socket's peer.
   */
  trustedProxies: number;
  logLevel: LogLevel;
  limits: Limits;
  history: HistoryConfig;
  access: Access;
  cluster: { redisUrl: string; databaseUrl: string } | undefined;
}

/** When versions of a document are cut automatically, and which of them thinning keeps. */
export interface HistoryConfig {
  /** At most one automatic version per this many milliseconds of editing (HISTORY_INTERVAL_S). */
  intervalMs: number;
  /** Every version younger than HISTORY_KEEP_ALL_HOURS, then one per hour until HISTORY_HOURLY_DAYS, then one per day. */
  thinning: ThinningPolicy;
}

/** What one client may cost the server. Past each limit the client gets a close code or a 4xx, never a crash. */
export interface Limits {
  /** Largest WebSocket message accepted; a larger one closes its connection with 4413. */
  maxMessageBytes: number;
  /** Largest awareness update (one user's presence); a larger one closes with 4413. */
  maxAwarenessBytes: number;
  /** Bytes waiting to be sent to one connection; a client that stops reading past this is dropped (4503). */
  maxBufferedBytes: number;
  /** Sustained messages per second per connection (bursts of twice that); faster closes with 4503. */
  messagesPerSecond: number;
  /** Sustained bytes per second per connection (bursts of twice that, at least one maximal message). */
  bytesPerSecond: number;
  /** Open sockets per process and per document; past them new sockets close with 4503. */
  maxConnections: number;
  maxConnectionsPerDocument: number;
  /** Documents one client address may create per minute (`POST /api/docs`), then 429. */
  docsPerMinute: number;
  /** Largest uploaded file (`POST /api/docs/:id/files`); a larger one gets 413. */
  maxFileBytes: number;
  /** Files one client address may upload per minute (bursts of as many), then 429. */
  filesPerMinute: number;
  /** Open sockets per client address; past it new sockets close with 4503. */
  maxConnectionsPerAddress: number;
  /** A document's size as stored (Yjs's encoding); an edit that would make it larger closes with 4413. */
  maxDocBytes: number;
  /** Yjs items (structs) a document may hold in memory; an edit past it closes with 4413. */
  maxDocItems: number;
  /**
   * Work integrating one update may take, in Yjs items created, split, walked past or deleted: how long one
   * update may hold the event loop every document shares. A larger update closes with 4413.
   */
  maxUpdateWork: number;
  /** Presence states (client ids) one connection may show; a stock client shows one. Past it: 4413. */
  maxPresenceClients: number;
  /** Presence bytes (JSON) of everyone on one document together; a state that would pass it closes with 4413. */
  maxDocPresenceBytes: number;
  /** Deepest nesting of arrays and objects in a presence state; deeper closes with 4400. */
  maxAwarenessDepth: number;
  /** Bytes of updates one connection may send before its answer to the server's sync step 1; past it: 4413. */
  maxHeldBytes: number;
  /** Exports rendered at once by the whole process; more get 503 with Retry-After. */
  maxConcurrentExports: number;
  /** Sync requests (sync step 1) per minute per connection, in bursts of a tenth of as many (at least 10); past it: 4429. */
  syncRequestsPerMinute: number;
  /** How long a client id stays reserved for its connection's user after the connection closed. */
  clientIdGraceMs: number;
}

/** Who may create documents and read metrics. */
export interface Access {
  /** Anyone may `POST /api/docs` (true), or only holders of `createToken`. */
  allowAnonymousCreate: boolean;
  createToken: string | undefined;
  /** Required as a Bearer token by `GET /metrics` when set. */
  metricsToken: string | undefined;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A configuration problem, worded as one line that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const KIB = 1024;
const MIB = 1024 * KIB;
const integer = (min: number, max: number, message?: string) =>
  z
    .string()
    .regex(/^\d+$/, message ?? 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, message ?? `must be at least ${min}`).max(max, message ?? `must be at most ${max}`));
const list = (item: z.ZodString) =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(item));

const secret = z.string().min(32, 'must be at least 32 characters long');
/** A shared secret an operator hands out (documents creation, metrics): long enough not to be guessed. */
const token = z.string().min(16, 'must be at least 16 characters long');
const boolean = z.enum(['true', 'false', '1', '0'], 'must be true or false');
const isTrue = (value: string) => value === 'true' || value === '1';
const schema = z.object({
  PORT: integer(0, 65535).default(1234),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  DURABILITY: z.enum(['fsync', 'os'], 'must be fsync or os').default('fsync'),
  COLLAB_SECRET: secret.optional(),
  COLLAB_PREVIOUS_SECRETS: list(secret).default([]),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  ALLOWED_ORIGINS: list(
    z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be origins like https://docs.example.org, without a path'),
  ).default([]),
  TRUST_PROXY: z
    .string()
    .transform((v) => (v === 'true' ? '1' : v === 'false' ? '0' : v))
    .pipe(integer(0, 32, 'must be true, false, or the number of proxies in front (at most 32)'))
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_MESSAGE_BYTES: integer(KIB, 1024 * MIB).default(16 * MIB),
  MAX_AWARENESS_BYTES: integer(KIB, 16 * MIB).default(64 * KIB),
  MAX_BUFFERED_BYTES: integer(64 * KIB, 1024 * MIB).default(16 * MIB),
  MESSAGE_RATE_LIMIT: integer(1, 1_000_000).default(2_000),
  BYTE_RATE_LIMIT: integer(KIB, 1024 * MIB).default(16 * MIB),
  MAX_CONNECTIONS: integer(1, 1_000_000).default(20_000),
  MAX_CONNECTIONS_PER_DOC: integer(1, 1_000_000).default(1_000),
  DOCS_RATE_LIMIT: integer(1, 1_000_000).default(60),
  MAX_FILE_BYTES: integer(KIB, 1024 * MIB).default(10 * MIB),
  FILES_RATE_LIMIT: integer(1, 1_000_000).default(60),
  HISTORY_INTERVAL_S: integer(1, 7 * 24 * 3600).default(300),
  HISTORY_KEEP_ALL_HOURS: integer(0, 24 * 3650).default(24),
  HISTORY_HOURLY_DAYS: integer(0, 3650).default(30),
  MAX_CONNECTIONS_PER_ADDRESS: integer(1, 1_000_000).default(1_000),
  MAX_DOC_BYTES: integer(64 * KIB, 16 * 1024 * MIB).default(16 * MIB),
  MAX_DOC_ITEMS: integer(1_000, 100_000_000).default(250_000),
  MAX_UPDATE_WORK: integer(1_000, 100_000_000).default(150_000),
  MAX_PRESENCE_CLIENTS: integer(1, 1_000).default(4),
  MAX_DOC_PRESENCE_BYTES: integer(KIB, 1024 * MIB).default(4 * MIB),
  MAX_AWARENESS_DEPTH: integer(2, 1_000).default(16),
  MAX_HELD_BYTES: integer(KIB, 1024 * MIB).default(16 * MIB),
  MAX_CONCURRENT_EXPORTS: integer(1, 1_000).default(2),
  SYNC_RATE_LIMIT: integer(1, 1_000_000).default(600),
  CLIENT_ID_GRACE_S: integer(0, 86_400).default(60),
  ALLOW_ANONYMOUS_CREATE: boolean.default('true').transform(isTrue),
  CREATE_TOKEN: token.optional(),
  METRICS_TOKEN: token.optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
});

/** Variables whose values are keys or tokens: an error names them and never shows the value. */
const SECRETS = new Set(['COLLAB_SECRET', 'COLLAB_PREVIOUS_SECRETS', 'CREATE_TOKEN', 'METRICS_TOKEN']);
/** Variables holding URLs, which may carry a password (in the user part, or as a query parameter). */
const URLS = new Set(['REDIS_URL', 'DATABASE_URL', 'PUBLIC_URL']);

/**
 * How an error shows a variable: `NAME="value"`, except that a key is named only, and a URL is shown
 * without its password and query, or not at all if it does not parse (a secret may be anywhere in it).
 * Error lines end up in terminals, CI logs and support requests.
 */
function shown(name: string, value: string): string {
  if (SECRETS.has(name)) return name;
  if (!URLS.has(name)) return `${name}=${JSON.stringify(value)}`;
  if (!URL.canParse(value)) return `${name} (not shown: it may hold a password)`;
  const url = new URL(value);
  if (!url.password && !url.search) return `${name}=${JSON.stringify(value)}`;
  if (url.password) url.password = '***';
  url.search = '';
  return `${name}=${JSON.stringify(url.href)}`;
}

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
    const entry = typeof issue.path[1] === 'number' ? ` (entry ${issue.path[1] + 1})` : '';
    throw new ConfigError(`${shown(name, present[name] ?? '')}${entry} is invalid: ${issue.message}`);
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
  if (!vars.ALLOW_ANONYMOUS_CREATE && !vars.CREATE_TOKEN) {
    throw new ConfigError('CREATE_TOKEN is required when ALLOW_ANONYMOUS_CREATE is false: nobody could create documents');
  }
  if (vars.ALLOW_ANONYMOUS_CREATE && vars.CREATE_TOKEN) {
    throw new ConfigError('CREATE_TOKEN has no effect while ALLOW_ANONYMOUS_CREATE is true: set ALLOW_ANONYMOUS_CREATE=false');
  }
  if (vars.COLLAB_PREVIOUS_SECRETS.length > 0 && !vars.COLLAB_SECRET) {
    throw new ConfigError('COLLAB_SECRET is required with COLLAB_PREVIOUS_SECRETS: it is the key that signs new links');
  }
  return Object.freeze({
    port: vars.PORT,
    host: vars.HOST,
    dataDir: path.resolve(cwd, vars.DATA_DIR),
    durability: vars.DURABILITY,
    secret: vars.COLLAB_SECRET,
    previousSecrets: vars.COLLAB_PREVIOUS_SECRETS,
    publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    allowedOrigins: vars.ALLOWED_ORIGINS,
    trustedProxies: vars.TRUST_PROXY ?? 0,
    logLevel: vars.LOG_LEVEL,
    limits: Object.freeze({
      maxMessageBytes: vars.MAX_MESSAGE_BYTES,
      maxAwarenessBytes: vars.MAX_AWARENESS_BYTES,
      maxBufferedBytes: vars.MAX_BUFFERED_BYTES,
      messagesPerSecond: vars.MESSAGE_RATE_LIMIT,
      bytesPerSecond: vars.BYTE_RATE_LIMIT,
      maxConnections: vars.MAX_CONNECTIONS,
      maxConnectionsPerDocument: vars.MAX_CONNECTIONS_PER_DOC,
      docsPerMinute: vars.DOCS_RATE_LIMIT,
      maxFileBytes: vars.MAX_FILE_BYTES,
      filesPerMinute: vars.FILES_RATE_LIMIT,
      maxConnectionsPerAddress: vars.MAX_CONNECTIONS_PER_ADDRESS,
      maxDocBytes: vars.MAX_DOC_BYTES,
      maxDocItems: vars.MAX_DOC_ITEMS,
      maxUpdateWork: vars.MAX_UPDATE_WORK,
      maxPresenceClients: vars.MAX_PRESENCE_CLIENTS,
      maxDocPresenceBytes: vars.MAX_DOC_PRESENCE_BYTES,
      maxAwarenessDepth: vars.MAX_AWARENESS_DEPTH,
      maxHeldBytes: vars.MAX_HELD_BYTES,
      maxConcurrentExports: vars.MAX_CONCURRENT_EXPORTS,
      syncRequestsPerMinute: vars.SYNC_RATE_LIMIT,
      clientIdGraceMs: vars.CLIENT_ID_GRACE_S * 1000,
    }),
    access: Object.freeze({
      allowAnonymousCreate: vars.ALLOW_ANONYMOUS_CREATE,
      createToken: vars.CREATE_TOKEN,
      metricsToken: vars.METRICS_TOKEN,
    }),
    history: Object.freeze({
      intervalMs: vars.HISTORY_INTERVAL_S * 1000,
      thinning: thinningPolicy(vars.HISTORY_KEEP_ALL_HOURS, vars.HISTORY_HOURLY_DAYS),
    }),
    cluster,
  });
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The thinning policy of the README: all versions, then hourly ones (none if that span ends first), then daily. */
function thinningPolicy(keepAllHours: number, hourlyDays: number): ThinningPolicy {
  const keepAllMs = keepAllHours * HOUR_MS;
  const hourlyUntil = hourlyDays * DAY_MS;
  const hourly = hourlyUntil > keepAllMs ? [{ untilMs: hourlyUntil, everyMs: HOUR_MS }] : [];
  return { keepAllMs, tiers: [...hourly, { untilMs: Infinity, everyMs: DAY_MS }] };
}
