import t from 'tap';
import { createTestPlatform } from '../helpers/platform.ts';

const { app, platform } = await createTestPlatform(t);

t.test('/healthz and /readyz', async (t) => {
  t.same((await app.inject('/healthz')).json(), { status: 'ok' });
  const ready = await app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  const lock = platform.archive.objectLock;
  t.match(ready.json(), { status: 'ready', database: { ok: true }, objectStore: { ok: true, objectLock: lock, versioning: lock, legalHolds: lock } });
  if (!lock)
    t.same(ready.json().objectStore, { ok: true, objectLock: false, versioning: false, defaultRetention: null, legalHolds: false }, 'the embedded endpoint: the application alone keeps objects');
});

t.test('OpenAPI document and docs UI', async (t) => {
  const doc = (await app.inject('/openapi.json')).json();
  t.equal(doc.openapi, '3.1.0');
  t.ok(doc.paths['/api/v1/admin/employers'].post.requestBody, 'request bodies come from the zod schemas');
  const docs = await app.inject('/docs/');
  t.equal(docs.statusCode, 200);
  t.match(docs.body, /swagger/i);
});

t.test('responses carry a request id, and unknown routes are problem+json 404s', async (t) => {
  const res = await app.inject({ url: '/nowhere', headers: { 'x-request-id': 'abc-123' } });
  t.equal(res.statusCode, 404);
  t.equal(res.headers['x-request-id'], 'abc-123');
  t.match(res.json(), { status: 404, requestId: 'abc-123' });
});

t.test('security headers on pages and API answers (helmet)', async (t) => {
  for (const url of ['/healthz', '/verify', '/s/some-token']) {
    const res = await app.inject(url);
    t.equal(res.headers['x-content-type-options'], 'nosniff', url);
    t.match(res.headers['content-security-policy'], /default-src 'self'/, `${url}: scripts and styles from this service only`);
    t.match(res.headers['content-security-policy'], /script-src 'self'(;|$)/, `${url}: no inline script`);
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN', `${url}: not framed by other sites`);
    t.match(res.headers['strict-transport-security'], /max-age=\d+/, url);
  }
});
