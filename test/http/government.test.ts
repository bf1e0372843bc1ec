/**
 * Government offices over HTTP: region and role scoping, every read in the access log and in
 * the worker's portal, and the roster-driven supervision an inspector sees.
 */
import t from 'tap';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody, testUscc } from '../helpers/fixtures.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { signedContract } from '../helpers/worker-phone.ts';
import { expectSignedContractVerdict } from '../helpers/contract-verdict.ts';

const { app, platform, adminToken } = await createTestPlatform(t, { INSURANCE_FEED_SETTLE_SECONDS: '0' });
const admin = bearer(adminToken);
const createEmployer = async (body: Record<string, unknown>) => (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: body })).json();
const createOfficial = async (role: string, regionCode: string) =>
  bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `${role}-${regionCode}`, role, regionCode } })).json().apiKey);

const yuncheng = await createEmployer(employerBody(71));
const taiyuan = await createEmployer({ ...employerBody(72), regionCode: '140105', uscc: testUscc(72) });
const employer = bearer(yuncheng.apiKey);
const insurance = await createOfficial('insurance', '1408');
const inspector = await createOfficial('inspection', '1408');
const otherInspector = await createOfficial('inspection', '1401');
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
// A signed contract of the 运城 employer, and its roster.
const { id: contractId, number: contractNumber, signed, phone } = await signedContract(app, platform, employer, template.id, example);

t.equal(signed.statusCode, 200, 'the contract is signed');

t.test('roster: hires and separations, with the rules they are checked by', async (t) => {
  const hired = await app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires',
    headers: employer,
    payload: { worker: { name: example.worker.name, idNumber: example.worker.idNumber }, hireDate: '2026-09-15', employmentForm: 'labor_contract', post: '软件测试工程师' },
  });
  t.equal(hired.statusCode, 201, hired.body);
  const twice = await app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires',
    headers: employer,
    payload: { worker: { name: example.worker.name, idNumber: example.worker.idNumber }, hireDate: '2026-09-20', employmentForm: 'labor_contract' },
  });
  t.equal(twice.statusCode, 409, 'one open roster line per worker');
  // 劳动合同法 Art. 10: hired 2026-08-01 without a written contract.
  const unsigned = await app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires',
    headers: employer,
    payload: { worker: { name: '李四', idNumber: '14080219900101123' + residentIdCheckCharacter('14080219900101123') }, hireDate: '2026-08-01', employmentForm: 'labor_contract' },
  });
  t.equal(unsigned.statusCode, 201, unsigned.body);
  const report = (await app.inject({ method: 'GET', url: '/api/v1/roster/supervision?asOf=2026-09-10', headers: employer })).json();
  t.ok(
    report.alerts.some((a: { code: string }) => a.code === 'ART10_NO_WRITTEN_CONTRACT'),
    'an unsigned hire past one month is flagged',
  );
  t.notOk(report.alerts.some((a: { code: string; contractId?: string }) => a.code === 'ART10_NO_WRITTEN_CONTRACT' && a.contractId === contractId));
  const left = await app.inject({
    method: 'POST',
    url: '/api/v1/roster/separations',
    headers: employer,
    payload: { idNumber: '14080219900101123' + residentIdCheckCharacter('14080219900101123'), separationDate: '2026-09-30', kind: 'resignation' },
  });
  t.equal(left.statusCode, 200, left.body);
});

t.test('an employer key cannot call any official API, and no key gets 401', async (t) => {
  const why = `purpose=${encodeURIComponent('参保登记')}`;
  const endpoints: { method: 'GET' | 'POST'; route: string; url: string; payload?: object }[] = [
    { method: 'POST', route: '/api/v1/insurance/contracts', url: '/api/v1/insurance/contracts', payload: { idNumber: example.worker.idNumber, purpose: '参保登记' } },
    { method: 'GET', route: '/api/v1/insurance/events', url: '/api/v1/insurance/events?after=0' },
    { method: 'POST', route: '/api/v1/government/workers/contracts', url: '/api/v1/government/workers/contracts', payload: { idNumber: example.worker.idNumber, purpose: '参保登记' } },
    { method: 'GET', route: '/api/v1/government/contracts/{id}', url: `/api/v1/government/contracts/${contractId}?${why}` },
    { method: 'GET', route: '/api/v1/government/contracts/{id}/pdf', url: `/api/v1/government/contracts/${contractId}/pdf?${why}` },
    { method: 'GET', route: '/api/v1/inspection/employers', url: `/api/v1/inspection/employers?region=1408&${why}` },
    { method: 'GET', route: '/api/v1/inspection/employers/{uscc}', url: `/api/v1/inspection/employers/${yuncheng.uscc}?${why}` },
    { method: 'GET', route: '/api/v1/inspection/employers/{uscc}/alerts', url: `/api/v1/inspection/employers/${yuncheng.uscc}/alerts?${why}` },
    { method: 'GET', route: '/api/v1/inspection/employers/{uscc}/alerts/{alertId}', url: `/api/v1/inspection/employers/${yuncheng.uscc}/alerts/${'0'.repeat(32)}?${why}` },
    { method: 'GET', route: '/api/v1/inspection/employers/{uscc}/paper-contracts', url: `/api/v1/inspection/employers/${yuncheng.uscc}/paper-contracts?${why}` },
    { method: 'GET', route: '/api/v1/employment/hires', url: `/api/v1/employment/hires?region=1408&from=2026-09-01&to=2026-09-30&${why}` },
    { method: 'GET', route: '/api/v1/inspection/overview', url: `/api/v1/inspection/overview?region=1408&${why}` },
    { method: 'GET', route: '/api/v1/inspection/ranking', url: `/api/v1/inspection/ranking?region=1408&${why}` },
    { method: 'GET', route: '/api/v1/inspection/ranking.csv', url: `/api/v1/inspection/ranking.csv?region=1408&${why}` },
    { method: 'POST', route: '/api/v1/arbitration/evidence', url: '/api/v1/arbitration/evidence', payload: { caseNumber: '晋运劳人仲案字〔2027〕第0001号', purpose: '仲裁', contractId } },
    ...(['arbitration', 'inspection'] as const).flatMap((kind) => [
      { method: 'POST' as const, route: `/api/v1/${kind}/cases`, url: `/api/v1/${kind}/cases`, payload: { caseNumber: '晋运劳人仲案字〔2027〕第0001号', contractId } },
      { method: 'POST' as const, route: `/api/v1/${kind}/cases/{id}/close`, url: `/api/v1/${kind}/cases/${contractId}/close` },
    ]),
  ];
  // Every route of the government API (OpenAPI tag) is in the list above: a new one cannot slip past.
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
  const official = Object.entries(spec.paths).flatMap(([route, operations]) =>
    Object.entries(operations)
      .filter(([, op]) => op.tags?.includes('government'))
      .map(([method]) => `${method.toUpperCase()} ${route}`),
  );
  t.same(official.sort(), endpoints.map((e) => `${e.method} ${e.route}`).sort(), 'the loop covers every official route');
  const before = await platform.db.accessLog.count();
  for (const { method, url, payload } of endpoints) {
    const refused = await app.inject({ method, url, headers: employer, ...(payload ? { payload } : {}) });
    t.equal(refused.statusCode, 403, `employer key: ${method} ${url}`);
    t.match(refused.headers['content-type'], /^application\/problem\+json/, 'problem+json');
    t.match(refused.json(), { status: 403, title: String });
    const anonymous = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    t.equal(anonymous.statusCode, 401, `no key: ${method} ${url}`);
    t.match(anonymous.headers['content-type'], /^application\/problem\+json/, 'problem+json');
  }
  t.equal(await platform.db.accessLog.count(), before, 'no refused call reads or logs anything');
});

t.test('social insurance: a person’s contracts in the region, and the read is logged and shown to the worker', async (t) => {
  const noPurpose = await app.inject({ method: 'POST', url: '/api/v1/insurance/contracts', payload: { idNumber: example.worker.idNumber }, headers: insurance });
  t.equal(noPurpose.statusCode, 400, 'a purpose is required');
  const read = await app.inject({
    method: 'POST',
    url: '/api/v1/insurance/contracts',
    payload: { idNumber: example.worker.idNumber, purpose: '参保登记', caseNumber: 'SB-2026-001' },
    headers: insurance,
  });
  t.equal(read.statusCode, 200, read.body);
  t.match(read.json().items, [{ contractId, status: 'signed', employer: { uscc: yuncheng.uscc }, startDate: '2026-09-15' }]);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/inspection/employers?region=1408&purpose=x1', headers: insurance })).statusCode, 403, 'insurance officials do not inspect');
  const logged = await platform.db.accessLog.findMany({ where: { contractId } });
  t.match(logged, [{ action: 'insurance.contract_read', purpose: '参保登记', caseNumber: 'SB-2026-001' }]);

  await phone.post('/api/v1/portal/code', { phone: example.worker.phone });
  const login = (await phone.post('/api/v1/portal/login', { phone: example.worker.phone, code: await phone.latestCode() })).json();
  const seen = (await app.inject({ method: 'GET', url: '/api/v1/portal/accesses', headers: { 'x-portal-session': login.token } })).json();
  t.match(seen.items, [{ role: 'insurance', regionCode: '1408', purpose: '参保登记', caseNumber: 'SB-2026-001', contractNumber }], 'the worker sees who read the contract');
});

t.test('social insurance change feed: contracts taking effect in the region, by cursor', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/api/v1/insurance/events?after=0', headers: insurance });
  t.equal(page.statusCode, 200, page.body);
  t.match(page.json().items, [{ change: 'effective', contract: { id: contractId, worker: { idNumber: example.worker.idNumber }, employer: { uscc: yuncheng.uscc } } }]);
  const next = await app.inject({ method: 'GET', url: `/api/v1/insurance/events?after=${page.json().next}`, headers: insurance });
  t.same(next.json().items, [], 'nothing new after the cursor');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/insurance/events', headers: inspector })).statusCode, 403);
});

t.test('inspection is scoped to the official’s region', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/inspection/employers?region=1408', headers: inspector })).statusCode, 400, 'the region list asks for a purpose');
  const list = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers?region=1408&purpose=${encodeURIComponent('日常巡查')}`, headers: inspector });
  t.equal(list.statusCode, 200, list.body);
  t.match(list.json().items, [{ uscc: yuncheng.uscc }]);
  t.notOk(
    list.json().items.some((e: { uscc: string }) => e.uscc === taiyuan.uscc),
    'another region’s employer is not listed',
  );
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/inspection/employers?region=1401&purpose=x1', headers: inspector })).statusCode, 403);
  const file = await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${yuncheng.uscc}?purpose=${encodeURIComponent('日常巡查')}&asOf=2026-09-10`, headers: inspector });
  t.equal(file.statusCode, 200, file.body);
  t.ok(file.json().report.alerts.some((a: { code: string }) => a.code === 'ART10_NO_WRITTEN_CONTRACT'));
  t.same(
    file.json().trend.map((p: { asOf: string }) => p.asOf),
    ['2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31', '2026-08-31', '2026-09-10'],
    'six points of signing-rate trend',
  );
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${yuncheng.uscc}?purpose=x1`, headers: otherInspector })).statusCode, 404, 'another region’s inspector cannot see it');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/government/contracts/${contractId}?purpose=x1`, headers: otherInspector })).statusCode, 404);
  const contract = await app.inject({ method: 'GET', url: `/api/v1/government/contracts/${contractId}?purpose=${encodeURIComponent('案件调查')}&caseNumber=JC-2026-7`, headers: inspector });
  t.equal(contract.statusCode, 200, contract.body);
  expectSignedContractVerdict(t, contract.json().verification, 'retrieved with its verification status');
  const pdf = await app.inject({ method: 'GET', url: `/api/v1/government/contracts/${contractId}/pdf?purpose=${encodeURIComponent('案件调查')}&caseNumber=JC-2026-7`, headers: inspector });
  t.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
  const actions = (await platform.db.accessLog.findMany({ where: { contractId }, orderBy: { at: 'asc' } })).map((a) => a.action);
  t.same(actions, ['insurance.contract_read', 'insurance.feed_read', 'employer.inspected', 'contract.read', 'contract.read'], 'every official read is logged');
  const trail = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${contractId}/audit`, headers: employer })).json();
  t.equal(trail.events.filter((e: { type: string }) => e.type === 'official.accessed').length, 5, 'and is in the contract’s evidence chain');
  t.equal(trail.chain.intact, true);
});

t.test('employment services: hires with a contract in force, by hire date and age', async (t) => {
  const employment = await createOfficial('employment', '1408');
  const url = (extra: string) => `/api/v1/employment/hires?region=1408&from=2026-09-01&to=2026-09-30&purpose=${encodeURIComponent('高校毕业生就业补贴审核')}${extra}`;
  const hires = await app.inject({ method: 'GET', url: url(''), headers: employment });
  t.equal(hires.statusCode, 200, hires.body);
  t.match(hires.json().items, [{ hireDate: '2026-09-15', employer: { uscc: yuncheng.uscc }, contract: { id: contractId, socialInsuranceAgreed: true } }]);
  t.equal(hires.json().items.length, 1, 'the hire without a contract is not listed');
  const age = hires.json().items[0].worker.ageAtHire as number;
  t.same((await app.inject({ method: 'GET', url: url(`&maxAgeAtHire=${age - 1}`), headers: employment })).json().items, [], 'older than the limit: not listed');
  t.equal((await app.inject({ method: 'GET', url: url(''), headers: inspector })).statusCode, 403);
});

t.test('arbitration: an evidence bundle of a contract in the region, the export logged', async (t) => {
  const arbitration = await createOfficial('arbitration', '1408');
  const otherArbitration = await createOfficial('arbitration', '1401');
  const body = { caseNumber: '晋运劳人仲案字〔2027〕第0012号', purpose: '劳动争议仲裁案件调取证据', idNumber: example.worker.idNumber, employerUscc: yuncheng.uscc };
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/arbitration/evidence', headers: insurance, payload: body })).statusCode, 403, 'only arbitration and inspection officials');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/arbitration/evidence', headers: otherArbitration, payload: { ...body, contractId } })).statusCode, 404, 'only in their region');
  const response = await app.inject({ method: 'POST', url: '/api/v1/arbitration/evidence', headers: arbitration, payload: body });
  t.equal(response.statusCode, 200, response.statusCode === 200 ? 'bundle returned' : response.body);
  t.equal(response.headers['content-type'], 'application/zip');
  const logged = await platform.db.accessLog.findMany({ where: { contractId, action: 'arbitration.evidence_exported' } });
  t.match(logged, [{ caseNumber: body.caseNumber }], 'the export is logged with the case number');

  // The bundle's contents, manifest and certificate chains: test/http/evidence-bundle.test.ts.
});
