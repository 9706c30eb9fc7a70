/**
 * Entry point: `node dist/server.js`. Reads the configuration, starts the server and shuts it down
 * cleanly on SIGTERM/SIGINT. A bad configuration stops start-up with one line naming the variable.
 */
import { ConfigError, loadConfig } from './config.js';
import { collectGarbage } from './memory-reclaimer.js';
import { type Logger, createLogger } from './observability.js';
import { type RunningServer, startServer } from './start.js';

const SHUTDOWN_DEADLINE_MS = 14_000;
/** How long after start the garbage of starting is collected, if the server is idle then. */
const START_COLLECTION_DELAY_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, { logger });
  collectStartGarbageWhenIdle(server, logger);
  logger.info({ url: server.url, dataDir: config.dataDir, publicUrl: config.publicUrl }, 'sync server listening');
  console.log(`Collaborative editor running at ${server.url.replace('127.0.0.1', 'localhost')}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A process manager waits about 15 s before SIGKILL; give up slightly earlier and say so.
    setTimeout(() => {
      logger.error('shutdown took too long; exiting with writes possibly unfinished');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * Loading the modules and starting leaves garbage that an idle server would keep for its whole life: one full
 * collection frees it. Not at once: a restarted server's clients are all reconnecting then, and the pause
 * would hold up every one of them. Skipped if documents are open by then: the heap grows, and V8 collects it
 * on its own (and the memory reclaimer does when a crowd leaves).
 */
function collectStartGarbageWhenIdle(server: RunningServer, logger: Logger): void {
  setTimeout(() => {
    if (server.roomsLoaded() > 0) return;
    collectGarbage().catch((err: unknown) => logger.warn({ err }, 'start-up garbage collection failed'));
  }, START_COLLECTION_DELAY_MS).unref();
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`Configuration error: ${err.message}`);
  } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Cannot start: ${(err as Error).message}. Set PORT to a free port.`);
  } else {
    console.error('Cannot start:', err);
  }
  process.exit(1);
});
