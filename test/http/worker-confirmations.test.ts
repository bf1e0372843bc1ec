/**
 * A fixed term at the worker's own request (劳动合同法 第十四条第二款) is confirmed by the
 * worker apart when signing: the link lists the declaration, signing without it is refused in
 * Chinese, and the confirmation is in the contract's audit trail.
 */
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { webcrypto } from 'node:crypto';
import { phoneKey, signaturePng, signedContract, workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(61) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;

t.test('劳动合同法 第十四条第二款: the worker confirms apart that the fixed term is at the worker’s request', async (t) => {
  const fields = { ...example, priorFixedTermContracts: 2, workerRequestsFixedTerm: true, probation: undefined };
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields } });
  t.equal(created.statusCode, 201, created.body.slice(0, 400));
  const id = created.json().id as string;
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/seal`, headers: employer })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/send`, headers: employer })).statusCode, 200);
  const phone = workerPhone(app, platform, example.worker);
  const token = await phone.latestLink();

  const opened = (await app.inject({ method: 'GET', url: phone.api(token) })).json();
  t.same(
    opened.confirmations.map((c: { key: string }) => c.key),
    ['fixed_term_requested'],
    'the link lists the declaration',
  );
  t.match(opened.confirmations[0].textZh, /本人提出/);

  await t.rejects(phone.sign(token), /confirmation-required/, 'signing without the confirmation is refused');
  const refused = await phone.post(phone.api(token, '/prepare'), { code: await phone.latestCode(), publicKey: 'x'.repeat(91), signatureImage: 'data:', intent: true, confirmations: [] });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().errors[0].field, 'confirmations');
  t.match(refused.json().errors[0].messageZh, /请勾选确认/);
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id } })).status, 'sent', 'nothing signed');

  // Identity is verified and the code sent: the page's next try sends the ticked declaration.
  const { keys, spki } = await phoneKey();
  const prepared2 = await phone.post(phone.api(token, '/prepare'), {
    code: await phone.latestCode(),
    publicKey: spki,
    signatureImage: signaturePng,
    intent: true,
    confirmations: ['fixed_term_requested'],
  });
  t.equal(prepared2.statusCode, 200, prepared2.body.slice(0, 300));
  const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(prepared2.json().signedAttributes, 'base64')));
  const completed = await phone.post(phone.api(token, '/complete'), { sessionId: prepared2.json().sessionId, signature: signature.toString('base64') });
  t.equal(completed.statusCode, 200, completed.body.slice(0, 300));
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id } })).status, 'signed');
  const prepared = await platform.db.auditEvent.findFirstOrThrow({ where: { contractId: id, type: 'signature.prepared' }, orderBy: { seq: 'desc' } });
  t.same((prepared.data as { confirmations: string[] }).confirmations, ['fixed_term_requested'], 'the audit trail keeps the confirmation');
});

t.test('a contract without such a request lists nothing to confirm and signs as before', async (t) => {
  const { signed, phone } = await signedContract(app, platform, employer, template.id, { ...example, worker: { ...example.worker, phone: '13900000611' } });
  t.equal(signed.statusCode, 200);
  t.ok(phone);
});
