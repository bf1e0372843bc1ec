/**
 * Officials over HTTP, endpoint by endpoint: region scoping in both directions (运城 1408 sees
 * no 太原 record; 太原 written as 1401 or as 140100 does), and every kind of read in the access
 * log with who, what and why, and in the affected worker's 我的合同 ("who has viewed my contract").
 */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { employerBody, testUscc } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t, { INSURANCE_FEED_SETTLE_SECONDS: '0' });
const admin = bearer(adminToken);
const createEmployer = async (body: Record<string, unknown>) => (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: body })).json();
const createOfficial = async (role: string, regionCode: string) => {
  const created = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `${role}-${regionCode}`, role, regionCode } })).json();
  return { id: created.id as string, headers: bearer(created.apiKey) };
};

const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const person = (name: string, first17: string, phone: string) => ({ ...example.worker, name, idNumber: first17 + residentIdCheckCharacter(first17), phone });

async function signedContract(employerKey: Record<string, string>, worker: { name: string; idNumber: string; phone: string }) {
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employerKey, payload: { templateId: template.id, fields: { ...example, worker } } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const contract = created.json() as { id: string; number: string };
  for (const step of ['seal', 'send']) await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/${step}`, headers: employerKey });
  const phone = workerPhone(app, platform, worker);
  const result = await phone.sign(await phone.latestLink());
  if (result.statusCode !== 200) throw new Error(result.body);
  const hired = await app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires',
    headers: employerKey,
    payload: { worker: { name: worker.name, idNumber: worker.idNumber }, hireDate: '2026-09-15', employmentForm: 'labor_contract' },
  });
  if (hired.statusCode !== 201) throw new Error(hired.body);
  const row = await platform.db.contract.findUniqueOrThrow({ where: { id: contract.id } });
  return { ...contract, workerId: row.workerId, phone };
}

const yuncheng = await createEmployer(employerBody(61));
const taiyuan = await createEmployer({ ...employerBody(62), regionCode: '140105', uscc: testUscc(62) });
const workerY = example.worker;
const workerT = person('赵强', '14010519900307123', '13900000062');
const contractY = await signedContract(bearer(yuncheng.apiKey), workerY);
const contractT = await signedContract(bearer(taiyuan.apiKey), workerT);
// A 运城 hire without a written contract: an employer-file alert about a worker with no contract.
const unsignedId = '14080219900101123' + residentIdCheckCharacter('14080219900101123');
await app.inject({
  method: 'POST',
  url: '/api/v1/roster/hires',
  headers: bearer(yuncheng.apiKey),
  payload: { worker: { name: '李四', idNumber: unsignedId }, hireDate: '2026-08-01', employmentForm: 'labor_contract' },
});

const roles = ['insurance', 'inspection', 'employment', 'arbitration'] as const;
type Officials = Record<(typeof roles)[number], { id: string; headers: Record<string, string> }>;
const officialsOf = async (region: string) => Object.fromEntries(await Promise.all(roles.map(async (role) => [role, await createOfficial(role, region)]))) as Officials;
const offices = { '1408': await officialsOf('1408'), '1401': await officialsOf('1401'), '140100': await officialsOf('140100') };

const why = (caseNumber: string) => `purpose=${encodeURIComponent('核查')}&caseNumber=${encodeURIComponent(caseNumber)}`;
const get = (url: string, official: { headers: Record<string, string> }) => app.inject({ method: 'GET', url, headers: official.headers });
/** A lookup by ID number: in the body, never in the URL. */
const searchById = (url: string, idNumber: string, caseNumber: string, official: { headers: Record<string, string> }) =>
  app.inject({ method: 'POST', url, headers: official.headers, payload: { idNumber, purpose: '核查', caseNumber } });

t.test('an official of 运城 (1408) sees no 太原 (1401xx) record; one of 太原 as 1401 or 140100 does', async (t) => {
  for (const [region, office] of Object.entries(offices)) {
    const sees = region !== '1408';
    const label = (what: string) => `${region} ${sees ? 'sees' : 'does not see'} ${what}`;
    const ids = (items: { id?: string; contractId?: string; contract?: { id: string } }[]) => items.map((i) => i.id ?? i.contractId ?? i.contract?.id);

    const insured = await searchById('/api/v1/insurance/contracts', workerT.idNumber, 'R-1', office.insurance);
    t.equal(insured.statusCode, 200, insured.body);
    t.same(ids(insured.json().items), sees ? [contractT.id] : [], label('the 太原 worker’s contract in the insurance query'));

    const feed = (await get('/api/v1/insurance/events?after=0', office.insurance)).json();
    t.same(ids(feed.items), sees ? [contractT.id] : [contractY.id], label('the 太原 contract in the change feed, and only its own region’s'));

    const found = await searchById('/api/v1/government/workers/contracts', workerT.idNumber, 'R-2', office.inspection);
    t.same(ids(found.json().items), sees ? [contractT.id] : [], label('the 太原 worker in the worker search'));

    t.equal((await get(`/api/v1/government/contracts/${contractT.id}?${why('R-3')}`, office.inspection)).statusCode, sees ? 200 : 404, label('the 太原 contract by id'));
    t.equal((await get(`/api/v1/government/contracts/${contractT.id}/pdf?${why('R-4')}`, office.inspection)).statusCode, sees ? 200 : 404, label('the 太原 contract PDF'));

    const taiyuanList = await get(`/api/v1/inspection/employers?region=1401&${why('R-5')}`, office.inspection);
    t.equal(taiyuanList.statusCode, sees ? 200 : 403, label('the 太原 region list'));
    if (sees)
      t.same(
        taiyuanList.json().items.map((e: { uscc: string }) => e.uscc),
        [taiyuan.uscc],
        label('the 太原 employer, and no other'),
      );
    const ownList = await get(`/api/v1/inspection/employers?region=${region}&${why('R-6')}`, office.inspection);
    t.equal(ownList.statusCode, 200, `${region}: its own region, as written`);
    t.same(
      ownList.json().items.map((e: { uscc: string }) => e.uscc),
      [sees ? taiyuan.uscc : yuncheng.uscc],
      `${region}: exactly its own region’s employers`,
    );

    t.equal((await get(`/api/v1/inspection/employers/${taiyuan.uscc}?${why('R-7')}`, office.inspection)).statusCode, sees ? 200 : 404, label('the 太原 employer file'));

    const hires = await get(`/api/v1/employment/hires?region=1401&from=2026-09-01&to=2026-09-30&${why('R-8')}`, office.employment);
    t.equal(hires.statusCode, sees ? 200 : 403, label('the 太原 hires'));
    const hireContracts = (items: { contract: { id: string } | null }[]) => items.map((i) => i.contract?.id).filter(Boolean);
    if (sees) t.same(hireContracts(hires.json().items), [contractT.id], label('the 太原 hire'));
    const ownHires = await get(`/api/v1/employment/hires?region=${region}&from=2026-09-01&to=2026-09-30&${why('R-9')}`, office.employment);
    t.same(hireContracts(ownHires.json().items), [sees ? contractT.id : contractY.id], `${region}: the hires of its own region only`);

    if (!sees) {
      const refused = await app.inject({
        method: 'POST',
        url: '/api/v1/arbitration/evidence',
        headers: office.arbitration.headers,
        payload: { caseNumber: 'R-10', purpose: '仲裁', contractId: contractT.id },
      });
      t.equal(refused.statusCode, 404, label('the 太原 contract’s evidence (by id)'));
      const byParties = await app.inject({
        method: 'POST',
        url: '/api/v1/arbitration/evidence',
        headers: office.arbitration.headers,
        payload: { caseNumber: 'R-11', purpose: '仲裁', idNumber: workerT.idNumber, employerUscc: taiyuan.uscc },
      });
      t.equal(byParties.statusCode, 404, label('the 太原 contract’s evidence (by ID number and employer)'));
    } else {
      const payload = region === '1401' ? { contractId: contractT.id } : { idNumber: workerT.idNumber, employerUscc: taiyuan.uscc };
      const bundle = await app.inject({
        method: 'POST',
        url: '/api/v1/arbitration/evidence',
        headers: office.arbitration.headers,
        payload: { caseNumber: `R-12-${region}`, purpose: '仲裁', ...payload },
      });
      t.equal(bundle.statusCode, 200, label(`the 太原 contract’s evidence (${Object.keys(payload).join(' + ')})`));
    }
  }
});

t.test('every kind of official read is in the access log and in the worker’s 我的合同', async (t) => {
  const office = offices['1408'];
  await contractY.phone.post('/api/v1/portal/code', { phone: workerY.phone });
  const login = await contractY.phone.post('/api/v1/portal/login', { phone: workerY.phone, code: await contractY.phone.latestCode() });
  t.equal(login.statusCode, 200, login.body);
  const portal = async () =>
    (await app.inject({ method: 'GET', url: '/api/v1/portal/accesses', headers: { 'x-portal-session': login.json().token } })).json().items as {
      role: string;
      regionCode: string;
      action: string;
      purpose: string;
      caseNumber: string | null;
      contractNumber: string | null;
    }[];

  const reads: { kind: string; role: keyof Officials; action: string; read: (caseNumber: string) => Promise<{ statusCode: number; body: string }> }[] = [
    { kind: 'insurance query', role: 'insurance', action: 'insurance.contract_read', read: (n) => searchById('/api/v1/insurance/contracts', workerY.idNumber, n, office.insurance) },
    { kind: 'worker search', role: 'inspection', action: 'worker.contracts_listed', read: (n) => searchById('/api/v1/government/workers/contracts', workerY.idNumber, n, office.inspection) },
    { kind: 'contract', role: 'inspection', action: 'contract.read', read: (n) => get(`/api/v1/government/contracts/${contractY.id}?${why(n)}`, office.inspection) },
    { kind: 'contract pdf', role: 'inspection', action: 'contract.read', read: (n) => get(`/api/v1/government/contracts/${contractY.id}/pdf?${why(n)}`, office.inspection) },
    { kind: 'employer file', role: 'inspection', action: 'employer.inspected', read: (n) => get(`/api/v1/inspection/employers/${yuncheng.uscc}?asOf=2026-09-10&${why(n)}`, office.inspection) },
    {
      kind: 'employment query',
      role: 'employment',
      action: 'employment.hire_read',
      read: (n) => get(`/api/v1/employment/hires?region=1408&from=2026-09-01&to=2026-09-30&${why(n)}`, office.employment),
    },
    {
      kind: 'evidence export',
      role: 'arbitration',
      action: 'arbitration.evidence_exported',
      read: (n) => app.inject({ method: 'POST', url: '/api/v1/arbitration/evidence', headers: office.arbitration.headers, payload: { caseNumber: n, purpose: '核查', contractId: contractY.id } }),
    },
  ];
  for (const { kind, role, action, read } of reads) {
    const caseNumber = `LOG-${kind.replaceAll(' ', '-')}`;
    const response = await read(caseNumber);
    t.equal(response.statusCode, 200, `${kind}: ${response.statusCode === 200 ? 'read' : response.body}`);
    const rows = await platform.db.accessLog.findMany({ where: { caseNumber, contractId: contractY.id } });
    t.equal(rows.length, 1, `${kind}: one access-log row for the worker’s contract`);
    t.match(rows[0], { officialId: office[role].id, action, purpose: /^核查/ }, `${kind}: who, what and why`);
    if (action !== 'employment.hire_read') t.equal(rows[0]?.workerId, contractY.workerId, `${kind}: the worker is named`);
    t.ok(
      (await portal()).some((e) => e.caseNumber === caseNumber && e.action === action && e.role === role && e.regionCode === '1408' && e.contractNumber === contractY.number),
      `${kind}: shown in the worker’s 我的合同`,
    );
  }

  const before = await platform.db.accessLog.count({ where: { action: 'insurance.feed_read', contractId: contractY.id } });
  const shownBefore = (await portal()).filter((e) => e.action === 'insurance.feed_read').length;
  t.equal((await get('/api/v1/insurance/events?after=0', office.insurance)).statusCode, 200);
  t.equal(
    await platform.db.accessLog.count({ where: { action: 'insurance.feed_read', contractId: contractY.id, officialId: office.insurance.id } }),
    before + 1,
    'feed: logged for the contract delivered',
  );
  t.equal(
    (await portal()).filter((e) => e.action === 'insurance.feed_read' && e.role === 'insurance' && e.contractNumber === contractY.number).length,
    shownBefore + 1,
    'feed: shown in the worker’s 我的合同',
  );

  const fileRows = await platform.db.accessLog.findMany({ where: { caseNumber: 'LOG-employer-file' } });
  const unsigned = await platform.db.worker.findMany({ where: { contracts: { none: {} } }, select: { id: true } });
  t.equal(unsigned.length, 1);
  t.ok(
    fileRows.some((row) => row.workerId === unsigned[0]!.id && row.contractId === null),
    'employer file: the worker of an alert without a contract is logged too',
  );
  t.notOk(
    fileRows.some((row) => row.contractId === contractT.id),
    'employer file: another employer’s contract is not',
  );

  const listed = await get(`/api/v1/inspection/employers?region=1408&${why('LOG-region')}`, office.inspection);
  t.equal(listed.statusCode, 200);
  t.match(
    await platform.db.accessLog.findMany({ where: { caseNumber: 'LOG-region' } }),
    [{ officialId: office.inspection.id, action: 'inspection.region_listed', purpose: /^核查（辖区 山西省运城市（1408），1 家用人单位）$/ }],
    'region list: one row with who, what and why',
  );
  t.equal((await get('/api/v1/inspection/employers?region=1408', office.inspection)).statusCode, 400, 'region list: a purpose is required');
});
