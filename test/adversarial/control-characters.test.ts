/**
 * Control characters in free text are refused by the request schema (src/support/text.ts),
 * naming the field and the rule, so PostgreSQL's "invalid byte sequence" (22021) for NUL can no
 * longer be reached: decline reason, revokedBy, arbitration purpose and case number, names,
 * addresses, template field values.
 */
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'light-my-request';
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(81) })).json().apiKey);
const arbitration = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '仲裁员', role: 'arbitration', regionCode: '14' } })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as Record<string, Record<string, unknown>>;

const cases: [string, InjectOptions, string][] = [
  ['decline reason', { method: 'POST', url: `/api/v1/signing/${'t'.repeat(40)}/decline`, payload: { reason: '不签\u0000' } }, 'reason'],
  ['revokedBy', { method: 'POST', url: `/api/v1/seal-authorisations/${randomUUID()}/revoke`, headers: employer, payload: { revokedBy: '张三\u0000' } }, 'revokedBy'],
  ['void reason', { method: 'POST', url: `/api/v1/contracts/${randomUUID()}/void`, headers: employer, payload: { reason: '录入错误\u0007' } }, 'reason'],
  ['organisation name', { method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: { ...employerBody(82), name: '某某\u0000公司' } }, 'name'],
  [
    'worker name in a template',
    { method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: { ...example, worker: { ...example.worker, name: '李\u0000四' } } } },
    'fields.worker.name',
  ],
  [
    'worker address on two lines',
    { method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: { ...example, worker: { ...example.worker, address: '太原市\n小店区' } } } },
    'fields.worker.address',
  ],
];

for (const [name, request, field] of cases) {
  t.test(`${name}: 400 naming ${field} and the rule`, async (t) => {
    const response = await app.inject(request);
    t.equal(response.statusCode, 400, response.body.slice(0, 300));
    t.match(response.json().errors, [{ field, rule: 'no_control_characters', messageZh: /控制字符/ }]);
  });
}

t.test('arbitration purpose and case number: 400 naming both', async (t) => {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/arbitration/evidence',
    headers: arbitration,
    payload: { purpose: '仲裁\u0000审理', caseNumber: '晋仲\u0000字1号', contractId: randomUUID() },
  });
  t.equal(response.statusCode, 400, response.body.slice(0, 300));
  t.match(response.json().errors, [
    { field: 'purpose', rule: 'no_control_characters' },
    { field: 'caseNumber', rule: 'no_control_characters' },
  ]);
});

t.test('multi-line text keeps tab and line breaks', async (t) => {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/contracts',
    headers: employer,
    payload: { templateId: template.id, fields: { ...example, otherTerms: '一、甲方提供住宿。\n二、乙方\t遵守规章。' } },
  });
  t.not(response.json().errors?.[0]?.rule, 'no_control_characters', response.body.slice(0, 300));
});
