import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { needs, run } from '../helpers/tools.ts';
import { registerTemplateVersion } from '../../src/services/contracts.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const first = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(41) })).json();
const second = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(42) })).json();
const employer = bearer(first.apiKey);
const stranger = bearer(second.apiKey);
const general = platform.templates.get('labor-contract-general')!;
const example = general.example as Record<string, unknown> & { wage: { monthly: number } };
const request = (fields: Record<string, unknown> = example) => ({ templateId: 'labor-contract-general', fields });
const work = mkdtempSync(path.join(tmpdir(), 'laborsign-contracts-'));

t.test('templates are listed with their field schema', async (t) => {
  const list = await app.inject({ method: 'GET', url: '/api/v1/templates', headers: employer });
  t.equal(list.statusCode, 200);
  t.ok(list.json().items.length >= 7);
  const one = await app.inject({ method: 'GET', url: '/api/v1/templates/labor-contract-general', headers: employer });
  t.equal(one.statusCode, 200);
  t.ok(one.json().fieldsSchema.properties.worker, 'worker fields described');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/templates/nope', headers: employer })).statusCode, 404);
});

t.test('internal templates (出证报告, 验证报告) are neither listed nor accepted', async (t) => {
  const ids = (await app.inject({ method: 'GET', url: '/api/v1/templates', headers: employer })).json().items.map((item: { id: string }) => item.id);
  for (const id of ['evidence-report', 'verification-report']) {
    t.notOk(ids.includes(id), `${id} is not listed`);
    t.equal((await app.inject({ method: 'GET', url: `/api/v1/templates/${id}`, headers: employer })).statusCode, 404, `${id} is not shown`);
    const template = platform.templates.get(id)!;
    const validate = await app.inject({ method: 'POST', url: '/api/v1/contracts/validate', headers: employer, payload: { templateId: id, fields: template.example } });
    t.equal(validate.statusCode, 404, `validate refuses ${id}`);
    const create = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: id, fields: template.example } });
    t.equal(create.statusCode, 404, `create refuses ${id}`);
  }
});

t.test('unknown fields are refused with 400 naming each one, never stripped', async (t) => {
  const cases: { name: string; payload: Record<string, unknown>; field: string }[] = [
    { name: 'an unknown top-level field', payload: request({ ...example, partTime: true }), field: 'fields.partTime' },
    { name: 'an unknown nested field', payload: request({ ...example, hours: { system: 'standard', dailyHours: 8, weeklyHours: 40, overtime: 'yes' } }), field: 'fields.hours.overtime' },
    { name: 'an unknown field in the worker party', payload: request({ ...example, worker: { ...(example.worker as object), nickname: '小王' } }), field: 'fields.worker.nickname' },
    { name: 'an unknown key beside fields', payload: { ...request(), templateVersoin: '1' }, field: 'templateVersoin' },
  ];
  for (const c of cases) {
    for (const url of ['/api/v1/contracts/validate', '/api/v1/contracts']) {
      const response = await app.inject({ method: 'POST', url, headers: employer, payload: c.payload });
      t.equal(response.statusCode, 400, `${c.name}: ${url}`);
      t.match(response.json().errors, [{ field: c.field, rule: 'unrecognized_keys' }], `${c.name}: names ${c.field}`);
    }
  }
});

// 劳动合同法 Art. 19: a 36-month term from 2026-09-15 allows six months' probation, to 2027-03-14.
const threeYears = (probationEnd: string) => ({
  ...example,
  termType: 'fixed',
  startDate: '2026-09-15',
  endDate: '2029-09-14',
  probation: { startDate: '2026-09-15', endDate: probationEnd, monthlyWage: example.wage.monthly },
});

t.test('validate lists labor-law violations (Art. 19 probation, one day too long)', async (t) => {
  const lawful = await app.inject({ method: 'POST', url: '/api/v1/contracts/validate', headers: employer, payload: request(threeYears('2027-03-14')) });
  t.equal(lawful.statusCode, 200);
  t.same(
    lawful.json().violations.filter((v: { severity: string }) => v.severity === 'error'),
    [],
  );
  t.equal(lawful.json().valid, true);
  const tooLong = await app.inject({ method: 'POST', url: '/api/v1/contracts/validate', headers: employer, payload: request(threeYears('2027-03-15')) });
  t.equal(tooLong.json().valid, false);
  t.match(tooLong.json().violations, [{ code: 'ART19_PROBATION_TOO_LONG', article: '劳动合同法 第十九条', field: 'probation.endDate' }]);
});

t.test('preview: PDF when lawful, 422 problem naming the field when not', async (t) => {
  const ok = await app.inject({ method: 'POST', url: '/api/v1/contracts/preview', headers: employer, payload: request() });
  t.equal(ok.statusCode, 200);
  t.equal(ok.headers['content-type'], 'application/pdf');
  t.equal(ok.rawPayload.subarray(0, 5).toString(), '%PDF-');
  const bad = await app.inject({ method: 'POST', url: '/api/v1/contracts/preview', headers: employer, payload: request(threeYears('2027-03-15')) });
  t.equal(bad.statusCode, 422);
  t.match(bad.headers['content-type'], /application\/problem\+json/);
  t.match(bad.json().errors, [{ field: 'probation.endDate', rule: 'ART19_PROBATION_TOO_LONG' }]);
  t.match(bad.json().errors[0].messageZh, /试用期/);
});

t.test('malformed fields are a 400 naming the field', async (t) => {
  const { worker, ...rest } = example as unknown as { worker: Record<string, unknown> };
  const res = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: request({ ...rest, worker: { ...worker, phone: '12345' } }) });
  t.equal(res.statusCode, 400);
  t.match(res.json().errors, [{ field: 'fields.worker.phone' }]);
  t.equal(await platform.db.contract.count(), 0, 'nothing was written');
});

t.test('create, download, seal, verify', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: request() });
  t.equal(created.statusCode, 201, created.body);
  const contract = created.json();
  t.equal(contract.status, 'draft');
  t.match(contract.number, /^LS\d{8}[0-9A-Z]{8}$/);

  const draft = await app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}/pdf`, headers: employer });
  t.equal(draft.statusCode, 200);
  t.equal(createHash('sha256').update(draft.rawPayload).digest('hex'), contract.document.sha256, 'served bytes are the archived bytes');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}`, headers: stranger })).statusCode, 404, 'other employers see nothing');

  const audit = await platform.db.auditEvent.findMany({ where: { contractId: contract.id } });
  t.same(
    audit.map((e) => e.type),
    ['contract.created'],
  );
  const document = await platform.db.document.findFirstOrThrow({ where: { contractId: contract.id } });
  t.ok(Array.isArray(document.signatureSlots) && document.signatureSlots.length >= 2, 'signature areas stored with the document');

  const sealed = await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/seal`, headers: employer });
  t.equal(sealed.statusCode, 200, sealed.body);
  t.equal(sealed.json().status, 'sealed');
  const again = await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/seal`, headers: employer });
  t.equal(again.statusCode, 409, 'sealing twice is refused by the state machine');

  const pdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${contract.id}/pdf`, headers: employer })).rawPayload;
  t.ok(pdf.subarray(0, draft.rawPayload.length).equals(draft.rawPayload), 'the seal is an incremental update of the draft');
  const verified = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } });
  t.equal(verified.statusCode, 200, verified.body);
  t.equal(verified.json().valid, true);
  t.match(verified.json().signatures, [{ signer: { name: first.name }, level: 'B-T', chainTrusted: true }]);

  const file = path.join(work, 'sealed.pdf');
  writeFileSync(file, pdf);
  t.test('pdfsig accepts the seal', needs('pdfsig'), async (t) => {
    const out = run('pdfsig', ['-no-ocsp', file]).stdout;
    t.match(out, /Signature Validation: Signature is Valid/);
    t.match(out, /Signer Certificate Common Name: .*运城测试实业有限公司41号/);
  });
  t.test('pdftotext still reads the sealed contract', needs('pdftotext'), async (t) => {
    t.match(run('pdftotext', [file, '-']).stdout.replace(/\s+/g, ''), contract.number);
  });
});

t.test('automatic sealing only under a current, unrevoked authorisation', async (t) => {
  const refused = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { ...request(), autoSeal: true } });
  t.equal(refused.statusCode, 403, 'no authorisation, no automatic seal');
  t.equal(refused.json().type, 'https://laborsign.org/problems/no-seal-authorisation');
  const now = Date.now();
  const granted = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: employer,
    payload: { templateIds: ['labor-contract-general'], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' },
  });
  t.equal(granted.statusCode, 201, granted.body);
  const bogus = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: employer,
    payload: { templateIds: ['nope'], validFrom: new Date(now).toISOString(), validUntil: new Date(now + 1000).toISOString(), grantedBy: '张三' },
  });
  t.equal(bogus.statusCode, 400);
  const auto = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { ...request(), autoSeal: true } });
  t.equal(auto.statusCode, 201, auto.body);
  t.equal(auto.json().status, 'sealed');
  const audit = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${auto.json().id}/audit`, headers: employer })).json();
  t.match(
    audit.events.find((e: { type: string }) => e.type === 'contract.sealed'),
    { data: { authorisationId: granted.json().id } },
    'the seal names its authorisation',
  );
  const revoked = await app.inject({ method: 'POST', url: `/api/v1/seal-authorisations/${granted.json().id}/revoke`, headers: employer, payload: { revokedBy: '张三（法定代表人）' } });
  t.equal(revoked.statusCode, 200);
  t.ok(revoked.json().revokedAt);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { ...request(), autoSeal: true } })).statusCode, 403, 'revoked: no more automatic seals');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/seal-authorisations/${granted.json().id}/revoke`, headers: stranger, payload: { revokedBy: '李四' } })).statusCode, 404);
});

t.test('a template version is immutable once a contract used it', async (t) => {
  const used = await platform.db.templateVersion.findUniqueOrThrow({ where: { templateId_version: { templateId: general.id, version: general.version } } });
  t.equal(used.contentHash, general.contentHash, 'the first use recorded the content hash');
  const edited = { ...general, contentHash: 'f'.repeat(64) };
  const error = await platform.db.$transaction((tx) => registerTemplateVersion(tx, edited)).catch((e: unknown) => e);
  t.match(error, { status: 409, slug: 'template-version-changed' }, 'an edited text under the same version is refused');
});

t.test('an uploaded seal image is what the seal shows', async (t) => {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000080806000000f0767f970000001549444154789c63606060f80fc51483518386ac41001ad00ff112dbe1720000000049454e44ae426082', 'hex');
  const bad = await app.inject({ method: 'PUT', url: '/api/v1/employers/me/seal-image', headers: { ...stranger, 'content-type': 'image/png' }, payload: Buffer.from('not an image') });
  t.equal(bad.statusCode, 400);
  const uploaded = await app.inject({ method: 'PUT', url: '/api/v1/employers/me/seal-image', headers: { ...stranger, 'content-type': 'image/png' }, payload: png });
  t.equal(uploaded.statusCode, 200, uploaded.body);
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: stranger, payload: request() });
  t.equal(created.statusCode, 201, created.body);
  const draftSize = created.json().document.size;
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${created.json().id}/seal`, headers: stranger })).statusCode, 200);
  const sealed = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${created.json().id}/pdf`, headers: stranger })).rawPayload;
  t.match(sealed.subarray(draftSize).toString('latin1'), /\/Subtype \/Image/, 'the seal revision carries the uploaded image');
});

t.test('personal data is encrypted at rest: no row holds the name, ID number or phone in the clear', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: request() });
  t.equal(created.statusCode, 201, created.body);
  const worker = example.worker as { name: string; idNumber: string; phone: string };
  const plain = [worker.name, worker.idNumber, worker.phone].map((value) => Buffer.from(value, 'utf8'));
  // Every column of every row, as PostgreSQL returns it, searched for the raw UTF-8 bytes.
  for (const table of ['Worker', 'Contract', 'OutboxMessage', 'AuditEvent']) {
    const rows = await platform.db.$queryRawUnsafe<Record<string, unknown>[]>(`select * from "${table}"`);
    t.ok(rows.length > 0 || table === 'OutboxMessage', `${table} has rows to look at`);
    const bytes = Buffer.concat(
      rows.flatMap((row) =>
        Object.values(row).map((v) => (v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x)) ?? '', 'utf8'))),
      ),
    );
    for (const value of plain) t.equal(bytes.indexOf(value), -1, `${table}: no "${value.toString('utf8')}" in the clear`);
  }
  const row = await platform.db.worker.findFirstOrThrow({ where: { id: (await platform.db.contract.findUniqueOrThrow({ where: { id: created.json().id } })).workerId } });
  t.match(row.idIndex, /^[0-9a-f]{64}$|^[A-Za-z0-9_-]{43}$/, 'lookup goes through a keyed blind index');
});

t.test('one request shape for full-time and part-time (劳动合同法 第六十八至七十二条) through validate', async (t) => {
  const validate = async (fields: Record<string, unknown>, templateId = 'labor-contract-general') =>
    (await app.inject({ method: 'POST', url: '/api/v1/contracts/validate', headers: employer, payload: { templateId, fields } })).json() as {
      valid: boolean;
      violations: { code: string; field: string; severity: string }[];
    };
  const { probation: _probation, ...noProbation } = example;
  const partTime = { ...noProbation, employmentForm: 'part_time', hours: { system: 'standard', dailyHours: 4, weeklyHours: 24 }, wage: { hourly: 20.2, paymentIntervalDays: 15 } };
  const lawful = await validate(partTime);
  t.equal(lawful.valid, true, 'a part-time contract at the 盐湖区 hourly minimum passes');
  t.ok(
    lawful.violations.some((v) => v.code === 'MINIMUM_WAGE_UNVERIFIED' && v.severity === 'warning'),
    'the unverified minimum wage is a warning in the answer',
  );
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['劳动合同法 第六十八条: 25 h/week', { ...partTime, hours: { system: 'standard', dailyHours: 4, weeklyHours: 25 } }, 'ART68_WEEKLY_HOURS_EXCEEDED', 'hours.weeklyHours'],
    ['劳动合同法 第七十条: a probation', { ...partTime, probation: example.probation }, 'ART70_PART_TIME_PROBATION', 'probation'],
    ['劳动合同法 第七十二条: one fen under the hourly minimum', { ...partTime, wage: { hourly: 20.19, paymentIntervalDays: 15 } }, 'ART72_HOURLY_WAGE_BELOW_MINIMUM', 'wage.hourly'],
    ['劳动合同法 第七十二条: paid every 16 days', { ...partTime, wage: { hourly: 25, paymentIntervalDays: 16 } }, 'ART72_PAY_INTERVAL_TOO_LONG', 'wage.paymentIntervalDays'],
    ['劳动法 第三十六条: a full-time standard day of 9 hours', { ...example, hours: { system: 'standard', dailyHours: 9, weeklyHours: 40 } }, 'HOURS_STANDARD_DAILY_EXCEEDED', 'hours.dailyHours'],
    [
      '劳动合同法 第二十四条: a three-year non-compete',
      { ...example, nonCompete: { role: 'senior_technical', months: 36, monthlyCompensation: 3000, averageMonthlyWage: 6000 } },
      'ART24_NON_COMPETE_TOO_LONG',
      'nonCompete.months',
    ],
    ['GB/T 2260: a workplace county that does not exist', { ...example, workplaceRegionCode: '140899' }, 'REGION_CODE_INVALID', 'workplaceRegionCode'],
  ];
  for (const [name, fields, code, field] of cases) {
    const answer = await validate(fields);
    t.equal(answer.valid, false, name);
    t.ok(
      answer.violations.some((v) => v.code === code && v.field === field && v.severity === 'error'),
      `${name}: ${code} on ${field}`,
    );
  }
  const own = await validate(platform.templates.get('labor-contract-part-time')!.example as Record<string, unknown>, 'labor-contract-part-time');
  t.equal(own.valid, true, 'the part-time template example passes');
});

t.test('GB/T 2260: an employer is registered only in a county that exists; officials see region names', async (t) => {
  const refused = await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: { ...employerBody(43), regionCode: '140899' } });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().errors, [{ field: 'regionCode', rule: 'region_code' }]);
  const official = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '运城监察', role: 'inspection', regionCode: '1408' } })).json();
  const me = (await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(official.apiKey) })).json();
  t.match(me, { regionCode: '1408', regionName: '山西省运城市' });
});
