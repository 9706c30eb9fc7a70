/**
 * Entry point: `node dist/server.js`. Reads the configuration, starts the server and shuts it down
 * cleanly on SIGTERM/SIGINT. A bad configuration stops start-up with one line naming the variable.
 */
import { ConfigError, loadConfig } from './config.js';
import { collectGarbage } from './memory-reclaimer.js';
import { createLogger } from './observability.js';
import { startServer } from './start.js';

const SHUTDOWN_DEADLINE_MS = 14_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, { logger });
  // Loading the modules and starting leaves garbage that an idle server would keep for its whole life: one
  // full collection now frees it, at the cost of a single pause before any client is served.
  await collectGarbage();
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
