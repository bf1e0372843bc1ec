/** 用工备案 from a sheet: Chinese headers, every bad row reported, all-or-nothing on request. */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { csvRecords } from '../../src/sheets/csv.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(95) })).json().apiKey);
const id = (n: number) => {
  const first17 = `14080219900101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};
const csv = (rows: string[][]) => ['姓名,身份证号码,手机号码,用工起始日期,用工形式,岗位', ...rows.map((r) => r.join(','))].join('\r\n');
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
  t.match(refused.json().errors, [{ row: 3, field: '身份证号码' }, { row: 4, field: '用工起始日期' }, { row: 4, field: '用工形式', messageZh: /劳动合同、劳务派遣、非全日制/ }]);
  t.equal(await platform.db.rosterEntry.count(), 0, 'nothing written');

  const partial = await upload(sheet);
  t.equal(partial.statusCode, 200);
  t.equal(partial.json().created, 1, 'the good row is written');
  t.equal(partial.json().errors.length, 3);
  const again = await upload(csv([['张一', id(1), '', '2026-09-01', '劳动合同', '操作工'], ['张四', id(4), '', '2026-09-02', '劳务派遣', '客服']]));
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
  t.ok((ours.alerts as { code: string }[]).some((a) => a.code === 'ART10_NO_WRITTEN_CONTRACT'), 'hires without a contract past one month are flagged');
});
