/**
 * `npm run worker`: a process that only works on the shared job queue (bulk batches). Run as
 * many as the machine allows, on any host that reaches the same PostgreSQL and object store.
 */
import { loadConfig } from './config/config.ts';
import { startPlatform } from './runtime.ts';

const config = loadConfig();
const platform = await startPlatform(config);
await platform.startWorkers(Math.max(1, config.BATCH_WORKERS));
// Batch rows queue signing-link messages; worker processes deliver too (claims keep it once).
platform.outbox.onError = (error) => console.error('outbox delivery failed:', error);
platform.outbox.startDelivery();
const stop = async () => {
  await platform.outbox.stopDelivery();
  await platform.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
console.log(`LaborSign worker ${process.pid} is working on the batch queue`);
