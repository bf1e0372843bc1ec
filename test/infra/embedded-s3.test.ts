import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
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

t.test('an object written by the synchronous store reads back, with its checksum and metadata, through s3rver', async (t) => {
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
  // Laid out as s3rver's own store lays it out, so s3rver's reads and deletes work on it.
  const files = (await readdir(path.join(dir, bucket, 'sealed', 'ab'))).sort();
  t.equal(files.length, 3, `object, checksum and metadata files: ${files.join(', ')}`);
  const metadataFile = files.find((f) => f.endsWith('metadata.json'))!;
  t.same(Object.keys(JSON.parse(await readFile(path.join(dir, bucket, 'sealed', 'ab', metadataFile), 'utf8'))).sort(), ['content-type', 'x-amz-meta-sha256']);
  await client.removeObject(bucket, key);
  await t.rejects(client.statObject(bucket, key), { code: 'NotFound' }, 'removed by s3rver');
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
