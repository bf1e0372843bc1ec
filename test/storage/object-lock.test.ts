/**
 * Object lock as a MinIO with locking would see it. No MinIO runs here (and s3rver has no
 * object lock), so a recording S3 endpoint answers the few calls involved and the test checks
 * what the minio client actually sends: the bucket's default COMPLIANCE retention, and a
 * retention extension only when it lengthens the lock.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { ObjectArchive } from '../../src/storage/archive.ts';

interface Recorded {
  method: string;
  path: string;
  query: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A bucket endpoint that remembers every request; `lock` says whether the bucket has object lock. */
async function recordingS3(t: { teardown(fn: () => unknown): void }, options: { lock: boolean; defaultRule?: boolean; defaultDays?: number }) {
  const requests: Recorded[] = [];
  let rule = options.defaultRule ? `<Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>${options.defaultDays ?? 30}</Days></DefaultRetention></Rule>` : '';
  const created = new Map<string, number>();
  const retention = new Map<string, string>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url!, 'http://s3');
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: req.method!, path: url.pathname, query: url.search.slice(1), headers: req.headers, body });
    const xml = (status: number, text: string) => res.writeHead(status, { 'content-type': 'application/xml' }).end(text);
    const isObject = url.pathname.split('/').filter(Boolean).length > 1;
    if (req.method === 'HEAD' && !isObject) return res.writeHead(200).end();
    if (url.searchParams.has('object-lock')) {
      if (req.method === 'PUT') {
        rule = /<Rule>.*<\/Rule>/.exec(body)?.[0] ?? '';
        return res.writeHead(200).end();
      }
      if (!options.lock) return xml(404, '<Error><Code>ObjectLockConfigurationNotFoundError</Code><Message>none</Message></Error>');
      return xml(200, `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>${rule}</ObjectLockConfiguration>`);
    }
    if (url.searchParams.has('retention')) {
      if (req.method === 'PUT') {
        retention.set(url.pathname, /<RetainUntilDate>(.*)<\/RetainUntilDate>/.exec(body)![1]!);
        return res.writeHead(200).end();
      }
      const days = Number(/<Days>(\d+)<\/Days>/.exec(rule)?.[1] ?? 0);
      const until = retention.get(url.pathname) ?? (days ? new Date(created.get(url.pathname)! + days * 86_400_000).toISOString() : undefined);
      if (!until) return xml(404, '<Error><Code>NoSuchObjectLockConfiguration</Code><Message>none</Message></Error>');
      return xml(200, `<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>${until}</RetainUntilDate></Retention>`);
    }
    if (req.method === 'PUT' && isObject) {
      created.set(url.pathname, Date.now());
      return res.writeHead(200, { etag: '"0"' }).end();
    }
    res.writeHead(400).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const archive = new ObjectArchive({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accessKey: 'test-access', secretKey: 'test-secret', bucket: 'contracts', region: 'us-east-1', defaultLockDays: 3650 });
  return { archive, requests };
}

const objectPuts = (requests: Recorded[]) => requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/contracts/sha256/') && r.query === '');
const retentionPuts = (requests: Recorded[]) => requests.filter((r) => r.method === 'PUT' && r.query.startsWith('retention'));

t.test('a locking bucket without a default rule gets COMPLIANCE retention for ARCHIVE_LOCK_DAYS', async (t) => {
  const { archive, requests } = await recordingS3(t, { lock: true });
  await archive.init();
  t.equal(archive.objectLock, true, '/readyz will say objectLock: true');
  const config = requests.filter((r) => r.method === 'PUT' && r.query.startsWith('object-lock'));
  t.equal(config.length, 1);
  t.match(config[0]!.body, /<ObjectLockEnabled>Enabled<\/ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE<\/Mode><Days>3650<\/Days><\/DefaultRetention><\/Rule>/);

  await archive.put(Buffer.from('%PDF-1.7 sealed'), { contentType: 'application/pdf', fresh: true });
  t.equal(objectPuts(requests).length, 1);
  t.equal(retentionPuts(requests).length, 0, 'a living contract relies on the default retention: no second request');
  const headerNames = Object.keys(objectPuts(requests)[0]!.headers);
  t.notOk(headerNames.some((h) => h.includes('object-lock')), 'no lock header that the client would turn into user metadata');
});

t.test('a retention date beyond the default lock extends it; an earlier one is left alone', async (t) => {
  const { archive, requests } = await recordingS3(t, { lock: true, defaultRule: true, defaultDays: 30 });
  await archive.init();
  t.equal(requests.filter((r) => r.method === 'PUT' && r.query.startsWith('object-lock')).length, 0, 'an existing default rule is kept');

  const later = new Date(Date.now() + 2 * 365 * 86_400_000);
  const stored = await archive.put(Buffer.from('%PDF-1.7 termination certificate'), { contentType: 'application/pdf', retainUntil: later });
  const extended = retentionPuts(requests);
  t.equal(extended.length, 1);
  t.equal(extended[0]!.path, `/contracts/${stored.key}`);
  t.match(extended[0]!.body, new RegExp(`<Mode>COMPLIANCE</Mode><RetainUntilDate>${later.toISOString()}</RetainUntilDate>`));
  t.ok(extended[0]!.headers['content-md5'], 'MinIO requires Content-MD5 on retention requests');

  await archive.extendRetention(stored.key, new Date(Date.now() + 86_400_000));
  t.equal(retentionPuts(requests).length, 1, 'COMPLIANCE retention is never shortened (the server would refuse it)');
});

t.test('a bucket without object lock: the application alone enforces retention', async (t) => {
  const { archive, requests } = await recordingS3(t, { lock: false });
  await archive.init();
  t.equal(archive.objectLock, false);
  await archive.put(Buffer.from('%PDF-1.7'), { contentType: 'application/pdf', retainUntil: new Date(Date.now() + 86_400_000) });
  t.equal(retentionPuts(requests).length, 0);
  t.equal(requests.filter((r) => r.query.startsWith('object-lock') && r.method === 'PUT').length, 0);
});
