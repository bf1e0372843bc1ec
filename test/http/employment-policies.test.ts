/**
 * 就业服务 over HTTP: hires checked against the employment subsidy seed policies. One hire
 * qualifies for 一次性扩岗补助 (2023 graduates); each other hire fails exactly one condition.
 */
import t from 'tap';
import { monthPeriodEnd } from '../../src/domain/calendar.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { contractFieldsColumn } from '../../src/services/contracts.ts';
import { employerBody, testUscc } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const employerOrg = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(81) })).json();
const employer = bearer(employerOrg.apiKey);
const createOfficial = async (role: string, regionCode: string) =>
  bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `${role}-${regionCode}`, role, regionCode } })).json().apiKey);
const employment = await createOfficial('employment', '1408');

const template = platform.templates.get('labor-contract-general')!;
const example = template.example as Record<string, unknown> & { worker: Record<string, unknown> };
const idNumber = (birth: string, seq: number) => {
  const first17 = `140802${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};

type Contract = 'signed' | 'draft' | 'signed-without-social-insurance' | 'none';
interface Case {
  key: string;
  birth: string;
  hireDate: string;
  employmentForm?: 'labor_contract' | 'dispatch';
  graduationYear?: number;
  contract: Contract;
  /** Failed conditions of kuogang-2023-graduates. */
  fails: string[];
}
const cases: Case[] = [
  { key: 'qualifies', birth: '1990-03-01', hireDate: '2023-07-10', graduationYear: 2023, contract: 'signed', fails: [] },
  { key: 'graduate_of_year', birth: '1990-03-02', hireDate: '2023-07-10', graduationYear: 2021, contract: 'signed', fails: ['graduate_of_year'] },
  { key: 'hire_date_window', birth: '1990-03-03', hireDate: '2024-03-01', graduationYear: 2023, contract: 'signed', fails: ['hire_date_window'] },
  { key: 'employment_form', birth: '1990-03-04', hireDate: '2023-07-10', employmentForm: 'dispatch', graduationYear: 2023, contract: 'signed', fails: ['employment_form'] },
  { key: 'signed_contract', birth: '1990-03-05', hireDate: '2023-07-10', graduationYear: 2023, contract: 'draft', fails: ['signed_contract'] },
  { key: 'unemployment_insurance', birth: '1990-03-06', hireDate: '2023-07-10', graduationYear: 2023, contract: 'signed-without-social-insurance', fails: ['unemployment_insurance'] },
  // Not a graduate of the year, but 22 at hire: 一次性扩岗补助 for 16–24-year-olds instead.
  { key: 'youth', birth: '2001-05-01', hireDate: '2023-07-10', contract: 'signed', fails: ['graduate_of_year'] },
];

const ids: Record<string, { entry: string; worker: string; contract?: string }> = {};
for (const [n, c] of cases.entries()) {
  const worker = { name: `测试${c.key}`, idNumber: idNumber(c.birth, 100 + n), phone: `139000000${String(n).padStart(2, '0')}` };
  let contractId: string | undefined;
  if (c.contract !== 'none') {
    const { probation: _none, ...rest } = example;
    const fields = { ...rest, worker: { ...example.worker, ...worker }, startDate: c.hireDate, endDate: monthPeriodEnd(c.hireDate, 36) };
    const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields } });
    if (created.statusCode !== 201) throw new Error(created.body);
    contractId = created.json().id;
    // The signing flow is tested elsewhere; the query reads the contract's state and clauses.
    if (c.contract !== 'draft') await platform.db.contract.update({ where: { id: contractId }, data: { status: 'signed', effectiveAt: new Date(`${c.hireDate}T10:00:00+08:00`) } });
    if (c.contract === 'signed-without-social-insurance') {
      const stored = await platform.db.contract.findUniqueOrThrow({ where: { id: contractId } });
      const clauses = platform.fieldCrypto.decryptJson<Record<string, unknown>>(stored.fieldsCipher, contractFieldsColumn);
      await platform.db.contract.update({ where: { id: contractId }, data: { fieldsCipher: platform.fieldCrypto.encryptJson({ ...clauses, socialInsurance: false }, contractFieldsColumn) } });
    }
  }
  const hired = await app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires',
    headers: employer,
    payload: {
      worker: { name: worker.name, idNumber: worker.idNumber },
      hireDate: c.hireDate,
      employmentForm: c.employmentForm ?? 'labor_contract',
      ...(c.employmentForm === 'dispatch' ? { agencyUscc: testUscc(82) } : {}),
      ...(c.graduationYear ? { graduationYear: c.graduationYear } : {}),
    },
  });
  if (hired.statusCode !== 201) throw new Error(hired.body);
  const entry = await platform.db.rosterEntry.findUniqueOrThrow({ where: { id: hired.json().id } });
  ids[c.key] = { entry: entry.id, worker: entry.workerId, ...(contractId ? { contract: contractId } : {}) };
}
const keyOf = (entryId: string) => Object.entries(ids).find(([, v]) => v.entry === entryId)?.[0];
const purpose = encodeURIComponent('一次性扩岗补助免申即享核查');
const query = (extra: string) => app.inject({ method: 'GET', url: `/api/v1/employment/hires?region=1408&purpose=${purpose}${extra}`, headers: employment });

t.test('kuogang-2023-graduates: only the hire meeting every condition is listed', async (t) => {
  const before = await platform.db.accessLog.count({ where: { action: 'employment.hire_read' } });
  const response = await query('&policy=kuogang-2023-graduates');
  t.equal(response.statusCode, 200, response.body);
  const body = response.json();
  t.same(
    body.items.map((item: { id: string }) => keyOf(item.id)),
    ['qualifies'],
    'the window defaults to the policy’s: 2023',
  );
  t.match(body.items[0], {
    hireDate: '2023-07-10',
    graduationYear: 2023,
    employer: { uscc: employerOrg.uscc },
    contract: { id: ids.qualifies!.contract, kind: 'labor_contract', socialInsuranceAgreed: true, unemploymentInsuranceAgreed: true },
  });
  t.ok(body.items[0].eligibility.qualifies.includes('kuogang-2023-graduates'));
  t.equal(body.policies.length, 1);
  t.match(body.policies[0], { id: 'kuogang-2023-graduates', titleZh: /一次性扩岗补助/, subsidyYuan: 1500, hireWindow: { from: '2023-01-01', to: '2023-12-31' }, sources: [{ date: /^2023/ }] });
  t.same(body.policies[0].hires, [ids.qualifies!.entry]);
  t.equal(await platform.db.accessLog.count({ where: { action: 'employment.hire_read' } }), before + 1, 'the read is logged');
});

t.test('kuogang-2023-graduates: each failing hire names its one failed condition', async (t) => {
  const response = await query('&policy=kuogang-2023-graduates&include=all&from=2023-01-01&to=2024-12-31');
  t.equal(response.statusCode, 200, response.body);
  const items: { id: string; eligibility: { qualifies: string[]; fails: { policyId: string; failures: { condition: string; messageZh: string }[] }[] } }[] = response.json().items;
  t.equal(items.length, cases.length, 'every hire of the window, qualifying or not');
  for (const c of cases) {
    const item = items.find((i) => keyOf(i.id) === c.key)!;
    const failures = item.eligibility.fails.find((f) => f.policyId === 'kuogang-2023-graduates')?.failures ?? [];
    t.same(
      failures.map((f) => f.condition),
      c.fails,
      `${c.key}: ${c.fails.join(', ') || 'qualifies'}`,
    );
    t.equal(item.eligibility.qualifies.includes('kuogang-2023-graduates'), c.fails.length === 0);
    for (const failure of failures) t.match(failure.messageZh, /[\u4e00-\u9fff]/);
  }
});

t.test('every seed policy at once: qualifying hires per policy', async (t) => {
  const response = await query('&include=all&from=2023-01-01&to=2023-12-31');
  t.equal(response.statusCode, 200, response.body);
  const byPolicy = Object.fromEntries(response.json().policies.map((p: { id: string; hires: string[] }) => [p.id, p.hires.map(keyOf)]));
  t.same(byPolicy['kuogang-2023-graduates'], ['qualifies']);
  t.same(byPolicy['kuogang-2023-youth'], ['youth'], 'the 22-year-old, not the 33-year-olds');
  t.same(byPolicy['kuogang-2022-graduates'], []);
  t.ok(byPolicy['shanxi-tuopin-social-insurance'].includes('youth'), 'three-year contracts meet the one-year term');
  t.notOk(byPolicy['shanxi-tuopin-social-insurance'].includes('signed_contract'), 'but not without a signed contract');
});

t.test('without a policy the default lists hires with a contract in force; a hire without one is logged on the worker', async (t) => {
  const contracted = await query('&from=2023-01-01&to=2023-12-31');
  t.equal(contracted.statusCode, 200, contracted.body);
  t.same(
    contracted
      .json()
      .items.map((i: { id: string }) => keyOf(i.id))
      .sort(),
    ['employment_form', 'graduate_of_year', 'qualifies', 'unemployment_insurance', 'youth'],
  );
  const all = await query('&include=all&from=2023-07-10&to=2023-07-10&policy=kuogang-2023-graduates');
  const unsigned = all.json().items.find((i: { id: string }) => keyOf(i.id) === 'signed_contract');
  t.equal(unsigned.contract, null);
  const logged = await platform.db.accessLog.findFirst({ where: { action: 'employment.hire_read', workerId: ids.signed_contract!.worker }, orderBy: { at: 'desc' } });
  t.ok(logged, 'the read of a hire without a contract is logged on the worker');
  t.equal(logged?.contractId, null);
});

t.test('the query is checked: policy, dates, role and region', async (t) => {
  const unknown = await query('&policy=no-such-policy');
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().errors, [{ field: 'policy' }]);
  const noWindow = await query('');
  t.equal(noWindow.statusCode, 400);
  t.match(noWindow.json().errors, [
    { field: 'from', rule: 'required_without_policy' },
    { field: 'to', rule: 'required_without_policy' },
  ]);
  const notADate = await query('&from=2023-02-30&to=2023-12-31');
  t.equal(notADate.statusCode, 400);
  t.match(notADate.json().errors, [{ field: 'from' }]);
  const backwards = await query('&from=2023-12-31&to=2023-01-01');
  t.equal(backwards.statusCode, 400);
  t.match(backwards.json().errors, [{ field: 'to', rule: 'on_or_after_from' }]);
  const inspector = await createOfficial('inspection', '1408');
  t.equal(
    (await app.inject({ method: 'GET', url: `/api/v1/employment/hires?region=1408&purpose=${purpose}&policy=kuogang-2023-graduates`, headers: inspector })).statusCode,
    403,
    'employment officials only',
  );
  const elsewhere = await createOfficial('employment', '1401');
  t.equal(
    (await app.inject({ method: 'GET', url: `/api/v1/employment/hires?region=1408&purpose=${purpose}&policy=kuogang-2023-graduates`, headers: elsewhere })).statusCode,
    403,
    'not another region',
  );
  t.equal(
    (await app.inject({ method: 'GET', url: `/api/v1/employment/hires?region=1408&purpose=${purpose}&policy=kuogang-2023-graduates`, headers: employer })).statusCode,
    403,
    'not an employer key',
  );
});
