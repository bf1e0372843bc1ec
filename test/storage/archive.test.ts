import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as Minio from 'minio';
import t from 'tap';
import { IntegrityError, keyForDigest, sha256Hex } from '../../src/storage/archive.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, s3Dir, bucket, adminToken } = await createTestPlatform(t);
const archive = platform.archive;

t.test('stores under the SHA-256 and reads back verified', async (t) => {
  const bytes = randomBytes(4096);
  const stored = await archive.put(bytes, { contentType: 'application/pdf' });
  t.equal(stored.sha256, sha256Hex(bytes));
  t.equal(stored.key, keyForDigest(stored.sha256));
  t.equal(stored.size, 4096);
  t.same(await archive.get(stored.key, stored.sha256), bytes);
  const again = await archive.put(bytes, { contentType: 'application/pdf' });
  t.same(again, stored, 'the same bytes map to the same object; nothing is overwritten');
});

t.test('an object is stored with exactly its bytes, its type and its digest, as any S3 client reads it', async (t) => {
  // A view into a larger buffer (as the sealer hands over): only the viewed bytes are stored.
  const surrounding = randomBytes(10_000);
  const bytes = surrounding.subarray(1000, 5000);
  const stored = await archive.put(bytes, { contentType: 'application/pdf', fresh: true });
  t.equal(stored.size, 4000);
  t.same(await archive.get(stored.key, sha256Hex(bytes)), bytes);
  const url = new URL(platform.config.MINIO_ENDPOINT!);
  const client = new Minio.Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: platform.config.MINIO_ACCESS_KEY!, secretKey: platform.config.MINIO_SECRET_KEY! });
  const stat = await client.statObject(bucket, stored.key);
  t.equal(stat.size, 4000);
  t.equal(stat.metaData['content-type'], 'application/pdf');
  t.equal(stat.metaData.sha256, sha256Hex(bytes), 'the digest travels as object metadata');
});

t.test('a wrong recorded digest is an integrity error', async (t) => {
  const stored = await archive.put(randomBytes(100), { contentType: 'application/octet-stream' });
  const error = await archive.get(stored.key, sha256Hex(Buffer.from('something else'))).catch((e: unknown) => e);
  t.type(error, IntegrityError);
});

/** The embedded endpoint keeps each object as `<key>._S3rver_object` under the bucket directory. */
async function findObjectFile(dir: string, digest: string): Promise<string | undefined> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.startsWith(digest) && entry.name.endsWith('._S3rver_object')) return path.join(entry.parentPath, entry.name);
  }
  return undefined;
}

t.test('bytes corrupted behind the service are never served', { skip: s3Dir ? false : 'needs the embedded S3 endpoint' }, async (t) => {
  const bytes = randomBytes(2048);
  const stored = await archive.put(bytes, { contentType: 'application/pdf' });
  const file = await findObjectFile(path.join(s3Dir!, bucket), stored.sha256);
  t.ok(file, 'found the stored object on disk');
  // One byte of the object flipped in place (the file starts with the endpoint's own header).
  const onDisk = await readFile(file!);
  onDisk[onDisk.length - 100] = onDisk[onDisk.length - 100]! ^ 0xff;
  await writeFile(file!, onDisk);
  const corrupted = Buffer.from(bytes);
  corrupted[bytes.length - 100] = corrupted[bytes.length - 100]! ^ 0xff;
  const error = await archive.get(stored.key, stored.sha256).catch((e: unknown) => e);
  t.type(error, IntegrityError);
  t.match((error as IntegrityError).actual, sha256Hex(corrupted));
});

t.test('over HTTP a corrupted contract file is a 500 integrity problem, never the bytes', { skip: s3Dir ? false : 'needs the embedded S3 endpoint' }, async (t) => {
  const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(71) })).json().apiKey);
  const template = platform.templates.get('labor-contract-general')!;
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: template.example } });
  t.equal(created.statusCode, 201, created.body);
  const document = await platform.db.document.findFirstOrThrow({ where: { contractId: created.json().id } });
  const file = await findObjectFile(path.join(s3Dir!, bucket), document.sha256);
  const bytes = await readFile(file!);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
  await writeFile(file!, bytes);
  const res = await app.inject({ method: 'GET', url: `/api/v1/contracts/${created.json().id}/pdf`, headers: employer });
  t.equal(res.statusCode, 500);
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(res.json(), { type: /archive-integrity$/, problem: 'altered', messageZh: /校验未通过/ });
  t.notOk(res.body.includes('%PDF'), 'no byte of the file is served');
});

t.test('object lock is reported as unsupported by the embedded endpoint', { skip: s3Dir ? false : 'needs the embedded S3 endpoint' }, async (t) => {
  t.equal(archive.objectLock, false);
});

t.test('a missing object is an integrity error naming it missing, on either store', async (t) => {
  const error = await archive.get(keyForDigest('0'.repeat(64)), '0'.repeat(64)).catch((e: unknown) => e);
  t.type(error, IntegrityError);
  t.equal((error as IntegrityError).problem, 'missing');
});
