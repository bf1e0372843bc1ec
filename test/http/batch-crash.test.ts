/**
 * Issue 6 "done when": a batch of 1,000 rows through two `npm run worker` processes, one of
 * them killed with SIGKILL mid-way, ends with exactly 1,000 contracts, each archived once (no
 * orphan objects either) with a valid seal and timestamp.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { verifyAuditChain } from '../../src/services/audit.ts';
import { verifyUpload } from '../../src/services/verification.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { needs, run } from '../helpers/tools.ts';
import { launchOf } from '../../scripts/launch.ts';
import { bucketKeys, isStored, recordedKeys } from '../helpers/batch-checks.ts';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const rowCount = 1000;
const { app, platform, adminToken } = await createTestPlatform(t, { BATCH_WORKERS: '0', BATCH_JOB_TIMEOUT_SECONDS: '8' });
const { config } = platform;
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(61) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const now = Date.now();
await app.inject({
  method: 'POST',
  url: '/api/v1/seal-authorisations',
  headers: employer,
  payload: { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' },
});

const launch = launchOf('worker');
const workerEnv = {
  ...process.env,
  ...launch.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATA_DIR: config.DATA_DIR,
  DATABASE_URL: config.DATABASE_URL!,
  MINIO_ENDPOINT: config.MINIO_ENDPOINT!,
  MINIO_ACCESS_KEY: config.MINIO_ACCESS_KEY!,
  MINIO_SECRET_KEY: config.MINIO_SECRET_KEY!,
  MINIO_BUCKET: config.MINIO_BUCKET,
  MASTER_KEY: Buffer.from(config.MASTER_KEY!).toString('base64'),
  ADMIN_TOKEN: adminToken,
  BATCH_WORKERS: '2',
  BATCH_JOB_TIMEOUT_SECONDS: '8',
};

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...launch.nodeOptions, '--import', 'tsx', path.resolve('src/worker.ts')], { env: workerEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('working on the batch queue') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
  });
}

const workers = [await startWorker(), await startWorker()];
t.teardown(() => {
  for (const child of workers) if (child.exitCode === null) child.kill('SIGTERM');
});

const worker = (n: number) => {
  const birth = new Date(Date.UTC(1980, 0, 1) + n * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `140105${birth}123`;
  return { name: `职工${n}`, idNumber: first17 + residentIdCheckCharacter(first17), address: '山西省太原市小店区', phone: `137${String(n).padStart(8, '0')}` };
};
const { employer: _e, worker: _w, ...shared } = template.example as Record<string, unknown>;
const submitted = await app.inject({
  method: 'POST',
  url: '/api/v1/batches',
  headers: { ...employer, 'idempotency-key': 'crash-test-batch-0001' },
  payload: { templateId: template.id, shared, rows: Array.from({ length: rowCount }, (_, i) => ({ worker: worker(i) })) },
});
t.equal(submitted.statusCode, 202, submitted.body.slice(0, 500));
const batchId = submitted.json().id as string;
const done = () => platform.db.batchRow.count({ where: { batchId, status: { in: ['done', 'failed'] } } });

t.test('SIGKILL one worker mid-way; the other finishes every row', async (t) => {
  const deadline = Date.now() + 300_000;
  while ((await done()) < rowCount * 0.3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const killedAt = await done();
  t.ok(killedAt < rowCount, `killed mid-way, at ${killedAt} rows`);
  workers[0]!.kill('SIGKILL');
  await new Promise((resolve) => workers[0]!.once('exit', resolve));
  while ((await done()) < rowCount && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  const progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batchId}`, headers: employer })).json();
  t.same(progress.byStatus, { done: rowCount }, 'every row done, none failed');
  t.equal(progress.finished, true);
  // The killed worker held jobs (two at a time); the queue gave them to the survivor when they expired.
  const [{ retried } = { retried: 0 }] = await platform.db.$queryRaw<{ retried: number }[]>`select count(*)::int as retried from pgboss.job where data->>'batchId' = ${batchId} and retry_count > 0`;
  t.ok(retried >= 1, `${retried} job(s) of the killed worker were taken over and redone`);
});

t.test('exactly one contract per row, each archived once, nothing orphaned', async (t) => {
  const contracts = await platform.db.contract.findMany({ where: { batchId }, include: { documents: true, signatures: true } });
  t.equal(contracts.length, rowCount, 'exactly 1,000 contracts');
  t.equal(new Set(contracts.map((c) => c.batchRow)).size, rowCount, 'one per row');
  t.ok(
    contracts.every((c) => c.status === 'sent'),
    'all sealed and sent',
  );
  t.ok(
    contracts.every((c) => c.documents.length === 1 && c.signatures.length === 1),
    'one document and one seal each',
  );
  t.equal(await platform.db.signingLink.count({ where: { contract: { batchId } } }), rowCount, 'one signing link each');
  t.equal(await platform.db.auditEvent.count({ where: { contract: { batchId } } }), rowCount * 3, 'created, sealed, sent: three audit events each');
  const chains = await Promise.all(contracts.slice(0, 50).map((c) => verifyAuditChain(platform.db, c.id)));
  t.ok(
    chains.every((chain) => chain.intact && chain.length === 3),
    'their hash chains verify',
  );

  const keys = await bucketKeys(config);
  const recorded = new Set(contracts.flatMap((c) => c.documents.map((d) => d.objectKey)));
  t.equal(recorded.size, rowCount, 'a distinct object per contract');
  // The workers also run the 5-minute audit checkpoint, whose objects the database records too.
  const known = await recordedKeys(platform.db);
  t.same(
    keys.filter((key) => !known.has(key)),
    [],
    'no object the database does not know',
  );
  // On a versioned bucket a key may look deleted (a delete marker from a taken-over job's cleanup)
  // while the version the database recorded is there and locked: that version is what is read.
  const documents = contracts.flatMap((c) => c.documents);
  const stored = await Promise.all(documents.map((d) => (d.versionId ? isStored(config, d.objectKey, d.versionId) : keys.includes(d.objectKey))));
  t.ok(stored.every(Boolean), 'every recorded object (version) is stored');
});

t.test('every archived contract carries a valid seal with a timestamp', async (t) => {
  const documents = await platform.db.document.findMany({ where: { contract: { batchId } }, orderBy: { objectKey: 'asc' } });
  let valid = 0;
  for (const document of documents) {
    const pdf = await platform.archive.read(document);
    const report = await verifyUpload(platform.db, platform.pki, pdf);
    const seal = report.signatures[0];
    if (report.valid && seal?.timestamp?.valid && seal.signer) valid++;
    else t.fail(`${document.objectKey}: ${JSON.stringify(report.signatures.map((s) => s.problems))}`);
  }
  t.equal(valid, rowCount, 'all 1,000 verify: seal, chain and timestamp');
});

t.test('an independent verifier accepts a sample', needs('pdfsig'), async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'laborsign-crash-'));
  const documents = await platform.db.document.findMany({ where: { contract: { batchId } }, take: 3 });
  for (const [i, document] of documents.entries()) {
    const file = path.join(dir, `${i}.pdf`);
    await writeFile(file, await platform.archive.read(document));
    t.match(run('pdfsig', [file]).stdout, /Signature Validation: Signature is Valid/, `pdfsig accepts ${document.objectKey}`);
  }
});
