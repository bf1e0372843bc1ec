/**
 * Chaos: batches worked by `npm run worker` processes, one of which is killed with SIGKILL at a
 * seeded random point of each batch and replaced, with a 5-second job timeout so the killed
 * worker's jobs expire and are redone while other attempts may still run (fencing). After each
 * cycle: 0 rows lost, 0 doubled, 0 objects without a record, 0 records without an object.
 * 3 cycles in `npm test`; 20 with LABORSIGN_ADVERSARIAL_LONG=1 (seed: LABORSIGN_CHAOS_SEED).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { bucketKeys, recordedKeys, seeded, startWorkerProcess, workerFor } from '../helpers/batch-checks.ts';

const long = process.env.LABORSIGN_ADVERSARIAL_LONG === '1';
const cycles = long ? 20 : 3;
// The long run stays under 1,000 objects: the embedded S3 endpoint answers 500 to a listing that pages past 1,000 keys.
const rowsPerBatch = long ? 48 : 150;
const seed = Number(process.env.LABORSIGN_CHAOS_SEED ?? 20261205);
const random = seeded(seed);
const timeout = { BATCH_JOB_TIMEOUT_SECONDS: '5' };

const { app, platform, adminToken, bucket } = await createTestPlatform(t, { BATCH_WORKERS: '0', ...timeout });
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(91) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const now = Date.now();
await app.inject({ method: 'POST', url: '/api/v1/seal-authorisations', headers: employer, payload: { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 6 * 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' } });
const { employer: _e, worker: _w, ...shared } = template.example as Record<string, unknown>;

const workerEnv = { BATCH_WORKERS: '2', ...timeout };
const workers: ChildProcess[] = [await startWorkerProcess(platform.config, adminToken, workerEnv), await startWorkerProcess(platform.config, adminToken, workerEnv)];
t.teardown(async () => {
  for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(workers.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
});

const figures = { cycles: 0, rows: 0, killedAtRows: [] as number[], retriedJobs: 0, lost: 0, doubled: 0, objectsWithoutRecord: 0, recordsWithoutObject: 0, failedRows: 0 };
const finished = (batchId: string) => platform.db.batchRow.count({ where: { batchId, status: { in: ['done', 'failed'] } } });

for (let cycle = 1; cycle <= cycles; cycle++) {
  t.test(`cycle ${cycle}/${cycles} (seed ${seed})`, async (t) => {
    const submitted = await app.inject({
      method: 'POST',
      url: '/api/v1/batches',
      headers: employer,
      payload: { templateId: template.id, shared, rows: Array.from({ length: rowsPerBatch }, (_, i) => ({ worker: workerFor(cycle * 150 + i) })) },
    });
    t.equal(submitted.statusCode, 202, submitted.body.slice(0, 300));
    const batchId = submitted.json().id as string;
    const deadline = Date.now() + 300_000;

    // The kill point: after a seeded number of finished rows, then a seeded pause (mid-chunk: rendering, storing, recording).
    // A batch of one chunk records all its rows at once: there the pause alone places the kill (rendering a chunk takes seconds).
    const oneChunk = rowsPerBatch <= 50;
    const threshold = oneChunk ? 0 : Math.floor(random() * rowsPerBatch * 0.6);
    const pause = Math.floor(random() * (oneChunk ? 4000 : 1500));
    const victim = Math.floor(random() * workers.length);
    while ((await finished(batchId)) < threshold && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, pause));
    const killedAt = await finished(batchId);
    figures.killedAtRows.push(killedAt);
    const killed = workers[victim]!;
    killed.kill('SIGKILL');
    if (killed.exitCode === null && killed.signalCode === null) await once(killed, 'exit');
    workers[victim] = await startWorkerProcess(platform.config, adminToken, workerEnv);

    while ((await finished(batchId)) < rowsPerBatch && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    const rows = await platform.db.batchRow.groupBy({ by: ['status'], where: { batchId }, _count: { _all: true } });
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    t.same(byStatus, { done: rowsPerBatch }, `killed worker ${victim + 1} at ${killedAt} rows; every row done`);

    const contracts = await platform.db.contract.findMany({ where: { batchId }, include: { documents: true } });
    const lost = rowsPerBatch - new Set(contracts.map((c) => c.batchRow)).size;
    const doubled = contracts.length - new Set(contracts.map((c) => c.batchRow)).size;
    // Every batch so far, against the whole bucket.
    const recorded = await recordedKeys(platform.db);
    const stored = new Set(await bucketKeys(platform.config, bucket));
    const objectsWithoutRecord = [...stored].filter((key) => !recorded.has(key)).length;
    const recordsWithoutObject = [...recorded].filter((key) => !stored.has(key)).length;
    t.equal(lost, 0, 'no row lost');
    t.equal(doubled, 0, 'no row doubled');
    t.equal(objectsWithoutRecord, 0, 'no object without a record');
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

t.teardown(() => console.log(`# chaos figures (seed ${seed}): ${JSON.stringify(figures)}`));
