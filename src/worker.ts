/**
 * `npm run worker`: a process that only works on the shared job queue (bulk batches). Run as
 * many as the machine allows, on any host that reaches the same PostgreSQL and object store.
 */
import { loadConfig } from './config/config.ts';
import { handOverShutdownSignals } from './infra/embedded-postgres.ts';
import { startPlatform } from './runtime.ts';

const config = loadConfig();
const platform = await startPlatform(config);
// Every queue (batch jobs, message delivery, schedules); the queue keeps each job to one process.
const starting = platform.startWorkers(Math.max(1, config.BATCH_WORKERS));
const stop = async () => {
  // A signal during start waits for it: pg-boss throws when workers are added after it stopped.
  await starting.catch(() => undefined);
  await platform.close();
  process.exit(0);
};
// This process stops the embedded servers itself (platform.close), after the work in hand.
handOverShutdownSignals();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
await starting;
console.log(`LaborSign worker ${process.pid} is working on the batch queue`);
