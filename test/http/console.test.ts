/**
 * The console's API: named users with roles created by the employer's key or its console admin,
 * password sign-in to a cookie session (HttpOnly, SameSite=Strict, CSRF token for changes), acts
 * audited under the person, a clerk refused sealing, and the contract list and page.
 */
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const first = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(61) })).json();
const second = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(62) })).json();
const employer = bearer(first.apiKey);
const example = platform.templates.get('labor-contract-general')!.example as Record<string, unknown>;

async function signIn(username: string, password: string) {
  const response = await app.inject({ method: 'POST', url: '/api/v1/console/session', payload: { username, password } });
  const cookie = /^ls_console=([^;]+)/.exec(String(response.headers['set-cookie'] ?? ''))?.[1];
  return { response, cookie: `ls_console=${cookie}`, csrf: response.json().csrfToken as string };
}

const staff = (username: string, role: string, password = 'correct horse battery') => ({ username, displayName: `${username} 同志`, role, password });

t.test('the employer key names console users; an admin user may too, a clerk may not', async (t) => {
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/staff', headers: employer, payload: staff('wang.admin', 'admin') })).statusCode, 201);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/staff', headers: employer, payload: staff('li.clerk', 'hr_clerk') })).statusCode, 201);
  const taken = await app.inject({ method: 'POST', url: '/api/v1/staff', headers: bearer(second.apiKey), payload: staff('LI.clerk', 'hr_clerk') });
  t.equal(taken.statusCode, 409, 'user names are unique on the platform, whatever the case');
  t.match(taken.json().errors, [{ field: 'username', rule: 'unique' }]);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/staff', headers: employer, payload: staff('short', 'admin', 'short') })).statusCode, 400, 'a short password is refused');

  const boss = await signIn('wang.admin', 'correct horse battery');
  const made = await app.inject({ method: 'POST', url: '/api/v1/staff', headers: { cookie: boss.cookie, 'x-csrf-token': boss.csrf }, payload: staff('zhao.manager', 'hr_manager') });
  t.equal(made.statusCode, 201, 'a console admin names a manager');
  const clerk = await signIn('li.clerk', 'correct horse battery');
  const refused = await app.inject({ method: 'POST', url: '/api/v1/staff', headers: { cookie: clerk.cookie, 'x-csrf-token': clerk.csrf }, payload: staff('sun.clerk', 'hr_clerk') });
  t.equal(refused.statusCode, 403, 'a clerk names nobody');
  const listed = await app.inject({ method: 'GET', url: '/api/v1/staff', headers: { cookie: boss.cookie } });
  t.same(
    listed.json().items.map((u: { username: string }) => u.username),
    ['wang.admin', 'li.clerk', 'zhao.manager'],
  );
  t.notOk(JSON.stringify(listed.json()).includes('scrypt'), 'no password hash is shown');
  const stored = await platform.db.staffUser.findUniqueOrThrow({ where: { username: 'li.clerk' } });
  t.match(stored.passwordHash, /^scrypt\$16384\$8\$1\$/, 'the password is kept as an scrypt hash');
  t.notOk(stored.passwordHash.includes('correct horse'), 'never in the clear');
});

t.test('sign-in: a cookie session with a CSRF token; wrong passwords and ended sessions refused', async (t) => {
  const wrong = await app.inject({ method: 'POST', url: '/api/v1/console/session', payload: { username: 'li.clerk', password: 'wrong password!' } });
  t.equal(wrong.statusCode, 401);
  const nobody = await app.inject({ method: 'POST', url: '/api/v1/console/session', payload: { username: 'nobody', password: 'correct horse battery' } });
  t.equal(nobody.statusCode, 401);
  t.equal(nobody.json().detail, wrong.json().detail, 'an unknown name answers as a wrong password does');

  const { response, cookie, csrf } = await signIn('li.clerk', 'correct horse battery');
  t.equal(response.statusCode, 200);
  const setCookie = String(response.headers['set-cookie']);
  t.match(setCookie, /HttpOnly/);
  t.match(setCookie, /SameSite=Strict/);
  t.notMatch(setCookie, /Secure/, 'not Secure over plain http (tests)');
  const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
  t.match(me.json(), { kind: 'employer', staff: { username: 'li.clerk', role: 'hr_clerk' } });
  const session = await platform.db.staffSession.findFirstOrThrow({ where: { user: { username: 'li.clerk' } }, orderBy: { createdAt: 'asc' } });
  t.not(session.tokenHash, cookie.slice('ls_console='.length), 'only the token’s hash is stored');
  t.ok(session.expiresAt > new Date(), 'the session row has an expiry');

  const noCsrf = await app.inject({ method: 'POST', url: '/api/v1/contracts/validate', headers: { cookie }, payload: { templateId: 'labor-contract-general', fields: example } });
  t.equal(noCsrf.statusCode, 403, 'a change without the CSRF token is refused');
  const badCsrf = await app.inject({
    method: 'POST',
    url: '/api/v1/contracts/validate',
    headers: { cookie, 'x-csrf-token': 'x'.repeat(csrf.length) },
    payload: { templateId: 'labor-contract-general', fields: example },
  });
  t.equal(badCsrf.statusCode, 403, 'or with a wrong one');
  const withCsrf = await app.inject({
    method: 'POST',
    url: '/api/v1/contracts/validate',
    headers: { cookie, 'x-csrf-token': csrf },
    payload: { templateId: 'labor-contract-general', fields: example },
  });
  t.equal(withCsrf.statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/admin/employers', headers: { cookie } })).statusCode, 403, 'a session has the employer’s grants, no more');

  const out = await app.inject({ method: 'DELETE', url: '/api/v1/console/session', headers: { cookie, 'x-csrf-token': csrf } });
  t.equal(out.statusCode, 204);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode, 401, 'a signed-out session is over');
  const later = await signIn('wang.admin', 'correct horse battery');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/staff', headers: { cookie: later.cookie } })).statusCode, 200);
  await platform.db.staffSession.updateMany({ where: { user: { username: 'wang.admin' } }, data: { expiresAt: new Date(Date.now() - 1000) } });
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/staff', headers: { cookie: later.cookie } })).statusCode, 401, 'an expired session is over');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/staff', headers: { cookie: 'ls_console=made-up' } })).statusCode, 401, 'a made-up one never began');
});

t.test('a clerk creates and sends but cannot seal; a manager seals; acts are audited under the person', async (t) => {
  const clerk = await signIn('li.clerk', 'correct horse battery');
  const manager = await signIn('zhao.manager', 'correct horse battery');
  const as = (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: as(clerk), payload: { templateId: 'labor-contract-general', fields: example } });
  t.equal(created.statusCode, 201);
  const id = created.json().id as string;
  const clerkSeal = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/seal`, headers: as(clerk) });
  t.equal(clerkSeal.statusCode, 403, 'a clerk may not seal');
  const sealAuthorisation = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: as(clerk),
    payload: { templateIds: ['labor-contract-general'], validFrom: new Date().toISOString(), validUntil: new Date(Date.now() + 3_600_000).toISOString(), grantedBy: '张三' },
  });
  t.equal(sealAuthorisation.statusCode, 403, 'nor authorise sealing');
  const autoSeal = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: as(clerk), payload: { templateId: 'labor-contract-general', fields: example, autoSeal: true } });
  t.equal(autoSeal.statusCode, 403, 'nor seal on creation under an authorisation');
  const batch = await app.inject({
    method: 'POST',
    url: '/api/v1/batches',
    headers: { ...as(clerk), 'idempotency-key': 'console-clerk' },
    payload: { templateId: 'labor-contract-general', rows: [{}] },
  });
  t.equal(batch.statusCode, 403, 'nor submit a batch, which is sealed automatically');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/seal`, headers: as(manager) })).statusCode, 200, 'a manager seals');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/send`, headers: as(clerk) })).statusCode, 200, 'a clerk sends');
  const clerkTerminate = await app.inject({
    method: 'POST',
    url: `/api/v1/contracts/${id}/terminate`,
    headers: as(clerk),
    payload: { ending: 'rescission', date: '2027-01-31', reason: '协商一致解除' },
  });
  t.equal(clerkTerminate.statusCode, 403, 'a clerk may not end a contract: its certificate is sealed (before the state is looked at)');

  const users = new Map((await platform.db.staffUser.findMany()).map((u) => [u.username, u.id]));
  const trail = await platform.db.auditEvent.findMany({ where: { chain: id }, orderBy: { seq: 'asc' } });
  const actorOf = (type: string) => trail.find((e) => e.type === type)?.actorId;
  t.equal(actorOf('contract.created'), `staff:${users.get('li.clerk')}`, 'created by the clerk');
  t.equal(actorOf('contract.sealed'), `staff:${users.get('zhao.manager')}`, 'sealed by the manager');

  const page = await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/overview`, headers: { cookie: clerk.cookie } });
  t.equal(page.statusCode, 200);
  const overview = page.json();
  t.equal(overview.status, 'sent');
  t.match(overview.worker.name, /^.\*+$/, 'the worker’s name is masked');
  t.match(
    overview.timeline.find((e: { type: string }) => e.type === 'contract.sealed'),
    { actor: 'zhao.manager 同志' },
    'the timeline names the person',
  );
  t.ok(overview.documents.some((d: { kind: string }) => d.kind === 'sealed'));
  t.same(overview.allowedEvents, ['open', 'sign', 'decline', 'void', 'expire_link', 'resend']);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/overview`, headers: bearer(second.apiKey) })).statusCode, 404, 'another employer does not see it');
});

t.test('the contract list: filters, search by number, paging', async (t) => {
  const make = async (fields: Record<string, unknown>) =>
    (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: 'labor-contract-general', fields } })).json();
  const extra = await make(example);
  await make(example);
  const list = async (query: string, headers = employer) => (await app.inject({ method: 'GET', url: `/api/v1/contracts?${query}`, headers })).json();
  const all = await list('');
  t.equal(all.total, 3);
  t.equal(all.items[0].id, (await list('pageSize=1')).items[0].id, 'newest first');
  t.equal((await list('pageSize=2&page=2')).items.length, 1, 'the last page');
  t.equal((await list('status=draft')).total, 2);
  t.equal((await list('awaitingSignature=true')).total, 1, 'the sent one awaits signature');
  t.equal((await list(`number=${extra.number.slice(-5)}`)).items[0].id, extra.id, 'search by part of the number');
  t.equal((await list('templateId=labor-contract-general')).total, 3);
  t.equal((await list('templateId=other')).total, 0);
  t.equal((await list('expiringWithinDays=30')).total, 0, 'none in force yet');
  // One in force whose term ends in ten days (Beijing calendar): found within 30 days, not within 5.
  const endDate = new Date(Date.now() + 8 * 3_600_000 + 10 * 86_400_000).toISOString().slice(0, 10);
  await platform.db.contract.update({ where: { id: extra.id }, data: { status: 'signed', endDate: new Date(endDate) } });
  t.same(
    (await list('expiringWithinDays=30')).items.map((c: { id: string }) => c.id),
    [extra.id],
    'expiring within 30 days',
  );
  t.equal((await list('expiringWithinDays=5')).total, 0, 'not within 5');
  t.match(all.items[0], { worker: /^.\*+$/, templateTitle: String, status: 'draft' });
  t.equal((await list('', bearer(second.apiKey))).total, 0, 'another employer sees none of them');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/contracts?status=nope', headers: employer })).statusCode, 400);
});

t.test('behind a trusted https proxy the session cookie is Secure', async (t) => {
  const behind = await createTestPlatform(t, { TRUST_PROXY: '1' });
  const key = (await behind.app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(behind.adminToken), payload: employerBody(63) })).json().apiKey as string;
  await behind.app.inject({ method: 'POST', url: '/api/v1/staff', headers: bearer(key), payload: staff('qian.clerk', 'hr_clerk') });
  const signIn = (proto: string) =>
    behind.app.inject({ method: 'POST', url: '/api/v1/console/session', headers: { 'x-forwarded-proto': proto }, payload: { username: 'qian.clerk', password: 'correct horse battery' } });
  t.match(String((await signIn('https')).headers['set-cookie']), /; Secure/, 'Secure over https');
  t.notMatch(String((await signIn('http')).headers['set-cookie']), /Secure/, 'not over http');
});
