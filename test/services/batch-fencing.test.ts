/**
 * Fencing of batch job attempts, without timing: an attempt whose job expired (its worker was
 * slow, not dead) is retried while it still runs. The two attempts are interleaved through the
 * service's `beforeRecord` hook in the order that lost data before: the first attempt has stored
 * its objects, the retry has removed them as "never recorded" and stored its own, then the first
 * attempt records. Only the attempt holding the lease may record; every recorded object exists.
 */
import t from 'tap';
import { ObjectIntentSweep } from '../../src/services/batches/object-intents.ts';
import { keyForDigest } from '../../src/storage/archive.ts';
import type { Test } from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { bucketKeys, recordedKeys, workerFor } from '../helpers/batch-checks.ts';

const { app, platform, adminToken, bucket } = await createTestPlatform(t, { BATCH_WORKERS: '0' });
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(71) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const now = Date.now();
await app.inject({
  method: 'POST',
  url: '/api/v1/seal-authorisations',
  headers: employer,
  payload: { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' },
});
const { employer: _e, worker: _w, ...shared } = template.example as Record<string, unknown>;

async function submitBatch(rows: number, first: number) {
  const submitted = await app.inject({
    method: 'POST',
    url: '/api/v1/batches',
    headers: employer,
    payload: { templateId: template.id, shared, rows: Array.from({ length: rows }, (_, i) => ({ worker: workerFor(first + i) })) },
  });
  t.equal(submitted.statusCode, 202, submitted.body.slice(0, 300));
  return submitted.json().id as string;
}

/** Every recorded document's object is stored and intact, and nothing else of the batch is stored. */
async function checkArchive(t: Test, batchId: string, rows: number) {
  const contracts = await platform.db.contract.findMany({ where: { batchId }, include: { documents: true } });
  t.equal(contracts.length, rows, 'one contract per row');
  t.equal(new Set(contracts.map((c) => c.batchRow)).size, rows, 'no row doubled');
  const documents = contracts.flatMap((c) => c.documents);
  for (const document of documents) await t.resolves(platform.archive.get(document.objectKey, document.sha256), `recorded object ${document.objectKey.slice(0, 20)}… is stored`);
  const recorded = await recordedKeys(platform.db);
  t.same(
    (await bucketKeys(platform.config, bucket)).filter((key) => !recorded.has(key)),
    [],
    'no stored object without a record',
  );
}

t.test('an expired attempt that resumes after its retry took over cannot record; the retry keeps its objects', async (t) => {
  const batchId = await submitBatch(2, 1);
  const job = { batchId, rows: [1, 2] };
  const attempts: string[] = [];
  let retryReachedRecording!: () => void;
  const retryAtRecording = new Promise<void>((resolve) => (retryReachedRecording = resolve));
  let first!: Promise<void>;
  let retry: Promise<void> | undefined;
  platform.batches.hooks.beforeRecord = async (attempt) => {
    attempts.push(attempt);
    if (attempts.length === 1) {
      // The first attempt has stored its objects; its job expires and the retry runs up to its own recording.
      retry = platform.batches.processChunk(job);
      await retryAtRecording;
    } else {
      retryReachedRecording();
      // The retry records only once the first attempt has tried to.
      await first.catch(() => undefined);
    }
  };
  first = platform.batches.processChunk(job);
  const outcome = (attempt: Promise<void> | undefined) =>
    attempt?.then(
      () => 'finished',
      (error: Error) => error.message,
    );
  const [firstOutcome, retryOutcome] = [await outcome(first), await outcome(retry)];
  platform.batches.hooks.beforeRecord = undefined;
  t.ok(retry, 'the retry ran while the first attempt was still running');
  await checkArchive(t, batchId, 2);
  t.equal(firstOutcome, 'finished', 'the fenced attempt gives up quietly (its job was handed on)');
  t.equal(retryOutcome, 'finished', 'the retry records');
  t.equal(attempts.length, 2);
  t.not(attempts[0], attempts[1], 'each attempt has its own lease token');
  const rows = await platform.db.batchRow.findMany({ where: { batchId }, orderBy: { row: 'asc' } });
  t.same(
    rows.map((r) => r.status),
    ['done', 'done'],
  );
  t.same(
    rows.map((r) => r.attemptId),
    [attempts[1], attempts[1]],
    'the rows were recorded by the attempt holding the lease',
  );
});

t.test('an attempt whose lease was taken before it wrote its keys ahead stores nothing', async (t) => {
  const batchId = await submitBatch(1, 11);
  const job = { batchId, rows: [1] };
  let stored = 0;
  platform.batches.hooks.beforeWriteAhead = async () => {
    if (stored++ === 0) {
      // The retry runs to the end while the first attempt is between sealing and writing its keys.
      platform.batches.hooks.beforeWriteAhead = undefined;
      await platform.batches.processChunk(job);
    }
  };
  await platform.batches.processChunk(job);
  platform.batches.hooks.beforeWriteAhead = undefined;
  await checkArchive(t, batchId, 1);
  const row = await platform.db.batchRow.findFirstOrThrow({ where: { batchId } });
  const document = await platform.db.document.findFirstOrThrow({ where: { contract: { batchId } } });
  t.equal(row.objectKey, document.objectKey, 'the row keeps the key of the attempt that recorded it');
  t.equal(keyForDigest(document.sha256), document.objectKey);
});

t.test('a crashed attempt leaves written-ahead keys; the retry removes their objects and finishes', async (t) => {
  const batchId = await submitBatch(1, 21);
  const job = { batchId, rows: [1] };
  platform.batches.hooks.beforeRecord = async () => {
    throw new Error('worker killed between storing and recording');
  };
  await t.rejects(platform.batches.processChunk(job), { message: /worker killed/ });
  platform.batches.hooks.beforeRecord = undefined;
  const orphan = (await platform.db.batchRow.findFirstOrThrow({ where: { batchId } })).objectKey!;
  t.ok((await bucketKeys(platform.config, bucket)).includes(orphan), 'the crashed attempt had stored its object');
  await platform.batches.processChunk(job);
  t.notOk((await bucketKeys(platform.config, bucket)).includes(orphan), 'the retry removed it');
  await checkArchive(t, batchId, 1);
});

t.test('the intent sweep removes what a lease-less attempt stored after the cleanup; it spares recorded objects, live leases and fresh intents', async (t) => {
  const put = async (text: string) => (await platform.archive.put(Buffer.from(text), { contentType: 'application/pdf', fresh: true })).key;
  const intent = (key: string, attemptId: string, ageSeconds: number) => platform.db.objectIntent.create({ data: { key, attemptId, createdAt: new Date(Date.now() - ageSeconds * 1000) } });
  // Lease-less and old: an attempt that stored after the retry's cleanup, then died.
  const orphan = await put('stored by an attempt that lost its lease');
  await intent(orphan, '01900000-0000-7000-8000-000000000001', 3600);
  // An old intent whose object was recorded meanwhile (content-addressed keys meet).
  const recorded = (await platform.db.document.findFirstOrThrow({ where: { contract: { batchId: { not: null } } } })).objectKey;
  await intent(recorded, '01900000-0000-7000-8000-000000000002', 3600);
  // An attempt that still holds a pending row may yet record: it waits, however old.
  const batchId = await submitBatch(1, 31);
  const holder = '01900000-0000-7000-8000-000000000003';
  await platform.db.batchRow.updateMany({ where: { batchId }, data: { attemptId: holder } });
  const held = await put('stored by the attempt holding the lease');
  await intent(held, holder, 3600);
  // Within the grace: its attempt may still be storing.
  const fresh = await put('stored a moment ago');
  await intent(fresh, '01900000-0000-7000-8000-000000000004', 1);

  const swept = await new ObjectIntentSweep({ db: platform.db, archive: platform.archive, graceSeconds: 600 }).run();
  // Earlier cases here leave fresh intents of their own (a crashed attempt's, cleaned by its retry): not swept within the grace.
  t.equal(swept.intents, 2, 'the orphan and the recorded object’s intents close');
  const keys = await bucketKeys(platform.config, bucket);
  t.notOk(keys.includes(orphan), 'the orphan is removed');
  t.ok(keys.includes(recorded), 'a recorded object stays');
  t.ok(keys.includes(held), 'the lease holder’s object stays');
  t.ok(keys.includes(fresh), 'a fresh intent’s object stays');
  const left = await platform.db.objectIntent.findMany({ where: { key: { in: [orphan, recorded, held, fresh] } }, orderBy: { key: 'asc' } });
  t.same(
    left.map((i) => i.key),
    [held, fresh].sort(),
    'the held and the fresh intents stay on the ledger',
  );
  await platform.db.objectIntent.deleteMany();
});
