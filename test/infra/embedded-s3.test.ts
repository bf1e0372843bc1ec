import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Minio from 'minio';
import t from 'tap';
import { startEmbeddedS3 } from '../../src/infra/embedded-s3.ts';

const dir = await mkdtemp(path.join(tmpdir(), 'laborsign-embedded-s3-'));
const s3 = await startEmbeddedS3({ dir, port: 0 });
t.teardown(async () => {
  await s3.stop();
  await rm(dir, { recursive: true, force: true });
});
const url = new URL(s3.endpoint);
const client = new Minio.Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey });
const bucket = 'embedded-store';
await client.makeBucket(bucket);

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

t.test('an object reads back with its checksum and metadata, and is kept as one file', async (t) => {
  const body = randomBytes(300_000); // larger than one socket read: the body arrives in several chunks
  const key = 'sealed/ab/合同-测试.pdf';
  const put = await client.putObject(bucket, key, body, body.length, { 'Content-Type': 'application/pdf', 'X-Amz-Meta-Sha256': 'abc' });
  const md5 = createHash('md5').update(body).digest('hex');
  t.equal(put.etag, md5, 'the ETag is the MD5 of the whole body');
  t.same(await readAll(await client.getObject(bucket, key)), body);
  const stat = await client.statObject(bucket, key);
  t.equal(stat.size, body.length);
  t.equal(stat.etag, md5);
  t.equal(stat.metaData['content-type'], 'application/pdf');
  t.equal(stat.metaData.sha256, 'abc', 'x-amz-meta-* headers are kept');
  const listed: string[] = [];
  for await (const item of client.listObjectsV2(bucket, 'sealed/', true)) listed.push((item as { name: string }).name);
  t.same(listed, [key], 'listed under its Chinese key');
  // One file per object: a header with the metadata and the MD5, then the bytes.
  const files = await readdir(path.join(dir, bucket, 'sealed', 'ab'));
  t.same(files, ['合同-测试.pdf._S3rver_object'], 'one file for the object, its checksum and its metadata');
  const file = await readFile(path.join(dir, bucket, 'sealed', 'ab', files[0]!));
  t.same(file.subarray(file.length - body.length), body, 'the bytes follow the header unchanged');
  const header = JSON.parse(file.subarray(12, file.length - body.length).toString('utf8'));
  t.same(header, { metadata: { 'content-type': 'application/pdf', 'x-amz-meta-sha256': 'abc' }, md5 });
  await client.removeObject(bucket, key);
  await t.rejects(client.statObject(bucket, key), { code: 'NotFound' }, 'removed by s3rver');
});

t.test('a range of an object is its bytes, not its header', async (t) => {
  const body = randomBytes(10_000);
  await client.putObject(bucket, 'ranges/r.bin', body, body.length);
  t.same(await readAll(await client.getPartialObject(bucket, 'ranges/r.bin', 0, 10)), body.subarray(0, 10));
  t.same(await readAll(await client.getPartialObject(bucket, 'ranges/r.bin', 9_990, 10)), body.subarray(9_990));
  t.same(await readAll(await client.getPartialObject(bucket, 'ranges/r.bin', 5_000)), body.subarray(5_000));
});

t.test('a copy carries the bytes and the metadata, or the metadata it is given', async (t) => {
  const body = randomBytes(5_000);
  await client.putObject(bucket, 'copies/source.bin', body, body.length, { 'Content-Type': 'application/pdf', 'X-Amz-Meta-Origin': 'one' });
  await client.copyObject(bucket, 'copies/same.bin', `/${bucket}/copies/source.bin`);
  t.same(await readAll(await client.getObject(bucket, 'copies/same.bin')), body);
  t.equal((await client.statObject(bucket, 'copies/same.bin')).metaData.origin, 'one');
  await client.copyObject(
    new Minio.CopySourceOptions({ Bucket: bucket, Object: 'copies/source.bin' }),
    new Minio.CopyDestinationOptions({ Bucket: bucket, Object: 'copies/replaced.bin', MetadataDirective: 'REPLACE', UserMetadata: { Origin: 'two' } }),
  );
  const stat = await client.statObject(bucket, 'copies/replaced.bin');
  t.equal(stat.size, body.length);
  t.equal(stat.etag, createHash('md5').update(body).digest('hex'));
  t.equal(stat.metaData.origin, 'two', 'the metadata given with the copy replaces the source’s');
  t.same(await readAll(await client.getObject(bucket, 'copies/replaced.bin')), body);
});

t.test("an object in s3rver's own layout (three files, earlier versions) is read, listed and removed", async (t) => {
  const body = Buffer.from('%PDF-1.7 written by an earlier version');
  const directory = path.join(dir, bucket, 'legacy');
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'old.pdf._S3rver_object'), body);
  await writeFile(path.join(directory, 'old.pdf._S3rver_object.md5'), createHash('md5').update(body).digest('hex'));
  await writeFile(path.join(directory, 'old.pdf._S3rver_metadata.json'), JSON.stringify({ 'content-type': 'application/pdf' }));
  t.same(await readAll(await client.getObject(bucket, 'legacy/old.pdf')), body);
  const stat = await client.statObject(bucket, 'legacy/old.pdf');
  t.equal(stat.size, body.length);
  t.equal(stat.metaData['content-type'], 'application/pdf');
  const listed: string[] = [];
  for await (const item of client.listObjectsV2(bucket, 'legacy/', true)) listed.push((item as { name: string }).name);
  t.same(listed, ['legacy/old.pdf']);
  await client.removeObject(bucket, 'legacy/old.pdf');
  await t.rejects(client.statObject(bucket, 'legacy/old.pdf'), { code: 'NotFound' });
});

t.test('an object written again in a directory emptied meanwhile is stored', async (t) => {
  const body = Buffer.from('again');
  await client.putObject(bucket, 'sealed/ab/again.pdf', body, body.length);
  t.same(await readAll(await client.getObject(bucket, 'sealed/ab/again.pdf')), body);
});

t.test('a bucket that does not exist is refused as S3 refuses it', async (t) => {
  await t.rejects(client.putObject('no-such-bucket', 'x.pdf', Buffer.from('x'), 1), { code: 'NoSuchBucket' });
  await t.rejects(client.statObject('no-such-bucket', 'x.pdf'));
});

t.test('an object of many socket reads (a few megabytes) is stored whole', async (t) => {
  const body = randomBytes(6_000_000);
  await client.putObject(bucket, 'large/many-chunks.bin', body, body.length);
  const back = await readAll(await client.getObject(bucket, 'large/many-chunks.bin'));
  t.equal(back.length, body.length);
  t.ok(back.equals(body), 'the same bytes');
  t.equal((await client.statObject(bucket, 'large/many-chunks.bin')).etag, createHash('md5').update(body).digest('hex'));
});
