/**
 * The contract events nobody signs: voiding by the employer, a signing link that runs out, a
 * fixed term that ends (and one that does not, because the worker is still on the roster).
 */
import t from 'tap';
import { retentionEnd } from '../../src/domain/contract-lifecycle.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const admin = bearer(adminToken);
const created = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(61) })).json();
const employer = bearer(created.apiKey);
const stranger = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(62) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const phone = workerPhone(app, platform, example.worker);
const fields = (n: number) => (n === 0 ? example : { ...example, probation: undefined });

async function contract(n: number, upTo: 'draft' | 'sealed' | 'sent') {
  const response = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: fields(n) } });
  if (response.statusCode !== 201) throw new Error(response.body);
  const id = response.json().id as string;
  if (upTo === 'draft') return { id, token: '' };
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/seal`, headers: employer });
  if (upTo === 'sealed') return { id, token: '' };
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/send`, headers: employer });
  return { id, token: await phone.latestLink() };
}

const status = async (id: string) => (await platform.db.contract.findUniqueOrThrow({ where: { id } })).status;
const auditTypes = async (id: string) => (await platform.db.auditEvent.findMany({ where: { contractId: id }, orderBy: { seq: 'asc' } })).map((e) => e.type);
const voiding = (id: string, payload: unknown, headers = employer) => app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/void`, headers, payload: payload as object });

t.test('voiding: unsigned contracts only, the link dies at once, the worker is told', async (t) => {
  const draft = await contract(1, 'draft');
  const refused = await voiding(draft.id, {});
  t.equal(refused.statusCode, 400);
  t.match(refused.json(), { errors: [{ field: 'reason', messageZh: /./ }] }, 'a reason is required');
  t.equal((await voiding(draft.id, { reason: '岗位取消' }, stranger)).statusCode, 404, "another employer's contract is not found");
  t.equal((await voiding(draft.id, { reason: '岗位取消' })).statusCode, 200);
  t.equal(await status(draft.id), 'voided');
  t.same((await auditTypes(draft.id)).slice(-1), ['contract.voided']);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${draft.id}/seal`, headers: employer })).statusCode, 409, 'a voided contract is final');

  const sent = await contract(2, 'sent');
  t.equal((await app.inject({ method: 'GET', url: phone.api(sent.token, '') })).statusCode, 200, 'the link works before');
  const voided = await voiding(sent.id, { reason: '合同信息填写有误' });
  t.equal(voided.statusCode, 200, voided.body);
  t.equal((await app.inject({ method: 'GET', url: phone.api(sent.token, '') })).statusCode, 410, 'the link is dead after');
  const [message] = await platform.outbox.list({ phone: example.worker.phone, limit: 1 });
  t.match(message, { kind: 'contract-voided', text: /已作废.*合同信息填写有误/ });
  const audit = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${sent.id}/audit`, headers: employer })).json();
  t.equal(audit.chain.intact, true);
  t.match(audit.events.at(-1), { type: 'contract.voided', data: { reason: '合同信息填写有误', from: 'sent', linksRevoked: 1 } });
});

t.test('a link that runs out: link_expired by the sweep, and a resend revives the contract', async (t) => {
  const sent = await contract(3, 'sent');
  t.same(
    await app.inject({ method: 'POST', url: '/api/v1/admin/lifecycle/sweep', headers: admin }).then((r) => r.json()),
    { linksExpired: 0, termsEnded: 0 },
    'nothing is due while the link is valid',
  );
  await platform.db.signingLink.updateMany({ where: { contractId: sent.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const swept = await app.inject({ method: 'POST', url: '/api/v1/admin/lifecycle/sweep', headers: admin });
  t.match(swept.json(), { linksExpired: 1 });
  t.equal(await status(sent.id), 'link_expired');
  t.same((await auditTypes(sent.id)).slice(-1), ['contract.link_expired']);
  t.match((await app.inject({ method: 'POST', url: '/api/v1/admin/lifecycle/sweep', headers: admin })).json(), { linksExpired: 0 }, 'a second sweep finds nothing');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${sent.id}/send`, headers: employer })).statusCode, 200);
  t.equal(await status(sent.id), 'sent', 'resent');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/lifecycle/sweep', headers: employer })).statusCode, 403, 'the sweep is an admin action');
});

t.test('the end of a fixed term: expired with the Art. 50 retention, unless the worker is still on the roster', async (t) => {
  const sent = await contract(0, 'sent');
  t.equal((await phone.sign(sent.token)).statusCode, 200);
  t.equal(await status(sent.id), 'signed');
  // The term ended yesterday (China time).
  const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
  await platform.db.contract.update({ where: { id: sent.id }, data: { endDate: new Date(`${yesterday}T00:00:00Z`) } });

  const hired = await app.inject({
    method: 'POST',
    url: '/api/v1/roster/hires',
    headers: employer,
    payload: { worker: { name: example.worker.name, idNumber: example.worker.idNumber }, hireDate: '2026-01-05', employmentForm: 'labor_contract' },
  });
  t.equal(hired.statusCode, 201, hired.body);
  await app.inject({ method: 'POST', url: '/api/v1/admin/lifecycle/sweep', headers: admin });
  t.equal(await status(sent.id), 'signed', 'still working after the term: deemed continued on the same terms, not expired');

  const left = await app.inject({ method: 'POST', url: '/api/v1/roster/separations', headers: employer, payload: { idNumber: example.worker.idNumber, separationDate: yesterday, kind: 'expiry' } });
  t.ok(left.statusCode < 300, left.body);
  t.match((await app.inject({ method: 'POST', url: '/api/v1/admin/lifecycle/sweep', headers: admin })).json(), { termsEnded: 1 });
  const after = await platform.db.contract.findUniqueOrThrow({ where: { id: sent.id }, include: { documents: true } });
  t.equal(after.status, 'expired');
  t.equal(after.retainUntil?.toISOString().slice(0, 10), retentionEnd(yesterday), 'Art. 50: kept two years after the end');
  t.ok(after.documents.length > 0 && after.documents.every((d) => d.retainUntil?.toISOString().slice(0, 10) === retentionEnd(yesterday)), 'every revision carries the retention date');
  const audit = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${sent.id}/audit`, headers: employer })).json();
  t.equal(audit.chain.intact, true);
  t.match(audit.events.at(-1), { type: 'contract.expired', data: { endDate: yesterday } });
  t.match(await platform.db.auditEvent.findFirst({ where: { contractId: sent.id, type: 'contract.expired' } }), { actorKind: 'system', actorId: 'lifecycle' });
  t.match((await app.inject({ method: 'POST', url: '/api/v1/admin/lifecycle/sweep', headers: admin })).json(), { termsEnded: 0 }, 'expired once');
  t.equal((await voiding(sent.id, { reason: '误操作' })).statusCode, 409, 'a signed-then-expired contract cannot be voided');
});
