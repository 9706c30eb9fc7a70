/**
 * How long a command may wait for Redis's answer on a connection that makes no blocking reads: an append
 * that Redis has not acknowledged by then fails (and is resent by its client). Apart from the connection
 * code so that naming it does not load the Redis client.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 5_000;
