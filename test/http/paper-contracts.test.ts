/**
 * 存量合同备案 through HTTP: single (JSON + base64 scan) and by sheet (multipart: sheet + scans),
 * bad input as problem+json naming field, rule and Chinese message, the archived scan's SHA-256,
 * nothing half-written on failure, inspection seeing the contracts marked paper, and the
 * onboarding of 5,000 long-serving workers with no Art. 10 / 82 / 14 alerts.
 */
import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import { addDays, todayInShanghai } from '../../src/domain/calendar.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { keyForDigest } from '../../src/storage/archive.ts';
import { csvRecords } from '../../src/sheets/csv.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const employerOrg = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(71) })).json();
const employer = bearer(employerOrg.apiKey);
const uscc = employerBody(71).uscc;
const official = async (role: string, regionCode: string) =>
  bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `${role}-${regionCode}`, role, regionCode } })).json().apiKey);
const today = todayInShanghai();

/** A valid ID number for worker n: birth dates one day apart from 1970-01-01. */
const id = (n: number) => {
  const first17 = `140802${addDays('1970-01-01', n).replaceAll('-', '')}001`;
  return first17 + residentIdCheckCharacter(first17);
};
/** A small PDF unique to its label (a scan is stored as sent). */
const pdf = (label: string) => Buffer.from(`%PDF-1.4\n% scan of ${label}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`, 'latin1');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function multipart(sheet: { name: string; type: string; data: Buffer | string }, scans: { name: string; data: Buffer }[], field = 'scan') {
  const boundary = `----paper${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  const part = (name: string, filename: string, type: string, data: Buffer | string) => {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`, 'utf8'),
      Buffer.from(data),
      Buffer.from('\r\n'),
    );
  };
  part('sheet', sheet.name, sheet.type, sheet.data);
  for (const scan of scans) part(field, scan.name, 'application/pdf', scan.data);
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { headers: { ...employer, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(chunks) };
}
const uploadSheet = (body: ReturnType<typeof multipart>) => app.inject({ method: 'POST', url: '/api/v1/paper-contracts/sheet', ...body });
const header = '姓名,身份证号码,手机号码,合同类型,用工形式,合同期限类型,合同起始日期,合同终止日期,签订日期,岗位,月工资,纸质合同编号,扫描件文件名';
const csv = (rows: string[][]) => [header, ...rows.map((r) => r.join(','))].join('\r\n');
const counts = async () => ({ paper: await platform.db.paperContract.count(), documents: await platform.db.document.count({ where: { kind: 'paper_scan' } }) });
const stored = async (digest: string) =>
  platform.archive.get(keyForDigest(digest), digest).then(
    () => true,
    () => false,
  );

const single = (extra: Record<string, unknown> = {}, scan = pdf('single')) => ({
  worker: { name: '赵志刚', idNumber: id(9001) },
  employmentForm: 'labor_contract',
  termType: 'fixed',
  startDate: '2023-01-01',
  endDate: addDays(today, 20),
  signedOn: '2023-01-01',
  post: '电工',
  monthlyWage: 4600,
  paperNumber: 'YC-2023-001',
  scanBase64: scan.toString('base64'),
  ...extra,
});

t.test('one paper contract: registered with its scan, archived by SHA-256, audited, offered for conversion at renewal', async (t) => {
  const scan = pdf('single');
  const created = await app.inject({ method: 'POST', url: '/api/v1/paper-contracts', headers: employer, payload: single() });
  t.equal(created.statusCode, 201, created.body);
  const view = created.json();
  t.match(view, { medium: 'paper', kind: 'labor_contract', termType: 'fixed', startDate: '2023-01-01', signedOn: '2023-01-01', monthlyWage: 4600, scan: { sha256: sha256(scan), size: scan.length } });

  const download = await app.inject({ method: 'GET', url: `/api/v1/paper-contracts/${view.id}/scan.pdf`, headers: employer });
  t.equal(download.statusCode, 200);
  t.equal(sha256(download.rawPayload), sha256(scan), 'the archived scan is the bytes sent');
  t.equal(download.headers['x-content-sha256'], sha256(scan));
  const document = await platform.db.document.findFirstOrThrow({ where: { paperContract: { id: view.id } } });
  t.match(document, { kind: 'paper_scan', sha256: sha256(scan), objectKey: keyForDigest(sha256(scan)), contractId: null });
  const { organisationId } = await platform.db.paperContract.findUniqueOrThrow({ where: { id: view.id } });
  const audit = await platform.db.auditEvent.findMany({ where: { chain: `paper-contracts:${organisationId}`, type: 'paper_contract.registered' } });
  t.match(audit, [{ data: { paperContractId: view.id, sha256: sha256(scan), source: 'body' } }]);
  const stranger = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(72) })).json().apiKey);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/paper-contracts/${view.id}/scan.pdf`, headers: stranger })).statusCode, 404, 'another employer cannot read it');

  // On the roster since 2023: the paper contract is the written contract; it ends in 20 days.
  await app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires',
    headers: employer,
    payload: { worker: { name: '赵志刚', idNumber: id(9001) }, hireDate: '2023-01-01', employmentForm: 'labor_contract' },
  });
  const report = (await app.inject({ method: 'GET', url: '/api/v1/roster/supervision', headers: employer })).json();
  t.notOk(
    report.alerts.some((a: { code: string }) => /^ART(10|82|14)/.test(a.code)),
    'no written-contract alert',
  );
  t.match(
    report.alerts.filter((a: { code: string }) => a.code === 'CONTRACT_EXPIRING'),
    [{ contractId: view.id, details: { paper: true, offerConversion: 'electronic' }, messageZh: /纸质合同，可续订为电子劳动合同/ }],
    'the renewal view marks it paper and offers conversion',
  );

  // The electronic renewal references the paper contract it renews.
  const template = platform.templates.get('labor-contract-general')!;
  const example = template.example as Record<string, unknown> & { worker: Record<string, unknown> };
  const renewal = await app.inject({
    method: 'POST',
    url: '/api/v1/contracts',
    headers: employer,
    payload: { templateId: template.id, fields: { ...example, worker: { ...example.worker, name: '赵志刚', idNumber: id(9001) } } },
  });
  t.equal(renewal.statusCode, 201, renewal.body);
  const linked = await app.inject({ method: 'POST', url: `/api/v1/paper-contracts/${view.id}/renewal`, headers: employer, payload: { contractId: renewal.json().id } });
  t.equal(linked.statusCode, 200, linked.body);
  t.equal(linked.json().renewedById, renewal.json().id);
  t.match(await platform.db.auditEvent.findMany({ where: { chain: renewal.json().id, type: 'contract.renews_paper' } }), [{ data: { paperContractId: view.id, paperSha256: sha256(scan) } }]);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/paper-contracts/${view.id}/renewal`, headers: employer, payload: { contractId: renewal.json().id } })).statusCode, 409, 'renewed once');
});

t.test('bad single registrations: problem+json naming field, rule and Chinese message; nothing half-written', async (t) => {
  const before = await counts();
  const cases: { name: string; body: Record<string, unknown>; status: number; error: Record<string, unknown> }[] = [
    {
      name: 'ID number check character',
      body: single({ worker: { name: '钱一', idNumber: '140802197001010010' } }),
      status: 400,
      error: { field: 'worker.idNumber', rule: 'resident_id', messageZh: /身份证号码无效/ },
    },
    {
      name: 'fixed term without an end',
      body: single({ endDate: undefined }),
      status: 400,
      error: { field: 'endDate', rule: 'required_for_fixed_term', messageZh: /固定期限劳动合同须填写合同终止日期/ },
    },
    { name: 'open-ended with an end', body: single({ termType: 'open_ended' }), status: 400, error: { field: 'endDate', rule: 'absent_for_open_ended' } },
    { name: 'a date that does not exist', body: single({ signedOn: '2023-02-30' }), status: 400, error: { field: 'signedOn', rule: 'calendar_date', messageZh: /签订日期不是有效日期/ } },
    { name: 'signed in the future', body: single({ signedOn: addDays(today, 1) }), status: 400, error: { field: 'signedOn', rule: 'not_in_future' } },
    { name: 'the scan is no PDF', body: single({}, Buffer.from('GIF89a not a pdf')), status: 400, error: { field: 'scanBase64', rule: 'pdf', messageZh: '扫描件应为 PDF 文件' } },
    { name: 'an unknown kind', body: single({ kind: 'training_agreement' }), status: 400, error: { field: 'kind' } },
  ];
  for (const c of cases) {
    const response = await app.inject({ method: 'POST', url: '/api/v1/paper-contracts', headers: employer, payload: c.body });
    t.equal(response.statusCode, c.status, `${c.name}: ${response.body}`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    t.match(response.json().errors, [c.error], c.name);
  }
  // The same contract again, with another scan: refused after the scan was stored, which is removed.
  const other = pdf('duplicate');
  const duplicate = await app.inject({ method: 'POST', url: '/api/v1/paper-contracts', headers: employer, payload: single({}, other) });
  t.equal(duplicate.statusCode, 409, duplicate.body);
  t.match(duplicate.json().errors, [{ field: 'startDate', rule: 'not_registered', messageZh: /已备案/ }]);
  t.equal(await stored(sha256(other)), false, 'the refused registration left no object in the archive');
  t.same(await counts(), before, 'and no rows');
});

t.test('by sheet: example sheets, Chinese file names, XLSX; bad rows listed and nothing written', async (t) => {
  const example = await app.inject({ method: 'GET', url: '/api/v1/paper-contracts/example.csv', headers: employer });
  t.equal(example.statusCode, 200);
  const { header: columns, records } = csvRecords(example.body);
  t.same(columns, header.split(','));
  const scans = records.map((r) => ({ name: r.values['扫描件文件名']!, data: pdf(r.values['姓名']!) }));
  t.same(
    scans.map((s) => s.name),
    ['王建国.pdf', '李秀兰.pdf'],
  );

  const xlsx = await app.inject({ method: 'GET', url: '/api/v1/paper-contracts/example.xlsx', headers: employer });
  t.equal(xlsx.statusCode, 200);
  const before = await counts();
  const missingScan = await uploadSheet(multipart({ name: '存量合同.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: xlsx.rawPayload }, scans.slice(0, 1)));
  t.equal(missingScan.statusCode, 422, missingScan.body);
  t.match(missingScan.json().errors, [{ field: '扫描件文件名', in: 'row 3', rule: 'scan_uploaded', messageZh: /李秀兰\.pdf/ }]);
  t.equal(await stored(sha256(scans[0]!.data)), false, 'the scan stored before the refusal was removed');
  t.same(await counts(), before, 'nothing written');

  const fromXlsx = await uploadSheet(multipart({ name: '存量合同.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: xlsx.rawPayload }, scans));
  t.equal(fromXlsx.statusCode, 201, fromXlsx.body);
  t.match(fromXlsx.json(), {
    created: 2,
    items: [
      { row: 2, sha256: sha256(scans[0]!.data) },
      { row: 3, sha256: sha256(scans[1]!.data) },
    ],
  });
  const again = await uploadSheet(multipart({ name: 'example.csv', type: 'text/csv', data: example.body }, scans));
  t.equal(again.statusCode, 409, 'the CSV example registers the same contracts: refused');
  t.match(again.json().errors, [
    { in: 'row 2', rule: 'not_registered' },
    { in: 'row 3', rule: 'not_registered' },
  ]);

  const bad = csv([
    ['孙一', id(8001), '', '劳动合同', '劳动合同', '固定期限', '2020-01-01', '', '2020-01-01', '', '', '', 'a.pdf'],
    ['孙二', '140802197001010010', '', '培训协议', '临时工', '无固定期限', '2020/01/01', '', '2020-01-01', '', '', '', 'b.pdf'],
    ['孙三', id(8003), '', '', '劳动合同', '无固定期限', '2020-01-01', '', '2020-01-01', '', '', '', 'a.pdf'],
  ]);
  const refused = await uploadSheet(multipart({ name: 'bad.csv', type: 'text/csv', data: bad }, []));
  t.equal(refused.statusCode, 422);
  t.match(refused.headers['content-type'], /application\/problem\+json/);
  const errors = refused.json().errors as { field: string; in: string; rule: string; messageZh: string }[];
  t.match(
    errors.find((e) => e.in === 'row 2'),
    { field: '合同终止日期', rule: 'required_for_fixed_term', messageZh: /合同终止日期/ },
  );
  t.match(
    errors
      .filter((e) => e.in === 'row 3')
      .map((e) => e.field)
      .sort(),
    ['合同类型', '合同起始日期', '用工形式', '身份证号码'],
  );
  t.match(
    errors.find((e) => e.in === 'row 3' && e.field === '用工形式'),
    { messageZh: /劳动合同、劳务派遣、非全日制/ },
  );
  t.match(
    errors.find((e) => e.in === 'row 4'),
    { field: '扫描件文件名', rule: 'scan_unique' },
  );
  const noColumn = await uploadSheet(multipart({ name: 'x.csv', type: 'text/csv', data: '姓名,身份证号码\n孙四,' + id(8004) }, []));
  t.equal(noColumn.statusCode, 400);
  t.match(noColumn.json().errors, [{ field: '用工形式', rule: 'column_required', messageZh: '缺少列“用工形式”' }]);
  const stray = await uploadSheet(multipart({ name: 'example.csv', type: 'text/csv', data: example.body }, [{ name: 'other.pdf', data: pdf('other') }]));
  t.match(stray.json().errors, [{ field: 'other.pdf', rule: 'scan_named_in_sheet' }]);
  const truncated = await app.inject({
    method: 'POST',
    url: '/api/v1/paper-contracts/sheet',
    headers: { ...employer, 'content-type': 'multipart/form-data; boundary=x' },
    payload: '--x\r\nContent-Disposition: form-data; name="sheet"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n姓名',
  });
  t.equal(truncated.statusCode, 400, 'a body the multipart parser cannot read is the client’s error, not a 500');
  t.match(truncated.json().errors, [{ field: 'body', rule: 'multipart', messageZh: /无法读取/ }]);
  t.same(await counts(), { paper: before.paper + 2, documents: before.documents + 2 });
});

t.test('inspection of the region sees the paper contracts, marked paper; other regions and offices do not', async (t) => {
  const inspector = await official('inspection', '1408');
  const url = `/api/v1/inspection/employers/${uscc}/paper-contracts?purpose=${encodeURIComponent('存量合同核查')}`;
  const list = await app.inject({ method: 'GET', url, headers: inspector });
  t.equal(list.statusCode, 200, list.body);
  const items = list.json().items as { medium: string; worker: { name: string }; scan: { sha256: string } }[];
  t.ok(items.length >= 3);
  t.ok(items.every((i) => i.medium === 'paper'));
  t.ok(items.some((i) => i.worker.name === '王建国'));
  t.equal(await platform.db.accessLog.count({ where: { action: 'paper_contracts.listed' } }), new Set(items.map((i) => i.worker.name)).size, 'one log row per worker listed');
  t.equal((await app.inject({ method: 'GET', url, headers: await official('inspection', '1401') })).statusCode, 404, 'another region');
  t.equal((await app.inject({ method: 'GET', url, headers: await official('insurance', '1408') })).statusCode, 403, 'another office');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/inspection/employers/${uscc}/paper-contracts`, headers: inspector })).statusCode, 400, 'a purpose is required');
});

t.test('onboarding: 5,000 long-serving workers with registered paper contracts get no Art. 10 / 82 / 14 alerts', async (t) => {
  const count = 5000;
  const onboarding = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(73) })).json().apiKey);
  const hireDate = (i: number) => addDays('2009-01-05', (i * 7) % 4000);
  const worker = (i: number) => ({ name: `职工${i}`, idNumber: id(i) });
  const roster = ['姓名,身份证号码,手机号码,用工起始日期,用工形式,岗位', ...Array.from({ length: count }, (_, i) => `${worker(i).name},${worker(i).idNumber},,${hireDate(i)},劳动合同,操作工`)];
  roster.push(`退养职工,${id(count)},,2008-03-01,劳动合同,退养`);
  const filed = await app.inject({ method: 'POST', url: '/api/v1/roster/hires/bulk?allOrNothing=true', headers: { ...onboarding, 'content-type': 'text/csv' }, payload: roster.join('\n') });
  t.equal(filed.json().created, count + 1, filed.body);
  const report = async () =>
    (await app.inject({ method: 'GET', url: '/api/v1/roster/supervision', headers: onboarding })).json() as {
      alerts: { code: string; workerKey?: string }[];
      signing: { required: number; signed: number };
    };
  const flagged = (alerts: { code: string; workerKey?: string }[]) => alerts.filter((a) => /^ART(10|82|14)_/.test(a.code));
  t.ok(flagged((await report()).alerts).length >= count, 'without the paper contracts every long-serving worker is flagged');

  const rows = Array.from({ length: count }, (_, i) => {
    const open = i % 2 === 0;
    return [
      worker(i).name,
      worker(i).idNumber,
      '',
      '劳动合同',
      '劳动合同',
      open ? '无固定期限' : '固定期限',
      hireDate(i),
      open ? '' : '2031-12-31',
      hireDate(i),
      '操作工',
      '4200',
      `P-${i}`,
      `scan-${i}.pdf`,
    ];
  });
  rows.push(['退养职工', id(count), '', '内部退养协议', '劳动合同', '固定期限', '2025-01-10', '2029-02-28', '2025-01-10', '', '', '', 'retirement.pdf']);
  const scans = [...rows.map((r) => ({ name: r[12]!, data: pdf(r[12]!) }))];
  const body = multipart({ name: '存量合同.csv', type: 'text/csv', data: csv(rows) }, scans);
  const registered = await app.inject({ method: 'POST', url: '/api/v1/paper-contracts/sheet', ...body, headers: { ...body.headers, ...onboarding } });
  t.equal(registered.statusCode, 201, registered.statusCode === 201 ? '' : registered.body);
  t.equal(registered.json().created, count + 1);

  const after = await report();
  const left = flagged(after.alerts);
  const retiree = (await platform.db.rosterEntry.findFirstOrThrow({ where: { post: '退养' } })).workerId;
  t.same([...new Set(left.map((a) => a.workerKey))], [retiree], 'only the worker with nothing but an internal-retirement agreement is flagged');
  t.ok(
    left.some((a) => a.code === 'ART10_NO_WRITTEN_CONTRACT'),
    'treated as having no labor contract',
  );
  t.notOk(
    left.some((a) => a.code === 'ART82_DOUBLE_WAGE_LATE_SIGNING'),
    'not as a labor contract signed late',
  );
  t.same(after.signing, { ...after.signing, required: count + 1, signed: count });
});
