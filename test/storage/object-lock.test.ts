/**
 * Object lock as the engine enforces it, against a real S3 engine (Ceph RGW in CI's second run):
 * the bucket is made with object lock and default COMPLIANCE retention, an archived version
 * cannot be deleted nor its retention shortened, termination extends it to the Art. 50 date,
 * a delete without a version only adds a marker and reads (by the recorded version) go on; all
 * of it again after the service restarts. On the embedded endpoint (no lock, no versioning) the
 * application alone keeps objects: never overwritten, no version, no retention calls.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { needsObjectLock, rawClient } from '../helpers/real-store.ts';
import { signedContract } from '../helpers/worker-phone.ts';

const first = await createTestPlatform(t, { ARCHIVE_LOCK_DAYS: '30' });
const { app, platform, adminToken, bucket } = first;
const archive = platform.archive;
const s3 = rawClient(platform);
const day = 86_400_000;
const refused = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
  );

const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(81) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;

t.test('embedded endpoint: no lock, no versions; the application never overwrites', { skip: archive.objectLock ? 'the store has object lock' : false }, async (t) => {
  t.same(archive.capabilities, { versioning: false, objectLock: false, defaultRetention: null }, 'reported as such by /readyz');
  const bytes = randomBytes(1000);
  const stored = await archive.put(bytes, { contentType: 'application/pdf', retainUntil: new Date(Date.now() + day) });
  t.equal(stored.versionId, null, 'no version to record');
  t.match(await refused(s3.getObjectLockConfig(bucket) as unknown as Promise<unknown>), /NotImplemented/, 'the endpoint says it has no object lock');
  t.equal(await archive.setLegalHold(stored.key, null, true), false, 'a legal hold is not enforced by this store');
  t.same(await archive.lockState(stored.key), { retainUntil: null, mode: null, legalHold: null });
  t.same(await archive.put(bytes, { contentType: 'application/pdf' }), stored, 'the same bytes: the same object, not a second write');
});

t.test('the bucket has object lock, versioning and the default COMPLIANCE retention', needsObjectLock(platform), async (t) => {
  t.equal(archive.objectLock, true);
  t.same(archive.capabilities, { versioning: true, objectLock: true, defaultRetention: { mode: 'COMPLIANCE', days: 30 } });
  const config = (await s3.getObjectLockConfig(bucket)) as unknown as { objectLockEnabled: string; mode: string; validity: number };
  t.match(config, { objectLockEnabled: 'Enabled', mode: 'COMPLIANCE', validity: 30 }, 'as the engine reports it');
  const ready = (await app.inject('/readyz')).json();
  t.match(ready.objectStore, { ok: true, objectLock: true, versioning: true, legalHolds: true, defaultRetention: { mode: 'COMPLIANCE', days: 30 } });
});

let contract: { id: string; number: string };
t.test('every archived version gets the default retention; deleting a version is refused by the engine', needsObjectLock(platform), async (t) => {
  const signed = await signedContract(app, platform, employer, template.id, template.example as never);
  t.equal(signed.signed.statusCode, 200, signed.signed.body);
  contract = signed;
  const documents = await platform.db.document.findMany({ where: { contractId: contract.id }, orderBy: { createdAt: 'asc' } });
  t.same(
    documents.map((d) => d.kind),
    ['draft', 'sealed', 'signed'],
  );
  for (const document of documents) {
    t.ok(document.versionId, `${document.kind}: the row records the version the engine created`);
    const lock = await archive.lockState(document.objectKey, document.versionId);
    t.equal(lock.mode, 'COMPLIANCE', `${document.kind}: COMPLIANCE`);
    const days = (lock.retainUntil!.getTime() - document.createdAt.getTime()) / day;
    t.ok(days > 29.9 && days < 30.1, `${document.kind}: retained ARCHIVE_LOCK_DAYS from its creation (${days.toFixed(3)} days)`);
    t.match(await refused(s3.removeObject(bucket, document.objectKey, { versionId: document.versionId! })), /AccessDenied/, `${document.kind}: the engine refuses to delete the version`);
  }
  const stat = await s3.statObject(bucket, documents[2]!.objectKey, { versionId: documents[2]!.versionId! });
  t.equal(stat.size, documents[2]!.size, 'the version is still there');
});

t.test('a delete without a version only adds a marker: the recorded version is still read and served', needsObjectLock(platform), async (t) => {
  const signedDocument = await platform.db.document.findFirstOrThrow({ where: { contractId: contract.id, kind: 'signed' } });
  t.equal(await refused(s3.removeObject(bucket, signedDocument.objectKey)), 'accepted', 'S3 accepts it: a delete marker');
  t.match(await refused(s3.statObject(bucket, signedDocument.objectKey)), /NotFound|NoSuchKey/, 'the key now looks deleted to a reader of the latest version');
  const res = await app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}/pdf`, headers: employer });
  t.equal(res.statusCode, 200, 'served from the version the database recorded');
  t.equal(res.rawPayload.length, signedDocument.size);
});

t.test('termination extends every version’s lock to the Art. 50 date; the engine refuses to shorten it', needsObjectLock(platform), async (t) => {
  const terminated = await app.inject({
    method: 'POST',
    url: `/api/v1/contracts/${contract.id}/terminate`,
    headers: employer,
    payload: { ending: 'rescission', date: '2027-03-31', reason: '经双方协商一致解除' },
  });
  t.equal(terminated.statusCode, 200, terminated.body);
  t.equal(terminated.json().retainUntil, '2029-03-31');
  const documents = await platform.db.document.findMany({ where: { contractId: contract.id }, orderBy: { createdAt: 'asc' } });
  t.same(
    documents.map((d) => d.kind),
    ['draft', 'sealed', 'signed', 'termination_certificate'],
  );
  for (const document of documents) {
    const lock = await archive.lockState(document.objectKey, document.versionId);
    t.equal(lock.retainUntil?.toISOString().slice(0, 10), '2029-03-31', `${document.kind}: locked until the Art. 50 date`);
    t.match(
      await refused(s3.putObjectRetention(bucket, document.objectKey, { versionId: document.versionId!, mode: 'COMPLIANCE', retainUntilDate: new Date(Date.now() + 40 * day).toISOString() })),
      /AccessDenied/,
      `${document.kind}: shortening refused by the engine`,
    );
    t.match(await refused(s3.removeObject(bucket, document.objectKey, { versionId: document.versionId! })), /AccessDenied/, `${document.kind}: still no delete`);
  }
  await archive.extendRetention(documents[0]!.objectKey, new Date(Date.now() + day), documents[0]!.versionId);
  t.equal((await archive.lockState(documents[0]!.objectKey, documents[0]!.versionId)).retainUntil?.toISOString().slice(0, 10), '2029-03-31', 'the archive never asks for a shorter lock');
});

t.test('after a restart of the service over the same bucket: same lock, same reads, same refusals', needsObjectLock(platform), async (t) => {
  await first.stop!();
  const again = await createTestPlatform(t, { ARCHIVE_LOCK_DAYS: '30' }, { reuse: first });
  t.same(again.platform.archive.capabilities, { versioning: true, objectLock: true, defaultRetention: { mode: 'COMPLIANCE', days: 30 } }, 'detected again from the bucket');
  const documents = await again.platform.db.document.findMany({ where: { contractId: contract.id } });
  for (const document of documents) {
    t.equal((await again.platform.archive.read(document)).length, document.size, `${document.kind}: read by its recorded version`);
    t.equal((await again.platform.archive.lockState(document.objectKey, document.versionId)).retainUntil?.toISOString().slice(0, 10), '2029-03-31', `${document.kind}: still locked`);
    t.match(await refused(s3.removeObject(bucket, document.objectKey, { versionId: document.versionId! })), /AccessDenied/, `${document.kind}: still refused`);
  }
  const res = await again.app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}/pdf`, headers: employer });
  t.equal(res.statusCode, 200);
  const stored = await again.platform.archive.put(randomBytes(500), { contentType: 'application/pdf' });
  t.equal((await again.platform.archive.lockState(stored.key, stored.versionId)).mode, 'COMPLIANCE', 'a new object after the restart gets the default retention too');
});
