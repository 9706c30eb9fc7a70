export { startPostgres } from './postgres.js';
export { freePort } from './server-process.js';
export { startRedis } from './redis.js';
export type { RedisOptions } from './redis.js';
export type { TestService } from './test-service.js';
export { loadTrace } from './traces.js';
export type { Trace, TraceName } from './traces.js';
