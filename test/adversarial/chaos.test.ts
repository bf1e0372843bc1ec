/**
 * Chaos: batches submitted to the service as deployed (a child process that also works batch
 * jobs) and worked by it and two `npm run worker` processes. In each cycle one of the three,
 * chosen by a seeded draw, is killed with SIGKILL at a seeded random point and replaced: a
 * worker mid-batch; the service mid-batch or while it is accepting the submission (the client
 * then resubmits with the same Idempotency-Key, as a client whose connection broke would). A
 * 5-second job timeout makes the killed process's jobs expire and be redone while other attempts
 * may still run (fencing). After each cycle: the batch exists once, 0 rows lost, 0 doubled, 0
 * objects without a record, 0 records without an object.
 * 3 cycles in `npm test`; 20 with LABORSIGN_ADVERSARIAL_LONG=1 (seed: LABORSIGN_CHAOS_SEED).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { bucketKeys, recordedKeys, seeded, startWorkerProcess, workerFor } from '../helpers/batch-checks.ts';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.ts';
import { ObjectIntentSweep } from '../../src/services/batches/object-intents.ts';

const long = process.env.LABORSIGN_ADVERSARIAL_LONG === '1';
const cycles = long ? 20 : 3;
// The long run stays under 1,000 objects: the embedded S3 endpoint answers 500 to a listing that pages past 1,000 keys.
const rowsPerBatch = long ? 48 : 150;
const seed = Number(process.env.LABORSIGN_CHAOS_SEED ?? 20261205);
const random = seeded(seed);
const timeout = { BATCH_JOB_TIMEOUT_SECONDS: '5' };

const test = await createTestPlatform(t, { BATCH_WORKERS: '0', ...timeout });
const { app, platform, adminToken, bucket } = test;
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(91) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const now = Date.now();
await app.inject({
  method: 'POST',
  url: '/api/v1/seal-authorisations',
  headers: employer,
  payload: { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 6 * 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' },
});
const { employer: _e, worker: _w, ...shared } = template.example as Record<string, unknown>;

const workerEnv = { BATCH_WORKERS: '2', ...timeout };
const workers: ChildProcess[] = [await startWorkerProcess(platform.config, adminToken, workerEnv), await startWorkerProcess(platform.config, adminToken, workerEnv)];
const serviceEnv = { ...workerEnv, RATE_LIMIT_PER_MINUTE: '100000' };
let service: ServiceProcess = await startServiceProcess(t, test, serviceEnv);
const killService = async () => {
  service.child.kill('SIGKILL');
  if (service.alive()) await once(service.child, 'exit');
  service = await startServiceProcess(t, test, serviceEnv);
};
/** Submits to the service process; undefined when the connection broke (the service died). */
const submit = (body: unknown, key: string) =>
  fetch(`${service.url}/api/v1/batches`, {
    method: 'POST',
    headers: { ...employer, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  }).then(
    async (response) => ({ status: response.status, body: await response.text() }),
    () => undefined,
  );
t.teardown(async () => {
  for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(workers.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
});

const figures = { cycles: 0, rows: 0, killed: [] as string[], retriedJobs: 0, lost: 0, doubled: 0, objectsWithoutRecord: 0, recordsWithoutObject: 0, failedRows: 0, intentsSwept: 0 };
const finished = (batchId: string) => platform.db.batchRow.count({ where: { batchId, status: { in: ['done', 'failed'] } } });

for (let cycle = 1; cycle <= cycles; cycle++) {
  t.test(`cycle ${cycle}/${cycles} (seed ${seed})`, async (t) => {
    const body = { templateId: template.id, shared, rows: Array.from({ length: rowsPerBatch }, (_, i) => ({ worker: workerFor(cycle * 150 + i) })) };
    const key = `chaos-${seed}-${cycle}`;
    const deadline = Date.now() + 300_000;
    // The victim: worker 1, worker 2 or the service; a service may die while it accepts the batch.
    // The short run meets each kind once (a worker, the service mid-batch, the service accepting it).
    const drawn = Math.floor(random() * (workers.length + 1));
    const victim = long ? drawn : cycle === 1 ? drawn % workers.length : workers.length;
    const duringSubmission = victim === workers.length && (long ? random() < 0.4 : cycle === 3);
    const pause = Math.floor(random() * (duringSubmission ? 400 : rowsPerBatch <= 50 ? 4000 : 1500));
    const threshold = duringSubmission || rowsPerBatch <= 50 ? 0 : Math.floor(random() * rowsPerBatch * 0.6);
    let answer: Awaited<ReturnType<typeof submit>>;
    let killedAt = -1;
    if (duringSubmission) {
      const pending = submit(body, key);
      await new Promise((resolve) => setTimeout(resolve, pause));
      await killService();
      // A client whose connection broke retries with the same key: the batch is made once or not yet.
      answer = (await pending) ?? (await submit(body, key));
    } else {
      answer = await submit(body, key);
    }
    t.ok(answer && [200, 202].includes(answer.status), `submission: ${answer?.status} ${answer?.body.slice(0, 300)}`);
    const batchId = JSON.parse(answer!.body).id as string;
    t.equal(await platform.db.batch.count({ where: { idempotencyKey: key } }), 1, 'the batch exists once');

    if (!duringSubmission) {
      // The kill point: after a seeded number of finished rows, then a seeded pause (mid-chunk: rendering, storing, recording).
      // A batch of one chunk records all its rows at once: there the pause alone places the kill (rendering a chunk takes seconds).
      while ((await finished(batchId)) < threshold && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, pause));
      killedAt = await finished(batchId);
      if (victim === workers.length) await killService();
      else {
        const killed = workers[victim]!;
        killed.kill('SIGKILL');
        if (killed.exitCode === null && killed.signalCode === null) await once(killed, 'exit');
        workers[victim] = await startWorkerProcess(platform.config, adminToken, workerEnv);
      }
    }
    figures.killed.push(`${victim === workers.length ? (duringSubmission ? 'service (submitting)' : 'service') : `worker ${victim + 1}`} at ${Math.max(killedAt, 0)} rows`);

    while ((await finished(batchId)) < rowsPerBatch && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    const rows = await platform.db.batchRow.groupBy({ by: ['status'], where: { batchId }, _count: { _all: true } });
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    t.same(byStatus, { done: rowsPerBatch }, `killed ${figures.killed.at(-1)}; every row done`);

    const contracts = await platform.db.contract.findMany({ where: { batchId }, include: { documents: true } });
    const lost = rowsPerBatch - new Set(contracts.map((c) => c.batchRow)).size;
    const doubled = contracts.length - new Set(contracts.map((c) => c.batchRow)).size;
    // Every batch so far, against the whole bucket.
    const recorded = await recordedKeys(platform.db);
    const stored = new Set(await bucketKeys(platform.config, bucket));
    // An attempt that lost its lease may store after the retry's cleanup and die: such an object
    // is on the intent ledger, which the sweep empties (checked at the end, every process stopped).
    const intents = new Set((await platform.db.objectIntent.findMany({ select: { key: true } })).map((i) => i.key));
    const objectsWithoutRecord = [...stored].filter((key) => !recorded.has(key) && !intents.has(key)).length;
    const recordsWithoutObject = [...recorded].filter((key) => !stored.has(key)).length;
    t.equal(lost, 0, 'no row lost');
    t.equal(doubled, 0, 'no row doubled');
    t.equal(objectsWithoutRecord, 0, 'no object without a record or an intent the sweep removes');
    t.equal(recordsWithoutObject, 0, 'no record without an object');
    const [{ retried } = { retried: 0 }] = await platform.db.$queryRaw<{ retried: number }[]>`select count(*)::int as retried from pgboss.job where data->>'batchId' = ${batchId} and retry_count > 0`;
    Object.assign(figures, {
      cycles: figures.cycles + 1,
      rows: figures.rows + rowsPerBatch,
      retriedJobs: figures.retriedJobs + retried,
      lost: figures.lost + lost,
      doubled: figures.doubled + doubled,
      objectsWithoutRecord: figures.objectsWithoutRecord + objectsWithoutRecord,
      recordsWithoutObject: figures.recordsWithoutObject + recordsWithoutObject,
      failedRows: figures.failedRows + (byStatus.failed ?? 0),
    });
  });
}

t.test('with every process stopped, the sweep leaves no object without a record', async (t) => {
  for (const child of [...workers, service.child]) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all([...workers, service.child].map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
  const swept = await new ObjectIntentSweep({ db: platform.db, archive: platform.archive, graceSeconds: 0 }).run();
  const recorded = await recordedKeys(platform.db);
  const stored = await bucketKeys(platform.config, bucket);
  t.same(
    stored.filter((key) => !recorded.has(key)),
    [],
    'no object without a record',
  );
  t.same(
    [...recorded].filter((key) => !stored.includes(key)),
    [],
    'no record without an object',
  );
  t.equal(await platform.db.objectIntent.count(), 0, 'the ledger is empty');
  Object.assign(figures, { intentsSwept: swept.intents });
});

t.teardown(() => console.log(`# chaos figures (seed ${seed}): ${JSON.stringify(figures)}`));
