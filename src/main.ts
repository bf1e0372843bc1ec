/**
 * `npm start`: loads configuration, starts (or connects to) the database and object store,
 * applies migrations and serves HTTP. With no configuration everything runs embedded under
 * DATA_DIR (.data by default).
 */
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { buildApp } from './http/app.ts';
import { handOverShutdownSignals } from './infra/embedded-postgres.ts';
import { startPlatform } from './runtime.ts';

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

const platform = await startPlatform(config);
const app = await buildApp(platform);
if (platform.generatedAdminKey) {
  // Shown once: only its hash is stored.
  console.log(`\n  Administrator API key (shown once, keep it safe):\n  ${platform.generatedAdminKey}\n`);
}
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
  // Background work on the job queue: message delivery, the hourly lifecycle sweep and daily
  // supervision (schedules), and batch jobs BATCH_WORKERS at a time (0 leaves them to `npm run worker`).
  await platform.startWorkers();
})();
await starting;
app.log.info(
  { embedded: platform.embedded, objectLock: platform.archive.objectLock, docs: `${config.PUBLIC_BASE_URL}/docs` },
  'LaborSign is ready',
);
