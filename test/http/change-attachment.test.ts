/**
 * 劳动合同变更书 (template contract-change) attached to a signed contract: sealed, sent and
 * signed like the contract itself; once the worker signs it, the original contract is `changed`,
 * its own audit chain records `contract.changed` naming the attachment, its term is untouched
 * (a change is no renewal), and the social-insurance feed reports it as a change of the
 * original — never as a new employment. A declined 变更书 changes nothing.
 */
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { signedContract, workerPhone } from '../helpers/worker-phone.ts';
import { expectSignedContractVerdict } from '../helpers/contract-verdict.ts';

const { app, platform, adminToken } = await createTestPlatform(t, { INSURANCE_FEED_SETTLE_SECONDS: '0' });
const admin = bearer(adminToken);
const organisation = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(311) })).json();
const employer = bearer(organisation.apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const changeExample = platform.templates.get('contract-change')!.example as Record<string, unknown>;
const { worker: _worker, priorContract: _prior, employer: _employer, ...changeFields } = changeExample;
const phone = workerPhone(app, platform, example.worker);
const insurance = bearer(
  (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: '运城社保经办', role: 'insurance', regionCode: '1408' } })).json().apiKey as string,
);

type AuditEvent = { type: string; data: Record<string, unknown> | null };
const audit = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}/audit`, headers: employer })).json() as { chain: { intact: boolean }; events: AuditEvent[] };
const statusOf = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/contracts/${id}`, headers: employer })).json() as { status: string; endDate: string | null; number: string };

/** A 变更书 for the contract, created, sealed and sent; returns it and the worker's link. */
async function sentChange(originalId: string, fields: Record<string, unknown> = changeFields) {
  const created = await app.inject({ method: 'POST', url: `/api/v1/contracts/${originalId}/attachments`, headers: employer, payload: { templateId: 'contract-change', fields } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const change = created.json() as { id: string; number: string; previousId: string; status: string };
  for (const step of ['seal', 'send']) {
    const done = await app.inject({ method: 'POST', url: `/api/v1/contracts/${change.id}/${step}`, headers: employer });
    if (done.statusCode !== 200) throw new Error(`${step}: ${done.body}`);
  }
  return { change, token: await phone.latestLink() };
}

const original = await signedContract(app, platform, employer, template.id, example);
if (original.signed.statusCode !== 200) throw new Error(original.signed.body);

t.test('a signed 变更书 changes the original contract', async (t) => {
  const before = await statusOf(original.id);
  t.equal(before.status, 'signed', 'the original is in force');

  const created = await app.inject({ method: 'POST', url: `/api/v1/contracts/${original.id}/attachments`, headers: employer, payload: { templateId: 'contract-change', fields: changeFields } });
  t.equal(created.statusCode, 201, created.body);
  const change = created.json();
  t.equal(change.previousId, original.id, 'the 变更书 belongs to the original');
  t.equal(change.templateId, 'contract-change');
  t.not(change.id, original.id, 'a contract of its own');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${change.id}/seal`, headers: employer })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${change.id}/send`, headers: employer })).statusCode, 200);
  t.equal((await statusOf(original.id)).status, 'signed', 'sending the 变更书 does not change the original yet');
  t.notOk(
    (await audit(original.id)).events.some((e) => e.type === 'contract.changed'),
    'no change recorded before the worker signs',
  );

  const signed = await phone.sign(await phone.latestLink());
  t.equal(signed.statusCode, 200, signed.body);
  t.equal(signed.json().status, 'signed', 'the 变更书 itself is signed');

  const after = await statusOf(original.id);
  t.equal(after.status, 'changed', 'the original is now changed');
  t.equal(after.endDate, before.endDate, 'a change (without an end-date item) leaves the term as it was');
  t.equal(after.number, original.number, 'the original keeps its number');
  t.equal((await statusOf(change.id)).status, 'signed');
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id: original.id } })).status, 'changed', 'the record agrees');

  const trail = await audit(original.id);
  t.equal(trail.chain.intact, true, 'the original’s chain verifies');
  const changed = trail.events.filter((e) => e.type === 'contract.changed');
  t.equal(changed.length, 1, 'one contract.changed event on the original’s chain');
  const signedDocument = await platform.db.document.findFirstOrThrow({ where: { contractId: change.id, kind: 'signed' } });
  t.match(changed[0]!.data, { attachment: change.id, documentSha256: signedDocument.sha256 }, 'it names the 变更书 and its signed PDF');
  t.notOk(
    trail.events.some((e) => e.type === 'contract.renewed'),
    'a change is not a renewal',
  );
  t.equal(await platform.db.auditEvent.count({ where: { contractId: change.id, type: 'contract.changed' } }), 0, 'the event is on the original, not on the attachment');
  const attachmentTrail = await audit(change.id);
  t.ok(
    attachmentTrail.events.some((e) => e.type === 'contract.signed'),
    'the 变更书 has its own signing event',
  );
  t.equal(attachmentTrail.chain.intact, true);

  const pdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${change.id}/pdf`, headers: employer })).rawPayload;
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } })).json();
  expectSignedContractVerdict(t, report, 'the signed 变更书');
  t.equal(report.signatures.length, 3, 'seal, worker signature, document timestamp');

  t.test('the insurance feed reports a change of the original, not a new contract', async (t) => {
    const feed = await app.inject({ method: 'GET', url: '/api/v1/insurance/events?after=0&limit=500', headers: insurance });
    t.equal(feed.statusCode, 200, feed.body);
    const items = feed.json().items as Array<{ change: string; contract: { id: string; number: string; worker: { idNumber: string } } }>;
    t.same(
      items.map((item) => `${item.change} ${item.contract.id}`),
      [`effective ${original.id}`, `changed ${original.id}`],
      'the original took effect, then changed',
    );
    const change = items.find((item) => item.change === 'changed')!;
    t.equal(change.contract.number, original.number, 'reported under the original’s number');
    t.equal(change.contract.worker.idNumber, example.worker.idNumber, 'for the same worker');
  });
});

t.test('a changed contract may be changed again', async (t) => {
  const { change, token } = await sentChange(original.id, { ...changeFields, changes: { workplace: { before: '山西省运城市盐湖区', after: '山西省太原市小店区' } } });
  const signed = await phone.sign(token);
  t.equal(signed.statusCode, 200, signed.body);
  t.equal((await statusOf(original.id)).status, 'changed');
  const changed = (await audit(original.id)).events.filter((e) => e.type === 'contract.changed');
  t.equal(changed.length, 2, 'a second contract.changed event');
  t.match(changed[1]!.data, { attachment: change.id });
});

t.test('a declined 变更书 leaves the original as it was', async (t) => {
  const other = await signedContract(app, platform, employer, template.id, { ...example, probation: undefined });
  t.equal(other.signed.statusCode, 200, other.signed.body);
  const { change, token } = await sentChange(other.id);
  await phone.post(phone.api(token, '/read'));
  const declined = await phone.post(phone.api(token, '/decline'), { reason: '不同意调整工作岗位' });
  t.equal(declined.statusCode, 200, declined.body);
  t.equal((await statusOf(change.id)).status, 'declined');
  t.equal((await statusOf(other.id)).status, 'signed', 'the original stays signed');
  t.notOk(
    (await audit(other.id)).events.some((e) => e.type === 'contract.changed'),
    'no change on its chain',
  );
});

t.test('续订书 and 变更书 go through the labor-law rules (劳动合同法 第十二、十四条, 劳动法 第四十八条)', async (t) => {
  const attach = (templateId: string, fields: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/api/v1/contracts/${original.id}/attachments`, headers: employer, payload: { templateId, fields } });
  const endsBeforeStart = await attach('contract-renewal', { termType: 'fixed', startDate: '2029-09-15', endDate: '2029-09-14' });
  t.equal(endsBeforeStart.statusCode, 422, '劳动合同法 第十二条: a renewal ending the day before it starts is refused');
  t.match(endsBeforeStart.json().errors, [{ field: 'endDate', rule: 'ART12_TERM_END_BEFORE_START' }]);
  const third = await attach('contract-renewal', { termType: 'fixed', startDate: '2029-09-15', endDate: '2032-09-14', priorFixedTermContracts: 2 });
  t.equal(third.statusCode, 422, '劳动合同法 第十四条: a third consecutive fixed term is refused unless the worker asks for it');
  t.match(third.json().errors, [{ field: 'termType', rule: 'ART14_OPEN_ENDED_REQUIRED' }]);
  const lowered = await attach('contract-change', { ...changeFields, changes: { monthlyWage: { before: 6000, after: 1879.99 } }, effectiveDate: '2026-10-01' });
  t.equal(lowered.statusCode, 422, '劳动法 第四十八条: a changed wage one fen under the 盐湖区 minimum is refused');
  t.match(lowered.json().errors, [{ field: 'change.monthlyWage', rule: 'WAGE_BELOW_MINIMUM' }]);
});
