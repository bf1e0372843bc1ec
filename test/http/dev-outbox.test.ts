/**
 * The development outbox (`GET /api/v1/dev/outbox`) holds one-time codes and signing links, so
 * it exists only outside production and only while messages stay in it: in production (fully
 * configured) it is a 404 problem+json like any unknown route (to the admin key; without a key,
 * the 401 every unknown API route gives), and so it is outside production once SMS_GATEWAY_URL
 * is set. Where it exists it answers this machine only.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const gateway = { SMS_GATEWAY_URL: 'http://127.0.0.1:9/sms', SMS_GATEWAY_TOKEN: 'test-gateway-token-0123456789' };
const outboxUrls = ['/api/v1/dev/outbox', '/api/v1/dev/outbox?limit=5', '/api/v1/dev/outbox?phone=13800000051&limit=1'];

async function assertAbsent(t: Pick<typeof import('tap').default, 'equal' | 'match' | 'notOk'>, app: FastifyInstance, adminToken: string, label: string) {
  for (const url of outboxUrls) {
    // With the admin key (which may call every API route) it is simply not there.
    const response = await app.inject({ method: 'GET', url, headers: bearer(adminToken) });
    t.equal(response.statusCode, 404, `${label}: ${url} is not found (as admin)`);
    t.match(response.headers['content-type'], /^application\/problem\+json/, `${label}: a problem+json`);
    t.match(response.json(), { type: 'https://laborsign.org/problems/not-found', status: 404 }, `${label}: the not-found problem`);
    t.notOk(/验证码|\/s\//.test(response.body), `${label}: nothing of a message in the answer`);
    // Without a key it answers exactly as an unknown API route does (unknown /api routes are
    // admin-only, so 401): nothing tells it apart from a route that never existed.
    const anonymous = await app.inject({ method: 'GET', url });
    const unknown = await app.inject({ method: 'GET', url: url.replace('/outbox', '/no-such-route') });
    t.equal(anonymous.statusCode, unknown.statusCode, `${label}: ${url} without a key answers like an unknown route (${unknown.statusCode})`);
    t.equal(anonymous.statusCode, 401);
    t.match(anonymous.headers['content-type'], /^application\/problem\+json/);
    t.notOk(/验证码|\/s\//.test(anonymous.body), `${label}: nothing of a message without a key either`);
  }
  const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
  t.notOk(
    Object.keys(openapi.paths).some((p) => p.startsWith('/api/v1/dev')),
    `${label}: not in the API description`,
  );
}

t.test('outside production without a gateway the outbox exists, for this machine only (the control)', async (t) => {
  const { app, platform } = await createTestPlatform(t);
  t.equal(platform.config.NODE_ENV, 'test');
  t.equal(platform.config.SMS_GATEWAY_URL, undefined);
  const sent = await platform.db.$transaction((tx) => platform.outbox.enqueue(tx, { channel: 'sms', kind: 'test', to: '13800000051', text: '【劳签】测试消息' }));
  t.ok(sent);
  const local = await app.inject({ method: 'GET', url: '/api/v1/dev/outbox?phone=13800000051&limit=1' });
  t.equal(local.statusCode, 200, local.body);
  t.match(local.json().items, [{ kind: 'test', to: '13800000051', text: '【劳签】测试消息' }]);
  const remote = await app.inject({ method: 'GET', url: '/api/v1/dev/outbox', remoteAddress: '203.0.113.7' });
  t.equal(remote.statusCode, 403, 'another machine is refused');
  t.match(remote.headers['content-type'], /^application\/problem\+json/);
  t.notOk(remote.body.includes('测试消息'));
  const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
  t.ok(Object.keys(openapi.paths).includes('/api/v1/dev/outbox'), 'described where it exists');
});

t.test('outside production with SMS_GATEWAY_URL set, the outbox does not exist', async (t) => {
  const { app, platform, adminToken } = await createTestPlatform(t, gateway);
  t.equal(platform.config.NODE_ENV, 'test');
  t.equal(platform.config.SMS_GATEWAY_URL, gateway.SMS_GATEWAY_URL);
  await platform.db.$transaction((tx) => platform.outbox.enqueue(tx, { channel: 'sms', kind: 'test', to: '13800000051', text: '【劳签】验证码123456' }));
  await assertAbsent(t, app, adminToken, 'gateway');
});

t.test('in production, fully configured, the outbox does not exist', async (t) => {
  const { app, platform, adminToken } = await createTestPlatform(t, { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://laborsign.example.cn', ...gateway });
  t.equal(platform.config.NODE_ENV, 'production', 'the platform runs in production mode');
  for (const name of ['DATABASE_URL', 'MINIO_ENDPOINT', 'MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY', 'MASTER_KEY', 'ADMIN_TOKEN', 'PUBLIC_BASE_URL', 'SMS_GATEWAY_URL'] as const) {
    t.ok(platform.config[name] !== undefined, `${name} is configured`);
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/templates', headers: bearer(adminToken) })).statusCode, 200, 'the API itself answers');
  await platform.db.$transaction((tx) => platform.outbox.enqueue(tx, { channel: 'sms', kind: 'test', to: '13800000051', text: '【劳签】验证码123456' }));
  await assertAbsent(t, app, adminToken, 'production');
});

t.test('production alone removes it, even on a platform whose config has no gateway', async (t) => {
  // Production start-up refuses a missing SMS_GATEWAY_URL; this app is built over a platform
  // whose config says production without one, so only the NODE_ENV rule can hide the route.
  const { platform, adminToken } = await createTestPlatform(t);
  const production = await buildApp({ ...platform, config: { ...platform.config, NODE_ENV: 'production', SMS_GATEWAY_URL: undefined } }, { logger: false });
  t.teardown(() => production.close());
  await platform.db.$transaction((tx) => platform.outbox.enqueue(tx, { channel: 'sms', kind: 'test', to: '13800000051', text: '【劳签】验证码123456' }));
  await assertAbsent(t, production, adminToken, 'production config');
});
