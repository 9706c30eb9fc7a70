export { startPostgres } from './postgres.js';
export { startRedis } from './redis.js';
export type { RedisOptions } from './redis.js';
export { freePort, startProcess, stopProcess, waitUntilReady } from './server-process.js';
export type { ServerProcess } from './server-process.js';
export type { TestService } from './test-service.js';
export { loadTrace } from './traces.js';
export type { Trace, TraceName } from './traces.js';
export { waitFor } from './wait-for.js';
