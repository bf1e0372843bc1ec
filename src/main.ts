/**
 * `npm start`: loads configuration, starts (or connects to) the database and object store,
 * applies migrations and serves HTTP. With no configuration everything runs embedded under
 * DATA_DIR (.data by default).
 */
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { buildApp } from './http/app.ts';
import { handOverShutdownSignals } from './infra/embedded-postgres.ts';
import { startPlatform } from './runtime.ts';
import { describeStartFailure } from './support/start-failure.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

// Anything failing from here to listening is one line and exit 1 (a busy port, an unreachable
// database), never a stack trace; the admin key is minted only once the service listens.
const fail = (error: unknown): never => {
  console.error(`LaborSign could not start: ${describeStartFailure(error, { host: config.HOST, port: config.PORT, databaseUrl: config.DATABASE_URL, objectStore: config.MINIO_ENDPOINT })}`);
  process.exit(1);
};
const platform = await startPlatform(config).catch(fail);
const app = await buildApp(platform).catch(async (error: unknown) => {
  await platform.close();
  return fail(error);
});
// A signal during start waits for the start to finish: stopping the queue while its workers are
// being registered would make pg-boss throw instead of stopping cleanly.
let starting: Promise<unknown> = Promise.resolve();
const shutdown = async () => {
  await starting.catch(() => undefined);
  await app.close();
  await platform.close();
  process.exit(0);
};
// This process stops the embedded servers itself (platform.close), after the work in hand.
handOverShutdownSignals();
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
starting = (async () => {
  await app.listen({ host: config.HOST, port: config.PORT });
  const adminKey = await platform.bootstrapAdmin();
  if (adminKey) {
    // Shown once: only its hash is stored. Minted after listening, so a failed start never loses it.
    console.log(`\n  Administrator API key (shown once, keep it safe):\n  ${adminKey}\n`);
  }
  // Background work on the job queue: message delivery, the hourly lifecycle sweep and daily
  // supervision (schedules), and batch jobs BATCH_WORKERS at a time (0 leaves them to `npm run worker`).
  await platform.startWorkers();
})();
try {
  await starting;
} catch (error) {
  await app.close().catch(() => undefined);
  await platform.close();
  fail(error);
}
app.log.info({ embedded: platform.embedded, objectLock: platform.archive.objectLock, docs: `${config.PUBLIC_BASE_URL}/docs` }, 'LaborSign is ready');
