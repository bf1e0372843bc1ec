/**
 * Issue 24 items 4 and 5 over HTTP: the organisation profile (admin at registration, the
 * employer itself, officials of the region), alerts naming the worker (masked in an official's
 * list, in full on a logged per-alert view shown in the worker's 我的合同, in full in the
 * employer's 自查), the employer's cursor-paged roster, and region scoping.
 */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { employerBody, testUscc } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const asOf = '2026-10-20';
const id = (n: number) => {
  const first17 = `14080219910101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};
const register = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload });
const official = async (regionCode: string) =>
  bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `监察-${regionCode}`, role: 'inspection', regionCode } })).json().apiKey);

const created = await register({ ...employerBody(241), ownership: '1', industry: 'C', sizeClass: 'medium' });
const employer = bearer(created.json().apiKey);
const uscc = testUscc(241);
const yuncheng = await official('1408');
const taiyuan = await official('1401');
const hire = (n: number, name: string, hireDate = '2026-08-01', phone?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires',
    headers: employer,
    payload: { worker: { name, idNumber: id(n), ...(phone ? { phone } : {}) }, hireDate, employmentForm: 'labor_contract' },
  });
// Three hires with no written contract past the one-month period: three named alerts.
for (const [n, name, phone] of [
  [1, '王晓东', '13800002401'],
  [2, '李娜娜'],
  [3, '赵六'],
] as [number, string, string?][]) {
  const response = await hire(n, name, '2026-08-01', phone);
  if (response.statusCode !== 201) throw new Error(response.body);
}
const why = `purpose=${encodeURIComponent('专项检查')}&caseNumber=JC-24`;

t.test('profile: set by the admin at registration, kept by the employer, audited; bad codes named by field and rule', async (t) => {
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { ownership: '1', industry: 'C', sizeClass: 'medium' });
  const bad = await register({ ...employerBody(242), ownership: '7', industry: 'Z', sizeClass: 'huge' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().errors, [
    { field: 'ownership', rule: 'ownership_code', messageZh: /1 国有控股/ },
    { field: 'industry', rule: 'gbt4754_section', messageZh: /A–T/ },
    { field: 'sizeClass', rule: 'size_class', messageZh: /大型/ },
  ]);
  t.equal(await platform.db.organisation.count({ where: { uscc: testUscc(242) } }), 0, 'nothing registered');

  const mine = await app.inject({ method: 'GET', url: '/api/v1/employers/me/profile', headers: employer });
  t.same(mine.json(), { ownership: { code: '1', nameZh: '国有控股' }, industry: { code: 'C', nameZh: '制造业' }, sizeClass: { code: 'medium', nameZh: '中型' } });
  const updated = await app.inject({ method: 'PUT', url: '/api/v1/employers/me/profile', headers: employer, payload: { industry: 'I', sizeClass: null } });
  t.equal(updated.statusCode, 200, updated.body);
  t.same(updated.json(), { ownership: { code: '1', nameZh: '国有控股' }, industry: { code: 'I', nameZh: '信息传输、软件和信息技术服务业' }, sizeClass: null }, 'fields left out stay, null clears');
  const refused = await app.inject({ method: 'PUT', url: '/api/v1/employers/me/profile', headers: employer, payload: { ownership: '国有', extra: 1 } });
  t.equal(refused.statusCode, 400);
  t.match(
    refused.json().errors,
    [
      { field: 'ownership', rule: 'ownership_code' },
      { field: 'extra', rule: 'unrecognized_keys', messageZh: /不认识此项/ },
    ],
    'every bad field named',
  );
  const badCode = await app.inject({ method: 'PUT', url: '/api/v1/employers/me/profile', headers: employer, payload: { ownership: '国有' } });
  t.match(badCode.json().errors, [{ field: 'ownership', in: 'body', rule: 'ownership_code', messageZh: /控股情况代码应为/ }]);
  const events = await platform.db.auditEvent.findMany({ where: { type: 'organisation.profile_updated', chain: `organisation:${created.json().id}` } });
  t.equal(events.length, 1, 'the change is audited, the refused ones are not');
  t.match(events[0]!.data, { before: { industry: 'C', sizeClass: 'medium' }, after: { industry: 'I', sizeClass: null } });
  const byOfficial = await app.inject({ method: 'PUT', url: '/api/v1/employers/me/profile', headers: yuncheng, payload: { industry: 'A' } });
  t.equal(byOfficial.statusCode, 403, 'officials do not edit a profile');
});

t.test('officials of the region see the profile in the employer views; another city sees nothing', async (t) => {
  const list = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers?region=1408&${why}&asOf=${asOf}`, headers: yuncheng });
  t.equal(list.statusCode, 200, list.body);
  t.match(
    list.json().items.find((row: { uscc: string }) => row.uscc === uscc),
    { profile: { ownership: { code: '1', nameZh: '国有控股' }, industry: { code: 'I' } } },
  );
  const file = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}?${why}&asOf=${asOf}`, headers: yuncheng });
  t.match(file.json().employer, { uscc, profile: { ownership: { nameZh: '国有控股' } } });
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}?${why}&asOf=${asOf}`, headers: taiyuan })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/inspection/employers?region=1408&${why}`, headers: taiyuan })).statusCode, 403);
});

type OfficialAlert = { id: string; code: string; messageZh: string; worker: { nameMasked: string; idNumberMasked: string } | null };

t.test('an official’s alert list masks the worker, pages every alert exactly once, and is logged', async (t) => {
  const seen: OfficialAlert[] = [];
  let after = '';
  for (let pages = 0; pages < 10; pages++) {
    const page = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/alerts?${why}&asOf=${asOf}&limit=2${after ? `&after=${after}` : ''}`, headers: yuncheng });
    t.equal(page.statusCode, 200, page.body);
    t.notMatch(page.body, /王晓东|李娜娜|赵六/, 'no full name in the list');
    t.notOk(page.body.includes(id(1)) || page.body.includes(id(2)), 'no full ID number in the list');
    seen.push(...page.json().items);
    after = page.json().next;
    if (!after) break;
  }
  const named = seen.filter((a) => a.code === 'ART10_NO_WRITTEN_CONTRACT');
  t.equal(named.length, 3, 'one no-contract alert per worker');
  t.equal(new Set(seen.map((a) => a.id)).size, seen.length, 'no alert twice');
  const total = (await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/alerts?${why}&asOf=${asOf}`, headers: yuncheng })).json().total;
  t.equal(seen.length, total, 'every alert once across pages');
  t.same(named.map((a) => a.worker!.nameMasked).sort(), ['李**', '王**', '赵*'].sort());
  t.ok(
    named.some((a) => a.worker!.idNumberMasked === `140802********${id(1).slice(-4)}`),
    'region and ID tail shown',
  );
  const logged = await platform.db.accessLog.findMany({ where: { action: 'inspection.alerts_listed' } });
  t.ok(logged.length >= 2 && logged.every((row) => row.caseNumber === 'JC-24' && row.purpose.startsWith('专项检查')), 'each listing logged with its purpose');
  const missing = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/alerts?asOf=${asOf}`, headers: yuncheng });
  t.equal(missing.statusCode, 400);
  t.match(missing.json().errors, [{ field: 'purpose' }]);
  const elsewhere = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/alerts?${why}&asOf=${asOf}`, headers: taiyuan });
  t.equal(elsewhere.statusCode, 404, 'an official of another city sees nothing');
  t.notMatch(elsewhere.body, /王|李|赵/);
});

t.test('the explicit view names the worker in full, is logged on the worker and shown in 我的合同', async (t) => {
  const list = (await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/alerts?${why}&asOf=${asOf}`, headers: yuncheng })).json().items as OfficialAlert[];
  const target = list.find((a) => a.code === 'ART10_NO_WRITTEN_CONTRACT' && a.worker!.nameMasked === '王**')!;
  const other = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/alerts/${target.id}?${why}&asOf=${asOf}`, headers: taiyuan });
  t.equal(other.statusCode, 404, 'another city cannot open it');
  const view = await app.inject({
    method: 'GET',
    url: `/api/v1/inspection/employers/${uscc}/alerts/${target.id}?purpose=${encodeURIComponent('核实未订立书面合同')}&caseNumber=JC-24-1&asOf=${asOf}`,
    headers: yuncheng,
  });
  t.equal(view.statusCode, 200, view.body);
  t.match(view.json().alert, { id: target.id, code: 'ART10_NO_WRITTEN_CONTRACT', worker: { name: '王晓东', idNumber: id(1) } });
  const worker = await platform.db.worker.findFirstOrThrow({ where: { roster: { some: { organisation: { uscc } } } }, orderBy: { createdAt: 'asc' } });
  const row = await platform.db.accessLog.findFirstOrThrow({ where: { action: 'inspection.alert_viewed' } });
  t.equal(row.workerId, worker.id, 'logged on the worker named');
  t.equal(row.caseNumber, 'JC-24-1');

  const phone = workerPhone(app, platform, { name: '王晓东', idNumber: id(1), phone: '13800002401' });
  await phone.post('/api/v1/portal/code', { phone: '13800002401' });
  const login = await phone.post('/api/v1/portal/login', { phone: '13800002401', code: await phone.latestCode() });
  t.equal(login.statusCode, 200, login.body);
  const accesses = (await app.inject({ method: 'GET', url: '/api/v1/portal/accesses', headers: { 'x-portal-session': login.json().token } })).json().items as {
    action: string;
    role: string;
    purpose: string;
    caseNumber: string | null;
  }[];
  t.ok(
    accesses.some((a) => a.action === 'inspection.alert_viewed' && a.role === 'inspection' && a.caseNumber === 'JC-24-1' && a.purpose.startsWith('核实未订立书面合同')),
    'the worker sees who looked and why',
  );
  const unknown = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/alerts/${'0'.repeat(32)}?${why}`, headers: yuncheng });
  t.equal(unknown.statusCode, 404);
});

t.test('自查: the employer sees the same alerts with full names, paged', async (t) => {
  const official = (await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/alerts?${why}&asOf=${asOf}`, headers: yuncheng })).json().items as OfficialAlert[];
  const seen: { id: string; code: string; worker: { name: string; idNumber: string } | null }[] = [];
  let after = '';
  do {
    const page = await app.inject({ method: 'GET', url: `/api/v1/roster/self-check?asOf=${asOf}&limit=1${after ? `&after=${after}` : ''}`, headers: employer });
    t.equal(page.statusCode, 200, page.body);
    t.equal(page.json().headcount.active, 3);
    seen.push(...page.json().items);
    after = page.json().next;
  } while (after);
  t.same(
    seen.map((a) => a.id),
    official.map((a) => a.id),
    'the same alerts as the inspector’s, in the same order',
  );
  t.same(
    seen
      .filter((a) => a.code === 'ART10_NO_WRITTEN_CONTRACT')
      .map((a) => a.worker!.name)
      .sort(),
    ['王晓东', '李娜娜', '赵六'].sort(),
  );
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/roster/self-check', headers: yuncheng })).statusCode, 403, 'officials have no 自查');
  const bad = await app.inject({ method: 'GET', url: '/api/v1/roster/self-check?asOf=2026-02-30', headers: employer });
  t.equal(bad.statusCode, 400);
});

t.test('roster list: every entry exactly once across pages, also with hires between page fetches; filters', async (t) => {
  for (let n = 10; n < 30; n++) {
    const response = await hire(n, `员工${n}`, '2026-09-01');
    t.equal(response.statusCode, 201);
  }
  const before = new Set((await platform.db.rosterEntry.findMany({ where: { organisation: { uscc } }, select: { id: true } })).map((e) => e.id));
  const listed: string[] = [];
  let after = '';
  let extra = 40;
  do {
    const page = await app.inject({ method: 'GET', url: `/api/v1/roster/entries?limit=4${after ? `&after=${after}` : ''}`, headers: employer });
    t.equal(page.statusCode, 200, page.body);
    listed.push(...page.json().items.map((e: { id: string }) => e.id));
    after = page.json().next;
    // A hire between two page fetches.
    if (extra < 44) t.equal((await hire(extra++, `新员工${extra}`, '2026-10-01')).statusCode, 201);
  } while (after);
  t.equal(new Set(listed).size, listed.length, 'no entry twice');
  t.ok(
    [...before].every((entryId) => listed.includes(entryId)),
    'every entry present at the start is listed',
  );
  t.equal(listed.length, before.size + 4, 'the hires made while paging come after, once each');

  t.equal(
    (await app.inject({ method: 'POST', url: '/api/v1/roster/separations', headers: employer, payload: { idNumber: id(10), separationDate: '2026-10-10', kind: 'resignation' } })).statusCode,
    200,
  );
  const separated = (await app.inject({ method: 'GET', url: '/api/v1/roster/entries?status=separated', headers: employer })).json();
  t.match(separated.items, [{ worker: { name: '员工10', idNumber: id(10) }, separationDate: '2026-10-10', separationKind: 'resignation' }]);
  t.equal(separated.items.length, 1);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/roster/entries?status=active&limit=500', headers: employer })).json().items.length, listed.length - 1);

  // One worker with a written contract in force: made through the API, its signing stood in
  // for by the status (the signing flow has its own tests).
  const template = platform.templates.get('labor-contract-general')!;
  const example = template.example as { worker: Record<string, string> } & Record<string, unknown>;
  const draft = await app.inject({
    method: 'POST',
    url: '/api/v1/contracts',
    headers: employer,
    payload: { templateId: template.id, fields: { ...example, worker: { ...example.worker, name: '员工11', idNumber: id(11) } } },
  });
  t.equal(draft.statusCode, 201, draft.body);
  const without = async () => (await app.inject({ method: 'GET', url: '/api/v1/roster/entries?contract=without&limit=500', headers: employer })).json().items as { worker: { idNumber: string } }[];
  t.ok(
    (await without()).some((e) => e.worker.idNumber === id(11)),
    'a draft is no written contract',
  );
  await platform.db.contract.update({ where: { id: draft.json().id }, data: { status: 'signed' } });
  const withContract = (await app.inject({ method: 'GET', url: '/api/v1/roster/entries?contract=with', headers: employer })).json();
  t.match(withContract.items, [{ worker: { idNumber: id(11) }, writtenContract: { id: draft.json().id } }]);
  t.equal(withContract.items.length, 1);
  t.notOk((await without()).some((e) => e.worker.idNumber === id(11)));
  t.equal((await without()).length, listed.length - 1);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/roster/entries', headers: yuncheng })).statusCode, 403, 'officials do not list an employer’s roster');
  const badFilter = await app.inject({ method: 'GET', url: '/api/v1/roster/entries?status=gone', headers: employer });
  t.match(badFilter.json().errors, [{ field: 'status', in: 'query', rule: 'invalid_value' }]);
});
