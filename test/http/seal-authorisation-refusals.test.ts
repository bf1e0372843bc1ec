/**
 * 自动签章授权 at the edges: automatic sealing (POST /api/v1/contracts with autoSeal, and bulk
 * batches) is refused with a 403 problem+json carrying a Chinese message when the employer's
 * only authorisation has run out, has not started yet, covers other templates or was revoked;
 * and goes through when an authorisation covers the template now. A batch whose authorisation
 * is revoked after submission fails its rows with the Chinese reason instead of sealing them.
 */
import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

type Tap = typeof t;
const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as Record<string, unknown>;
const { worker: _worker, probation: _probation, ...shared } = example;
const hour = 3_600_000;
const day = 24 * hour;

let employerNumber = 300;
/** A new employer of its own, so no other test's authorisation covers it. */
async function newEmployer() {
  const created = await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(++employerNumber) });
  if (created.statusCode !== 201) throw new Error(created.body);
  return { uscc: employerBody(employerNumber).uscc, key: bearer(created.json().apiKey as string) };
}

async function grant(key: Record<string, string>, templateIds: string[], validFrom: number, validUntil: number) {
  const granted = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: key,
    payload: { templateIds, validFrom: new Date(validFrom).toISOString(), validUntil: new Date(validUntil).toISOString(), grantedBy: '李红梅（法定代表人）' },
  });
  if (granted.statusCode !== 201) throw new Error(granted.body);
  return granted.json() as { id: string; revokedAt: string | null };
}

const worker = (n: number) => {
  const first17 = `14080219910303${String(n).padStart(3, '0')}`;
  return { name: `工人${n}`, idNumber: first17 + residentIdCheckCharacter(first17), address: '山西省运城市盐湖区', phone: `137${String(n).padStart(8, '0')}` };
};
const autoSeal = (key: Record<string, string>) => app.inject({ method: 'POST', url: '/api/v1/contracts', headers: key, payload: { templateId: template.id, fields: example, autoSeal: true } });
const batch = (key: Record<string, string>, rows = [{ worker: worker(1) }], extra: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/batches', headers: key, payload: { templateId: template.id, shared, rows, ...extra } });

/** The refusal every automatic-sealing path gives without a covering authorisation. */
function assertRefused(t: Pick<Tap, 'equal' | 'match' | 'ok'>, response: LightMyRequestResponse, label: string, field = 'autoSeal') {
  t.equal(response.statusCode, 403, `${label}: 403 (${response.body.slice(0, 200)})`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, `${label}: problem+json`);
  const problem = response.json();
  t.equal(problem.type, 'https://laborsign.org/problems/no-seal-authorisation', `${label}: the problem type`);
  t.equal(problem.status, 403, `${label}: status in the body`);
  t.match(problem.errors, [{ field, rule: 'authorised' }], `${label}: names the field that asked for sealing and the rule`);
  const messageZh = (problem.errors?.[0]?.messageZh ?? '') as string;
  t.match(messageZh, /自动盖章授权/, `${label}: a Chinese message about the seal authorisation`);
  t.match(problem.detail, /POST \/api\/v1\/seal-authorisations/, `${label}: names the route that grants one`);
  t.match(messageZh, /POST \/api\/v1\/seal-authorisations/, `${label}: so does the Chinese message`);
  t.ok(/[\u4e00-\u9fff]/.test(messageZh), `${label}: the message is Chinese`);
}

const refusals: Array<{ name: string; setUp: (key: Record<string, string>) => Promise<unknown> }> = [
  { name: 'an authorisation whose window is over', setUp: (key) => grant(key, [template.id], Date.now() - 30 * day, Date.now() - day) },
  { name: 'an authorisation that ended a moment ago', setUp: (key) => grant(key, [template.id], Date.now() - day, Date.now() - 1000) },
  { name: 'an authorisation that has not started', setUp: (key) => grant(key, [template.id], Date.now() + hour, Date.now() + 30 * day) },
  { name: 'an authorisation for other templates only', setUp: (key) => grant(key, ['labor-contract-dispatch', 'contract-renewal'], Date.now() - hour, Date.now() + 30 * day) },
  {
    name: 'a revoked authorisation',
    setUp: async (key) => {
      const granted = await grant(key, [template.id], Date.now() - hour, Date.now() + 30 * day);
      const revoked = await app.inject({ method: 'POST', url: `/api/v1/seal-authorisations/${granted.id}/revoke`, headers: key, payload: { revokedBy: '李红梅（法定代表人）' } });
      if (revoked.statusCode !== 200 || !revoked.json().revokedAt) throw new Error(revoked.body);
    },
  },
];

for (const { name, setUp } of refusals) {
  t.test(`${name}: no automatic seal, neither on create nor in a batch`, async (t) => {
    const employer = await newEmployer();
    await setUp(employer.key);
    const listed = (await app.inject({ method: 'GET', url: '/api/v1/seal-authorisations', headers: employer.key })).json().items;
    t.equal(listed.length, 1, 'the employer has exactly this authorisation');

    const created = await autoSeal(employer.key);
    assertRefused(t, created, 'create with autoSeal');
    const submitted = await batch(employer.key);
    assertRefused(t, submitted, 'batch', 'templateId');
    const organisation = await platform.db.organisation.findFirstOrThrow({ where: { uscc: employer.uscc } });
    t.equal(await platform.db.contract.count({ where: { employerId: organisation.id } }), 0, 'no contract was created, sealed or not');
    t.equal(await platform.db.batch.count({ where: { organisationId: organisation.id } }), 0, 'no batch was recorded');
    t.equal(await platform.db.signature.count({ where: { contract: { employerId: organisation.id } } }), 0, 'nothing was sealed');

    // The refusal is about automatic sealing only: the employer may still create and seal by hand.
    const manual = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer.key, payload: { templateId: template.id, fields: example } });
    t.equal(manual.statusCode, 201, manual.body);
    t.equal(manual.json().status, 'draft', 'without autoSeal the contract stays a draft');
  });
}

t.test('an authorisation covering the template now: sealed at once, and the batch is accepted', async (t) => {
  const employer = await newEmployer();
  // An expired and an unrelated authorisation beside the good one do not get in the way.
  await grant(employer.key, [template.id], Date.now() - 30 * day, Date.now() - day);
  await grant(employer.key, ['labor-contract-dispatch'], Date.now() - hour, Date.now() + day);
  const good = await grant(employer.key, ['labor-contract-dispatch', template.id], Date.now() - 60_000, Date.now() + day);

  const created = await autoSeal(employer.key);
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.json().status, 'sealed', 'sealed at once');
  const stored = await platform.db.contract.findUniqueOrThrow({ where: { id: created.json().id } });
  t.equal(stored.status, 'sealed', 'the record is sealed');
  const audit = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${stored.id}/audit`, headers: employer.key })).json();
  t.match(
    audit.events.find((e: { type: string }) => e.type === 'contract.sealed'),
    { data: { authorisationId: good.id } },
    'the seal names the covering authorisation',
  );
  t.equal(audit.chain.intact, true);
  const pdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${stored.id}/pdf`, headers: employer.key })).rawPayload;
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } })).json();
  t.equal(report.valid, true, 'the automatic seal verifies');
  t.match(report.signatures, [{ fieldName: 'employer-seal' }]);

  const submitted = await batch(employer.key, [{ worker: worker(2) }], { send: false });
  t.equal(submitted.statusCode, 202, submitted.body);
  t.equal(submitted.json().rows, 1);
});

t.test('an authorisation revoked after a batch was accepted: its rows fail with the Chinese reason, nothing is sealed', async (t) => {
  const employer = await newEmployer();
  const granted = await grant(employer.key, [template.id], Date.now() - 60_000, Date.now() + day);
  const submitted = await batch(employer.key, [{ worker: worker(3) }, { worker: worker(4) }], { send: false });
  t.equal(submitted.statusCode, 202, submitted.body);
  const id = submitted.json().id as string;
  const revoked = await app.inject({ method: 'POST', url: `/api/v1/seal-authorisations/${granted.id}/revoke`, headers: employer.key, payload: { revokedBy: '李红梅（法定代表人）' } });
  t.equal(revoked.statusCode, 200, revoked.body);

  await platform.startWorkers(1);
  let progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: employer.key })).json();
  for (let i = 0; i < 120 && !progress.finished; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: employer.key })).json();
  }
  t.equal(progress.finished, true, JSON.stringify(progress));
  t.same(progress.byStatus, { failed: 2 }, 'both rows failed');
  const rows = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/rows`, headers: employer.key })).json();
  const items = rows.items as Array<{ row: number; status: string; error: string | null }>;
  t.equal(items.length, 2);
  for (const row of items) {
    t.equal(row.status, 'failed', `row ${row.row} failed`);
    t.match(row.error, /自动盖章授权/, `row ${row.row} says why, in Chinese`);
  }
  t.equal(await platform.db.contract.count({ where: { batchId: id } }), 0, 'no contract was sealed after the revocation');
});

t.test('calendar dates are Beijing days: validFrom from 00:00, validUntil to the end of the day (+08:00)', async (t) => {
  const { key } = await newEmployer();
  const granted = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: key,
    payload: { templateIds: [template.id], validFrom: '2026-12-05', validUntil: '2027-12-04', grantedBy: '李红梅（法定代表人）' },
  });
  t.equal(granted.statusCode, 201, granted.body);
  t.equal(granted.json().validFrom, '2026-12-04T16:00:00.000Z', '2026-12-05 00:00 Beijing time, not UTC midnight');
  t.equal(granted.json().validUntil, '2027-12-04T15:59:59.999Z', 'the whole of 2027-12-04 in Beijing time');
  const instant = await app.inject({
    method: 'POST',
    url: '/api/v1/seal-authorisations',
    headers: key,
    payload: { templateIds: [template.id], validFrom: '2026-12-05T09:00:00+08:00', validUntil: '2026-12-05T18:00:00+08:00', grantedBy: '李红梅（法定代表人）' },
  });
  t.equal(instant.statusCode, 201, instant.body);
  t.equal(instant.json().validFrom, '2026-12-05T01:00:00.000Z', 'an instant keeps its offset');
  for (const validFrom of ['2026-02-30', '2026-12-05T09:00:00', 'tomorrow']) {
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/seal-authorisations',
      headers: key,
      payload: { templateIds: [template.id], validFrom, validUntil: '2027-12-04', grantedBy: '李红梅（法定代表人）' },
    });
    t.equal(refused.statusCode, 400, `${validFrom}: refused (no date rolled over, no local time of the server)`);
    t.match(refused.json().errors, [{ field: 'validFrom' }], `${validFrom}: names the field`);
  }
});
