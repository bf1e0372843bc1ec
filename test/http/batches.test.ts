/**
 * Bulk batches on the shared queue: every bad row reported, idempotent submission, rows
 * worked to sealed-and-sent by the in-process workers, and a row worked twice never doubles.
 */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { verifyAuditChain } from '../../src/services/audit.ts';
import { parseCsv, toCsv } from '../../src/sheets/csv.ts';
import { readXlsx, writeXlsx, xlsxMediaType } from '../../src/sheets/xlsx.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { IndependentChecks, pdfSignatures, registerIndependentChecks } from '../helpers/independent-checks.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(97) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const { worker: _worker, probation: _probation, ...shared } = template.example as Record<string, unknown>;
const worker = (n: number) => {
  const first17 = `14080219900202${String(n).padStart(3, '0')}`;
  return { name: `工人${n}`, idNumber: first17 + residentIdCheckCharacter(first17), address: '山西省运城市盐湖区', phone: `139${String(n).padStart(8, '0')}` };
};
const submit = (rows: Record<string, unknown>[], headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/batches', headers: { ...employer, ...headers }, payload: { templateId: template.id, shared, rows, ...extra } });

t.test('a batch needs a seal authorisation', async (t) => {
  const refused = await submit([{ worker: worker(1) }]);
  t.equal(refused.statusCode, 403);
  t.match(refused.json().errors, [{ rule: 'authorised', messageZh: /自动盖章授权/ }]);
  const now = Date.now();
  const granted = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: employer,
    payload: { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' },
  });
  t.equal(granted.statusCode, 201);
});

t.test('bad rows are reported; good rows become sealed, sent contracts exactly once', async (t) => {
  const rows = [1, 2, 3, 4, 5].map((n) => ({ worker: worker(n) }));
  const bad = { worker: { ...worker(6), idNumber: '140802199002020000' } };
  const allOrNothing = await submit([...rows, bad], {}, { allOrNothing: true });
  t.equal(allOrNothing.statusCode, 422);
  t.match(allOrNothing.json().rowErrors, [{ row: 6 }]);
  t.match(allOrNothing.json().errors, [{ field: 'rows', rule: 'all_valid', messageZh: /1 行未通过校验，未生成任何合同/ }]);
  t.equal(await platform.db.batch.count(), 0, 'all or nothing: nothing');

  const accepted = await submit([...rows, bad], { 'idempotency-key': 'upload-2026-11-23-001' });
  t.equal(accepted.statusCode, 202, accepted.body);
  t.equal(accepted.json().rows, 5);
  t.match(accepted.json().errors, [{ row: 6, field: 'worker.idNumber' }], 'the bad row named with its field');
  const replay = await submit([...rows, bad], { 'idempotency-key': 'upload-2026-11-23-001' });
  t.equal(replay.statusCode, 200);
  t.equal(replay.json().id, accepted.json().id, 'a retried upload creates nothing twice');

  await platform.startWorkers(2);
  const id = accepted.json().id;
  let progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: employer })).json();
  for (let i = 0; i < 120 && !progress.finished; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: employer })).json();
  }
  t.equal(progress.finished, true, JSON.stringify(progress));
  t.same(progress.byStatus, { done: 5 });
  const contracts = await platform.db.contract.findMany({ where: { batchId: id } });
  t.equal(contracts.length, 5, 'one contract per row');
  t.ok(
    contracts.every((c) => c.status === 'sent'),
    'sealed and sent',
  );

  // A job delivered again (a worker died after finishing) changes nothing.
  await platform.db.batchRow.update({ where: { batchId_row: { batchId: id, row: 1 } }, data: { status: 'pending' } });
  await platform.batches.processChunk({ batchId: id, rows: [1] });
  await platform.batches.processChunk({ batchId: id, rows: [1, 2] });
  t.equal(await platform.db.contract.count({ where: { batchId: id } }), 5, 'still exactly five contracts');
  const seals = await platform.db.signature.count({ where: { contract: { batchId: id } } });
  t.equal(seals, 5, 'each sealed once');
});

t.test('a seal reserves room for the CMS its certificate makes, not a generic 24 KB, and stays valid', async (t) => {
  const documents = await platform.db.document.findMany({ where: { kind: 'sealed', contract: { batchId: { not: null } } }, orderBy: { createdAt: 'asc' } });
  t.ok(documents.length >= 5, `${documents.length} sealed batch documents`);
  const sealed = await Promise.all(documents.map((d) => platform.archive.get(d.objectKey, d.sha256)));
  const seals = sealed.map((pdf) => pdfSignatures(pdf)[0]!);
  const reserved = seals.map((s) => (s.byteRange[2] - s.byteRange[1] - 2) / 2);
  // Only a certificate's first seal in a process (two chunks may start together) takes the generic size.
  t.ok(reserved.filter((bytes) => bytes === 24 * 1024).length <= 2, `reservations: ${reserved.join(', ')}`);
  const tight = seals.filter((_, i) => reserved[i]! < 24 * 1024);
  t.ok(tight.length >= documents.length - 2);
  for (const seal of tight)
    t.ok(
      seal.der.length <= (seal.byteRange[2] - seal.byteRange[1] - 2) / 2 && (seal.byteRange[2] - seal.byteRange[1] - 2) / 2 - seal.der.length <= 1100,
      `CMS ${seal.der.length} bytes in ${(seal.byteRange[2] - seal.byteRange[1] - 2) / 2}`,
    );
  const independent = IndependentChecks.create({ root: platform.pki.root.der, authorities: platform.pki.authorities.map((ca) => ca.certificate.der), tsa: platform.pki.tsa.certificate.der }, t);
  registerIndependentChecks(t, independent, sealed[reserved.findIndex((bytes) => bytes < 24 * 1024)]!, { signatures: 1, documentTimestamps: 0, label: 'a tightly reserved batch seal' });
});

t.test('two uploads with the same Idempotency-Key at once make one batch, with its jobs in the same commit', async (t) => {
  const rows = [{ worker: worker(61) }, { worker: worker(62) }];
  const [a, b] = await Promise.all([submit(rows, { 'idempotency-key': 'same-time-upload-0001' }, { send: false }), submit(rows, { 'idempotency-key': 'same-time-upload-0001' }, { send: false })]);
  t.same([a.statusCode, b.statusCode].sort(), [200, 202], a.body + b.body);
  t.equal(a.json().id, b.json().id);
  t.equal(await platform.db.batch.count({ where: { idempotencyKey: 'same-time-upload-0001' } }), 1);
  const [{ jobs } = { jobs: 0 }] = await platform.db.$queryRaw<{ jobs: number }[]>`select count(*)::int as jobs from pgboss.job where data->>'batchId' = ${a.json().id}`;
  t.equal(jobs, 1, 'two rows: one job (up to 50 rows), committed with the batch');
});

t.test('a worker appears once per batch (Art. 19: one probation per employer and worker)', async (t) => {
  const refused = await submit([{ worker: worker(51) }, { worker: worker(52) }, { worker: { ...worker(51), name: '工人51' } }], {}, { allOrNothing: true, send: false });
  t.equal(refused.statusCode, 422);
  t.match(refused.json().rowErrors, [{ row: 3, field: 'worker.idNumber', rule: 'worker_once_per_batch', messageZh: /第 1 行/ }]);
  t.equal(refused.json().rowErrors.length, 1);
});

t.test('the example sheets name the columns in Chinese and carry the template example', async (t) => {
  const csv = await app.inject({ method: 'GET', url: `/api/v1/templates/${template.id}/batch-sheet.csv`, headers: employer });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /text\/csv/);
  const [header, example] = parseCsv(csv.body);
  t.ok(header!.includes('姓名') && header!.includes('身份证号码') && header!.includes('合同期限类型') && header!.includes('月工资（元）'), header!.join(','));
  t.notOk(
    header!.some((h) => h.startsWith('employer')),
    'the employer comes from the registered organisation, not the sheet',
  );
  t.equal(example![header!.indexOf('合同期限类型')], '固定期限', 'choices written in Chinese');

  const xlsx = await app.inject({ method: 'GET', url: `/api/v1/templates/${template.id}/batch-sheet.xlsx`, headers: employer });
  t.equal(xlsx.statusCode, 200);
  const read = await readXlsx(xlsx.rawPayload);
  t.same(read.header, header, 'the XLSX sheet has the same columns');
  t.equal(read.records[0]!.values['身份证号码'], (template.example.worker as { idNumber: string }).idNumber, 'ID numbers stay text');

  const columns = (await app.inject({ method: 'GET', url: `/api/v1/templates/${template.id}/batch-columns`, headers: employer })).json().columns;
  t.match(
    columns.find((c: { path: string }) => c.path === 'termType'),
    { header: '合同期限类型', type: 'choice', required: true },
  );
  const notContract = await app.inject({ method: 'GET', url: '/api/v1/templates/termination-certificate/batch-sheet.csv', headers: employer });
  t.equal(notContract.statusCode, 400, 'certificates are not batched');
});

/** A sheet built from the example: the header, then one line per row with the worker swapped in. */
async function exampleSheet(rows: { n: number; change?: Record<string, string> }[]) {
  const [header, example] = parseCsv((await app.inject({ method: 'GET', url: `/api/v1/templates/${template.id}/batch-sheet.csv`, headers: employer })).body);
  const lines = rows.map(({ n, change = {} }) => {
    const w = worker(n);
    const values: Record<string, string> = { ...Object.fromEntries(header!.map((h, i) => [h, example![i]!])), 姓名: w.name, 身份证号码: w.idNumber, 手机号码: w.phone, 住址: w.address, ...change };
    return header!.map((h) => values[h] ?? '');
  });
  return { header: header!, lines };
}

t.test('a CSV sheet: cell and law problems by sheet row and Chinese column; good rows become contracts', async (t) => {
  const { header, lines } = await exampleSheet([{ n: 21 }, { n: 22, change: { 合同起始日期: '下个月' } }, { n: 23, change: { '月工资（元）': '1000' } }, { n: 24 }]);
  const body = toCsv([header, ...lines]);
  const unknown = await app.inject({
    method: 'POST',
    url: `/api/v1/batches/sheet?templateId=${template.id}`,
    headers: { ...employer, 'content-type': 'text/csv' },
    payload: toCsv([[...header, '备注栏'], ...lines.map((l) => [...l, ''])]),
  });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().errors, [{ field: '备注栏', rule: 'column_known', messageZh: /无法识别的列/ }], 'an unknown column is named, not dropped');

  const accepted = await app.inject({
    method: 'POST',
    url: `/api/v1/batches/sheet?templateId=${template.id}`,
    headers: { ...employer, 'content-type': 'text/csv', 'idempotency-key': 'sheet-upload-csv-0001' },
    payload: body,
  });
  t.equal(accepted.statusCode, 202, accepted.body);
  const { id, rows, errors } = accepted.json();
  t.equal(rows, 2);
  t.match(errors, [
    { row: 3, field: '合同起始日期', rule: 'date', messageZh: /日期/ },
    { row: 4, field: '月工资（元）', rule: 'WAGE_BELOW_MINIMUM', messageZh: /最低工资/ },
  ]);
  t.equal(errors.length, 2, JSON.stringify(errors));

  let finished = false;
  for (let i = 0; i < 120 && !finished; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    finished = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: employer })).json().finished;
  }
  t.ok(finished);
  const results = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/rows`, headers: employer })).json();
  t.match(
    results.items,
    [
      { row: 2, status: 'done', contractNumber: /^LS/, contractStatus: 'sent' },
      { row: 5, status: 'done', contractNumber: /^LS/ },
    ],
    'rows keep their sheet numbers',
  );
  const chain = await verifyAuditChain(platform.db, results.items[0].contractId);
  t.same(chain, { intact: true, length: 3 }, 'the bulk-written audit chain verifies: created, sealed, sent');

  const report = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/errors.csv`, headers: employer });
  t.equal(report.statusCode, 200);
  const reportRows = parseCsv(report.body);
  t.same(reportRows[0], ['行号', '列', '规则', '问题说明', 'Problem', '阶段']);
  t.same(
    reportRows.slice(1).map((r) => [r[0], r[1]]),
    [
      ['3', '合同起始日期'],
      ['4', '月工资（元）'],
    ],
    'the error report lists the refused rows',
  );

  const replay = await app.inject({
    method: 'POST',
    url: `/api/v1/batches/sheet?templateId=${template.id}`,
    headers: { ...employer, 'content-type': 'text/csv', 'idempotency-key': 'sheet-upload-csv-0001' },
    payload: body,
  });
  t.equal(replay.statusCode, 200);
  t.equal(replay.json().id, id);
  t.equal(replay.json().errors.length, 2, 'a replay reports the same refused rows');
});

t.test('an XLSX sheet: dates and numbers as Excel stores them', async (t) => {
  const { header, lines } = await exampleSheet([{ n: 31 }, { n: 32 }]);
  const typed = lines.map((line) => line.map((cell, i) => (header[i]!.endsWith('（元）') && cell ? Number(cell) : header[i] === '合同起始日期' ? cell : cell)));
  const workbook = await writeXlsx([{ name: 'Sheet1', rows: [header, ...typed], textColumns: [header.indexOf('身份证号码')] }]);
  const accepted = await app.inject({ method: 'POST', url: `/api/v1/batches/sheet?templateId=${template.id}&send=false`, headers: { ...employer, 'content-type': xlsxMediaType }, payload: workbook });
  t.equal(accepted.statusCode, 202, accepted.body);
  t.same(accepted.json().errors, []);
  t.equal(accepted.json().rows, 2);

  const garbage = await app.inject({
    method: 'POST',
    url: `/api/v1/batches/sheet?templateId=${template.id}`,
    headers: { ...employer, 'content-type': xlsxMediaType },
    payload: Buffer.from('not a workbook'),
  });
  t.equal(garbage.statusCode, 400);
  t.match(garbage.json().errors, [{ rule: 'xlsx', messageZh: /Excel/ }]);
});

t.test('progress streams as server-sent events until the batch is finished', async (t) => {
  const { header, lines } = await exampleSheet([{ n: 41 }, { n: 42 }, { n: 43 }]);
  const { id } = (
    await app.inject({ method: 'POST', url: `/api/v1/batches/sheet?templateId=${template.id}`, headers: { ...employer, 'content-type': 'text/csv' }, payload: toCsv([header, ...lines]) })
  ).json();
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const response = await fetch(`${address}/api/v1/batches/${id}/events`, { headers: employer });
  t.match(response.headers.get('content-type'), /text\/event-stream/);
  const text = await response.text();
  const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]!) }));
  t.ok(events.length >= 1);
  t.equal(events.at(-1)!.event, 'finished', 'the stream ends with the finished event');
  t.same(events.at(-1)!.data.byStatus, { done: 3 });
  const list = (await app.inject({ method: 'GET', url: '/api/v1/batches', headers: employer })).json();
  t.equal(list.items[0].id, id, 'the newest batch first in the list');
  t.match(list.items[0], { source: 'csv', rowCount: 3 });
});

t.test('a job that fails its last retry marks its rows failed, so the batch still ends', async (t) => {
  const organisation = (await platform.db.organisation.findFirst({ where: { uscc: employerBody(97).uscc } }))!;
  const batch = await platform.db.batch.create({ data: { organisationId: organisation.id, templateId: template.id, rowCount: 1, status: 'running' } });
  // Fields that cannot be decrypted: an error no retry will cure.
  await platform.db.batchRow.create({ data: { batchId: batch.id, row: 1, fieldsCipher: new Uint8Array([1, 2, 3]) } });
  await t.rejects(platform.batches.work({ batchId: batch.id, rows: [1] }, { lastAttempt: false }), 'an early attempt throws, to be retried');
  t.equal((await platform.db.batchRow.findFirstOrThrow({ where: { batchId: batch.id } })).status, 'pending');
  await platform.batches.work({ batchId: batch.id, rows: [1] }, { lastAttempt: true });
  const row = await platform.db.batchRow.findFirstOrThrow({ where: { batchId: batch.id } });
  t.match(row, { status: 'failed', error: /after every retry/ });
  const progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}`, headers: employer })).json();
  t.match(progress, { finished: true, byStatus: { failed: 1 } });
});
