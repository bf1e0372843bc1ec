import t from 'tap';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { ensureAdmin } from '../../src/services/principals.ts';

const { app, adminToken, platform } = await createTestPlatform(t);
const admin = bearer(adminToken);

t.test('requests without a key get 401 problem+json', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/admin/employers' });
  t.equal(res.statusCode, 401);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  t.match(res.json(), { status: 401, type: /unauthorized$/ });
  const wrong = await app.inject({ method: 'GET', url: '/api/v1/admin/employers', headers: bearer('lsk_not-a-real-key') });
  t.equal(wrong.statusCode, 401);
});

t.test('an employer created by the admin uses its key and is kept to its own data', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(1) });
  t.equal(created.statusCode, 201, created.body);
  const first = created.json();
  t.match(first.apiKey, /^lsk_/);

  const other = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(2) })).json();
  const employer = bearer(first.apiKey);

  const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: employer });
  t.match(me.json(), { kind: 'employer', organisationId: first.id });

  const own = await app.inject({ method: 'GET', url: `/api/v1/employers/${first.id}`, headers: employer });
  t.equal(own.statusCode, 200);
  t.equal(own.json().uscc, first.uscc);
  t.notOk('apiKey' in own.json(), 'the key is never shown again');

  const foreign = await app.inject({ method: 'GET', url: `/api/v1/employers/${other.id}`, headers: employer });
  t.equal(foreign.statusCode, 403);
  t.match(foreign.json(), { status: 403, type: /forbidden$/ });

  for (const [method, url] of [
    ['GET', '/api/v1/admin/employers'],
    ['POST', '/api/v1/admin/employers'],
    ['POST', '/api/v1/admin/officials'],
  ] as const) {
    const res = await app.inject({ method, url, headers: employer, payload: method === 'POST' ? employerBody(3) : undefined });
    t.equal(res.statusCode, 403, `${method} ${url} is refused to an employer`);
  }

  const list = await app.inject({ method: 'GET', url: '/api/v1/admin/employers', headers: admin });
  t.equal(list.json().items.length, 2);
});

t.test('bad bodies name the field and the rule', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/admin/employers',
    headers: admin,
    payload: { ...employerBody(4), uscc: '91350100M000100Y44', regionCode: '14', name: '' },
  });
  t.equal(res.statusCode, 400);
  const body = res.json();
  t.match(body, { status: 400, type: /validation$/ });
  const fields = Object.fromEntries(body.errors.map((e: { field: string; rule: string; message: string }) => [e.field, e]));
  t.match(fields.uscc, { in: 'body', message: /check character/ });
  t.match(fields.regionCode, { message: /6-digit/ });
  t.match(fields.name, { rule: 'too_small', messageZh: '内容太短或数值太小' }, 'every rule also in Chinese');

  const notJson = await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: { ...admin, 'content-type': 'application/json' }, payload: '{oops' });
  t.equal(notJson.statusCode, 400);
  t.match(notJson.json().errors[0], { rule: 'json', messageZh: /JSON/ });
});

t.test('a second organisation with the same USCC is a 409 naming the field', async (t) => {
  const body = employerBody(5);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: body })).statusCode, 201);
  const again = await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: body });
  t.equal(again.statusCode, 409);
  t.match(again.json().errors[0], { field: 'uscc', rule: 'unique' });
});

t.test('officials are created with a role and region and cannot use admin routes', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '王检查', role: 'inspection', regionCode: '1408' } });
  t.equal(res.statusCode, 201, res.body);
  const official = res.json();
  const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(official.apiKey) });
  t.match(me.json(), { kind: 'official', role: 'inspection', regionCode: '1408' });
  const denied = await app.inject({ method: 'GET', url: '/api/v1/admin/employers', headers: bearer(official.apiKey) });
  t.equal(denied.statusCode, 403);
  const badRole = await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: 'x', role: 'police', regionCode: '1408' } });
  t.equal(badRole.statusCode, 400);
  t.equal(badRole.json().errors[0].field, 'role');
});

t.test("an official reads an employer's registration only within the region (140800 = 1408), and the read is logged", async (t) => {
  const yuncheng = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(33) })).json();
  const city = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '运城市监察', role: 'inspection', regionCode: '140800' } })).json();
  const taiyuan = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '太原市监察', role: 'inspection', regionCode: '1401' } })).json();
  const read = await app.inject({ method: 'GET', url: `/api/v1/employers/${yuncheng.id}`, headers: bearer(city.apiKey) });
  t.equal(read.statusCode, 200, 'a city code 140800 covers the district 140802');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/employers/${yuncheng.id}`, headers: bearer(taiyuan.apiKey) })).statusCode, 403, 'another city may not');
  const logged = await platform.db.accessLog.findMany({ where: { official: { name: '运城市监察' } } });
  t.match(logged, [{ action: 'organisation.read', purpose: new RegExp(yuncheng.uscc) }]);
  t.equal(await platform.db.accessLog.count({ where: { official: { name: '太原市监察' } } }), 0, 'a refused read reads nothing');
});

t.test('two processes starting on a database without an admin mint exactly one key', async (t) => {
  const admins = await platform.db.apiPrincipal.findMany({ where: { kind: 'admin', revokedAt: null }, select: { id: true } });
  await platform.db.apiPrincipal.updateMany({ where: { id: { in: admins.map((a) => a.id) } }, data: { revokedAt: new Date() } });
  t.teardown(() => platform.db.apiPrincipal.updateMany({ where: { id: { in: admins.map((a) => a.id) } }, data: { revokedAt: null } }));
  const starts = await Promise.all([ensureAdmin(platform.db, undefined), ensureAdmin(platform.db, undefined), ensureAdmin(platform.db, undefined)]);
  t.equal(starts.filter((s) => s.generatedKey).length, 1, 'one key printed, not three');
  t.equal(await platform.db.apiPrincipal.count({ where: { kind: 'admin', revokedAt: null } }), 1);
});
