/** 用工备案 from a sheet: Chinese headers, every bad row reported, all-or-nothing on request. */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { todayInShanghai } from '../../src/domain/calendar.ts';
import { csvRecords } from '../../src/sheets/csv.ts';
import { employerBody, testUscc } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(95) })).json().apiKey);
const id = (n: number) => {
  const first17 = `14080219900101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};
const csv = (rows: string[][], header = '姓名,身份证号码,手机号码,用工起始日期,用工形式,岗位,派遣单位统一社会信用代码') => [header, ...rows.map((r) => r.join(','))].join('\r\n');
const upload = (body: string, allOrNothing = false) =>
  app.inject({ method: 'POST', url: `/api/v1/roster/hires/bulk?allOrNothing=${allOrNothing}`, headers: { ...employer, 'content-type': 'text/csv' }, payload: body });

t.test('the example sheet has the columns the upload reads', async (t) => {
  const example = await app.inject({ method: 'GET', url: '/api/v1/roster/hires/example.csv', headers: employer });
  t.equal(example.statusCode, 200);
  const { header, records } = csvRecords(example.body);
  t.same(header.slice(0, 5), ['姓名', '身份证号码', '手机号码', '用工起始日期', '用工形式']);
  t.equal(records.length, 2);
});

t.test('bad rows are reported by row, column and rule; all-or-nothing writes nothing', async (t) => {
  const sheet = csv([
    ['张一', id(1), '13800000011', '2026-09-01', '劳动合同', '操作工'],
    ['张二', '140802199001010000', '', '2026-09-01', '劳动合同', '操作工'],
    ['张三', id(3), '', '2026/09/01', '临时工', ''],
  ]);
  const refused = await upload(sheet, true);
  t.equal(refused.statusCode, 422);
  t.match(refused.json().errors, [
    { row: 3, field: '身份证号码' },
    { row: 4, field: '用工起始日期' },
    { row: 4, field: '用工形式', messageZh: /劳动合同、劳务派遣、非全日制/ },
  ]);
  t.equal(await platform.db.rosterEntry.count(), 0, 'nothing written');

  const partial = await upload(sheet);
  t.equal(partial.statusCode, 200);
  t.equal(partial.json().created, 1, 'the good row is written');
  t.equal(partial.json().errors.length, 3);
  const again = await upload(
    csv([
      ['张一', id(1), '', '2026-09-01', '劳动合同', '操作工'],
      ['张四', id(4), '', '2026-09-02', '劳务派遣', '客服', testUscc(97)],
    ]),
  );
  t.equal(again.json().created, 1);
  t.match(again.json().errors, [{ row: 2, field: '身份证号码', rule: 'not_on_roster' }], 'a worker already on the roster is reported, not doubled');
  t.equal(await platform.db.rosterEntry.count(), 2);
  const missing = await app.inject({ method: 'POST', url: '/api/v1/roster/hires/bulk', headers: { ...employer, 'content-type': 'text/csv' }, payload: '姓名,手机号码\n张五,13800000000' });
  t.equal(missing.statusCode, 400);
  t.match(missing.json().errors, [{ field: '身份证号码', rule: 'column_required' }]);
});

t.test('the daily supervision run keeps one snapshot per employer and day, whichever process runs it', async (t) => {
  const runs = await Promise.all([platform.dailySupervision.run('2026-10-20'), platform.dailySupervision.run('2026-10-20')]);
  t.equal(runs.filter((r) => r.ran).length >= 1, true, 'at least one process ran the day');
  const viaApi = await app.inject({ method: 'POST', url: '/api/v1/admin/supervision/run', headers: bearer(adminToken), payload: { asOf: '2026-10-20' } });
  t.equal(viaApi.statusCode, 200, viaApi.body);
  t.equal(viaApi.json().ran, true, 'running a day again is allowed and idempotent');
  const snapshots = await platform.db.supervisionSnapshot.findMany({ where: { asOf: new Date('2026-10-20T00:00:00Z') } });
  const organisations = await platform.db.organisation.count({ where: { kind: { not: 'platform' } } });
  t.equal(snapshots.length, organisations, 'one snapshot per employer');
  const ours = snapshots.find((s) => s.headcount > 0)!;
  t.equal(ours.headcount, 2, 'two workers on the roster');
  t.ok(
    (ours.alerts as { code: string }[]).some((a) => a.code === 'ART10_NO_WRITTEN_CONTRACT'),
    'hires without a contract past one month are flagged',
  );
});

// From here on a second employer, so the snapshot counts above stay those of the first.
const second = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(96) })).json().apiKey);
const hire = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/v1/roster/hires', headers: second, payload });

t.test('hire dates must be real calendar dates: 400 naming the field and the rule, in Chinese too', async (t) => {
  const before = await platform.db.rosterEntry.count();
  const cases: [string, string, string][] = [
    ['February 30th is not rolled over to March 2nd', '2026-02-30', 'calendar_date'],
    ['day 32 is refused, not a server error', '2026-02-32', 'calendar_date'],
    ['month 13', '2026-13-01', 'calendar_date'],
    ['February 29th of a common year', '2027-02-29', 'calendar_date'],
    ['slashes are not the format', '2026/09/01', 'date_format'],
  ];
  for (const [name, hireDate, rule] of cases) {
    const response = await hire({ worker: { name: '赵六', idNumber: id(60) }, hireDate, employmentForm: 'labor_contract' });
    t.equal(response.statusCode, 400, `${name}: ${response.body}`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    t.match(response.json().errors, [{ field: 'hireDate', in: 'body', rule, messageZh: /用工起始日期/ }], name);
  }
  t.equal((await hire({ worker: { name: '赵六', idNumber: id(60) }, hireDate: '2028-02-29', employmentForm: 'labor_contract' })).statusCode, 201, 'a leap day is a date');
  t.equal(await platform.db.rosterEntry.count(), before + 1, 'only the valid hire was written');
  const separation = await app.inject({ method: 'POST', url: '/api/v1/roster/separations', headers: second, payload: { idNumber: id(60), separationDate: '2028-04-31', kind: 'resignation' } });
  t.equal(separation.statusCode, 400, separation.body);
  t.match(separation.json().errors, [{ field: 'separationDate', rule: 'calendar_date', messageZh: /离职日期不是有效日期/ }]);
  const report = await app.inject({ method: 'GET', url: '/api/v1/roster/supervision?asOf=2026-02-30', headers: second });
  t.equal(report.statusCode, 400);
  t.match(report.json().errors, [{ field: 'asOf', in: 'query', rule: 'calendar_date' }]);
});

t.test('a dispatch hire names its dispatch agency, with a valid 统一社会信用代码', async (t) => {
  const missing = await hire({ worker: { name: '钱七', idNumber: id(61) }, hireDate: '2026-09-01', employmentForm: 'dispatch', post: '客服' });
  t.equal(missing.statusCode, 400, missing.body);
  t.match(missing.json().errors, [{ field: 'agencyUscc', rule: 'required_for_dispatch', messageZh: /派遣单位/ }]);
  const bad = await hire({
    worker: { name: '钱七', idNumber: id(61) },
    hireDate: '2026-09-01',
    employmentForm: 'dispatch',
    agencyUscc: testUscc(97).slice(0, 17) + (testUscc(97).endsWith('0') ? '1' : '0'),
  });
  t.equal(bad.statusCode, 400, bad.body);
  t.match(bad.json().errors, [{ field: 'agencyUscc', rule: 'uscc' }]);
  const good = await hire({ worker: { name: '钱七', idNumber: id(61) }, hireDate: '2026-09-01', employmentForm: 'dispatch', agencyUscc: testUscc(97) });
  t.equal(good.statusCode, 201, good.body);
  t.equal((await platform.db.rosterEntry.findUniqueOrThrow({ where: { id: good.json().id } })).agencyUscc, testUscc(97));
});

t.test('a hire records the graduation year the subsidy policies read', async (t) => {
  const recorded = await hire({ worker: { name: '孙八', idNumber: id(62) }, hireDate: '2026-07-01', employmentForm: 'labor_contract', graduationYear: 2026, postCategory: '专业技术' });
  t.equal(recorded.statusCode, 201, recorded.body);
  const entry = await platform.db.rosterEntry.findUniqueOrThrow({ where: { id: recorded.json().id } });
  t.equal(entry.graduationYear, 2026);
  t.equal(entry.postCategory, '专业技术');
  const later = await hire({ worker: { name: '周九', idNumber: id(63) }, hireDate: '2026-07-01', employmentForm: 'labor_contract', graduationYear: 2028 });
  t.equal(later.statusCode, 400, later.body);
  t.match(later.json().errors, [{ field: 'graduationYear', rule: 'graduation_year_range', messageZh: /毕业年份/ }]);
  const fraction = await hire({ worker: { name: '周九', idNumber: id(63) }, hireDate: '2026-07-01', employmentForm: 'labor_contract', graduationYear: 2025.5 });
  t.equal(fraction.statusCode, 400);
  t.match(fraction.json().errors, [{ field: 'graduationYear' }]);
});

t.test('the roster sheet has post-category and graduation-year columns, and checks dates and agencies per row', async (t) => {
  const example = csvRecords((await app.inject({ method: 'GET', url: '/api/v1/roster/hires/example.csv', headers: second })).body);
  t.ok(example.header.includes('岗位类别'), 'post category column');
  t.ok(example.header.includes('毕业年份'), 'graduation year column');
  t.equal(example.records[1]!.values['岗位类别'], '辅助性岗位');
  const header = '姓名,身份证号码,手机号码,用工起始日期,用工形式,岗位,派遣单位统一社会信用代码,岗位类别,毕业年份';
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires/bulk',
    headers: { ...second, 'content-type': 'text/csv' },
    payload: csv(
      [
        ['吴十', id(70), '', '2026-09-01', '劳务派遣', '保洁', testUscc(97), '辅助性岗位', ''],
        ['郑一', id(71), '', '2026-02-30', '劳动合同', '操作工', '', '', ''],
        ['王二', id(72), '', '2026-09-01', '劳务派遣', '保安', '', '辅助性岗位', ''],
        ['冯三', id(73), '', '2026-07-01', '劳动合同', '技术员', '', '专业技术', '2026'],
        ['陈四', id(74), '', '2026-07-01', '劳动合同', '技术员', '', '', '二〇二六'],
      ],
      header,
    ),
  });
  t.equal(response.statusCode, 200, response.body);
  t.equal(response.json().created, 2);
  t.match(response.json().errors, [
    { row: 3, field: '用工起始日期', rule: 'calendar_date', messageZh: /不是有效日期/ },
    { row: 4, field: '派遣单位统一社会信用代码', rule: 'required_for_dispatch', messageZh: /派遣单位/ },
    { row: 6, field: '毕业年份' },
  ]);
  t.equal(response.json().errors.length, 3);
  const dispatched = await platform.db.rosterEntry.findFirstOrThrow({ where: { post: '保洁' } });
  t.equal(dispatched.postCategory, '辅助性岗位', 'the post category is stored');
  t.equal(dispatched.agencyUscc, testUscc(97));
  t.equal((await platform.db.rosterEntry.findFirstOrThrow({ where: { post: '技术员' } })).graduationYear, 2026, 'the graduation year is stored');
});

t.test('the signing day is the Beijing date: signed 2026-03-01T01:30+08:00 counts as day 31 of a 2026-01-30 hire', async (t) => {
  const template = platform.templates.get('labor-contract-general')!;
  const fields = template.example as { worker: { name: string; idNumber: string } } & Record<string, unknown>;
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: second, payload: { templateId: template.id, fields } });
  t.equal(created.statusCode, 201, created.body);
  // The signing flow is exercised elsewhere; here only the stored moment of effect matters.
  await platform.db.contract.update({ where: { id: created.json().id }, data: { status: 'signed', effectiveAt: new Date('2026-03-01T01:30:00+08:00') } });
  t.equal((await hire({ worker: { name: fields.worker.name, idNumber: fields.worker.idNumber }, hireDate: '2026-01-30', employmentForm: 'labor_contract' })).statusCode, 201);
  const report = (await app.inject({ method: 'GET', url: '/api/v1/roster/supervision?asOf=2026-03-10', headers: second })).json();
  const late = report.alerts.filter((a: { code: string }) => a.code === 'ART82_DOUBLE_WAGE_LATE_SIGNING');
  t.equal(late.length, 1, 'signed after the one-month deadline 2026-02-28');
  t.equal(late[0].details.signedAt, '2026-03-01');
  t.equal(late[0].details.signingDeadline, '2026-02-28');
});

t.test('without asOf the report is for today in Beijing time', async (t) => {
  const report = (await app.inject({ method: 'GET', url: '/api/v1/roster/supervision', headers: second })).json();
  t.equal(report.asOf, todayInShanghai());
});
